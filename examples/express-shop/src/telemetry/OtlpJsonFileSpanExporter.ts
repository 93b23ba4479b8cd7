import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { JsonLinesFile } from './JsonLinesFile.js';

/** Writes spans (the `secmon.alert` spans) as OTLP JSON, one `ExportTraceServiceRequest` per line. */
export class OtlpJsonFileSpanExporter implements SpanExporter {
  private readonly _file: JsonLinesFile;

  constructor(path: string) {
    this._file = new JsonLinesFile(path);
  }

  get path(): string {
    return this._file.path;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const bytes = JsonTraceSerializer.serializeRequest(spans);
    if (!bytes) {
      resultCallback({
        code: ExportResultCode.FAILED,
        error: new Error('otlp-json-file: serialisation failed'),
      });
      return;
    }
    this._file.append(bytes).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: unknown) =>
        resultCallback({
          code: ExportResultCode.FAILED,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    );
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this._file.close();
  }
}
