import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { createWriteStream, mkdirSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/**
 * An append-only file of JSON lines, written in order through one stream. Each `append` resolves once its
 * line is handed to the OS, so an exporter reports success only for data that reached the file.
 */
export class JsonLinesFile {
  readonly path: string;
  private _stream: WriteStream | undefined;

  constructor(path: string) {
    this.path = path;
  }

  append(line: Uint8Array): Promise<void> {
    const stream = this._open();
    return new Promise((resolve, reject) => {
      stream.write(line);
      stream.write('\n', (err) => (err ? reject(err) : resolve()));
    });
  }

  /**
   * Appends one serialised OTLP request and reports the outcome the way an SDK exporter must: success only once
   * the line reached the file; failure when serialisation gave nothing (`undefined`) or the write failed.
   */
  exportRequest(bytes: Uint8Array | undefined, resultCallback: (result: ExportResult) => void): void {
    if (!bytes) {
      resultCallback({
        code: ExportResultCode.FAILED,
        error: new Error('otlp-json-file: serialisation failed'),
      });
      return;
    }
    this.append(bytes).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: unknown) =>
        resultCallback({
          code: ExportResultCode.FAILED,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    );
  }

  close(): Promise<void> {
    const stream = this._stream;
    this._stream = undefined;
    if (!stream) return Promise.resolve();
    return new Promise((resolve) => stream.end(() => resolve()));
  }

  private _open(): WriteStream {
    if (!this._stream) {
      mkdirSync(dirname(this.path), { recursive: true });
      this._stream = createWriteStream(this.path, { flags: 'a', mode: 0o600 });
    }
    return this._stream;
  }
}
