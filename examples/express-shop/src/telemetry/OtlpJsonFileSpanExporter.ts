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
    this._file.exportRequest(JsonTraceSerializer.serializeRequest(spans), resultCallback);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this._file.close();
  }
}
