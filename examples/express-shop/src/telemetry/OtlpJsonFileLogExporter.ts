import type { ExportResult } from '@opentelemetry/core';
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { JsonLinesFile } from './JsonLinesFile.js';

/**
 * Writes log records to a file in the OTLP JSON encoding, one `ExportLogsServiceRequest` per line: the
 * format of the collector's file exporter, which `secmon analyze` reads. Serialised with the SDK's own
 * OTLP JSON serializer (never hand-built JSON), so attribute values are encoded, not interpolated.
 */
export class OtlpJsonFileLogExporter implements LogRecordExporter {
  private readonly _file: JsonLinesFile;

  constructor(path: string) {
    this._file = new JsonLinesFile(path);
  }

  get path(): string {
    return this._file.path;
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    this._file.exportRequest(JsonLogsSerializer.serializeRequest(logs), resultCallback);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this._file.close();
  }
}
