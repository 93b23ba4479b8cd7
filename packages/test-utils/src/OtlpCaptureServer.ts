import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import {
  decodeExportLogsServiceRequest,
  decodeExportMetricsServiceRequest,
  decodeExportTraceServiceRequest,
  flattenLogs,
  flattenSpans,
  otlpEncodingOf,
} from './decode.js';
import type { CapturedLogRecord, CapturedRequest, CapturedSpan } from './types.js';

/** Options of {@link OtlpCaptureServer.start}. */
export interface OtlpCaptureServerOptions {
  /** TCP port; default 0 (the OS picks a free one). */
  port?: number;
  /** Interface to bind; default `127.0.0.1` (tests never listen beyond loopback). */
  host?: string;
  /** HTTP status answered to export requests; default 200. See {@link OtlpCaptureServer.setStatus}. */
  status?: number;
  /** Largest accepted (decompressed) body in bytes; default 64 MiB. Larger requests get 413. */
  maxBodyBytes?: number;
}

/** Options of the `waitFor*` methods. */
export interface WaitOptions {
  /** Give up after this many milliseconds; default 10 000. */
  timeoutMs?: number;
}

type Signal = 'logs' | 'traces' | 'metrics';

const PATHS: Readonly<Record<string, Signal>> = {
  '/v1/logs': 'logs',
  '/v1/traces': 'traces',
  '/v1/metrics': 'metrics',
};

interface Waiter {
  readonly check: () => boolean;
  readonly resolve: () => void;
}

/**
 * An in-process OTLP/HTTP receiver for tests: accepts `/v1/logs`, `/v1/traces` and `/v1/metrics` in protobuf
 * or JSON, gzip/deflate/br compressed or not, decodes them with the real OTLP schema and keeps everything it
 * accepted for assertions on the wire format.
 *
 * Only requests answered with a 2xx status count as delivered (`logs()`, `spans()`, `metrics()`);
 * `requests` and `rawBodies()` keep every request received, accepted or not.
 *
 * @example
 * const server = await OtlpCaptureServer.start();
 * const exporter = new OTLPLogExporter({ url: `${server.url}/v1/logs` });
 * // ... emit, flush ...
 * const [record] = await server.waitForLogs(1);
 * await server.close();
 */
export class OtlpCaptureServer {
  /** `http://127.0.0.1:PORT`; exporters use `${url}/v1/logs`, `${url}/v1/traces`, `${url}/v1/metrics`. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: CapturedRequest[] = [];

  private readonly _server: Server;
  private readonly _maxBodyBytes: number;
  private _status: number;
  private _logs: CapturedLogRecord[] = [];
  private _spans: CapturedSpan[] = [];
  private _metrics: Record<string, unknown>[] = [];
  private _waiters: Waiter[] = [];
  private _closed = false;

  private constructor(server: Server, options: OtlpCaptureServerOptions) {
    this._server = server;
    this._status = options.status ?? 200;
    this._maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
    const address = server.address() as AddressInfo;
    this.port = address.port;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${host}:${address.port}`;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this._onRequest(req, res));
  }

  /** Start a server; resolves once it listens. */
  static async start(options: OtlpCaptureServerOptions = {}): Promise<OtlpCaptureServer> {
    const server = createServer();
    // Exporters keep connections alive; do not let a test runner wait on them after close().
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new OtlpCaptureServer(server, options);
  }

  /** Log records accepted so far, flattened, in arrival order. */
  logs(): CapturedLogRecord[] {
    return this._logs.slice();
  }

  /** Spans accepted so far, flattened, in arrival order. */
  spans(): CapturedSpan[] {
    return this._spans.slice();
  }

  /** Decoded `ExportMetricsServiceRequest`s accepted so far (raw plain objects, best effort). */
  metrics(): Record<string, unknown>[] {
    return this._metrics.slice();
  }

  /** The decompressed body of every request received (accepted or not): what left the process. */
  rawBodies(): Buffer[] {
    return this.requests.map((r) => r.bytes);
  }

  /**
   * Answer subsequent export requests with `code`: e.g. 503 simulates a backend outage (OTLP exporters
   * retry 429/502/503/504), 400 a permanent rejection, 200 recovers.
   */
  setStatus(code: number): void {
    this._status = code;
  }

  /** Forget everything received so far. */
  clear(): void {
    this.requests.length = 0;
    this._logs = [];
    this._spans = [];
    this._metrics = [];
  }

  /** Resolve once `predicate` holds (checked now and after every request); reject after the timeout. */
  waitFor(predicate: (server: OtlpCaptureServer) => boolean, options: WaitOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      const check = (): boolean => predicate(this);
      if (check()) {
        resolve();
        return;
      }
      const waiter: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this._waiters = this._waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `OtlpCaptureServer: condition not met within ${timeoutMs} ms ` +
              `(logs=${this._logs.length}, spans=${this._spans.length}, metrics requests=${this._metrics.length}, ` +
              `requests=${this.requests.length})`,
          ),
        );
      }, timeoutMs);
      timer.unref();
      this._waiters.push(waiter);
    });
  }

  /** Wait until at least `n` log records were accepted; resolves with all of them. */
  async waitForLogs(n: number, options: WaitOptions = {}): Promise<CapturedLogRecord[]> {
    await this.waitFor((s) => s._logs.length >= n, options);
    return this.logs();
  }

  /** Wait until at least `n` spans were accepted; resolves with all of them. */
  async waitForSpans(n: number, options: WaitOptions = {}): Promise<CapturedSpan[]> {
    await this.waitFor((s) => s._spans.length >= n, options);
    return this.spans();
  }

  /** Stop listening and drop open connections. Idempotent. */
  async close(): Promise<void> {
    if (this._closed) return;
    this._closed = true;
    await new Promise<void>((resolve) => {
      this._server.close(() => resolve());
      this._server.closeAllConnections();
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private _onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this._maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      this._handle(req, res, tooLarge ? undefined : Buffer.concat(chunks));
    });
    req.on('error', () => {
      res.destroy();
    });
  }

  private _handle(req: IncomingMessage, res: ServerResponse, raw: Buffer | undefined): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const contentType = String(req.headers['content-type'] ?? '');
    const contentEncoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
    const record: CapturedRequest = {
      path,
      method: req.method ?? '',
      contentType,
      contentEncoding,
      headers: { ...req.headers },
      bytes: Buffer.alloc(0),
      status: 0,
    };
    this.requests.push(record);

    const signal = PATHS[path];
    const reply = (status: number, error?: string): void => {
      record.status = status;
      if (error !== undefined) record.error = error;
      const json = otlpEncodingOf(contentType) === 'json';
      res.writeHead(status, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      // An empty Export*ServiceResponse: `{}` in JSON, zero bytes in protobuf.
      res.end(json && status < 300 ? '{}' : undefined);
      this._notify();
    };

    if (raw === undefined) return reply(413, 'body too large');
    if (signal === undefined) return reply(404, `unknown path ${path}`);
    if (req.method !== 'POST') return reply(405, `method ${String(req.method)} not allowed`);

    let body: Buffer;
    try {
      body = decompress(raw, contentEncoding);
    } catch (err) {
      record.bytes = raw;
      return reply(400, `cannot decompress (${contentEncoding}): ${String(err)}`);
    }
    record.bytes = body;

    let decoded: Record<string, unknown>;
    try {
      decoded =
        signal === 'logs'
          ? decodeExportLogsServiceRequest(body, contentType)
          : signal === 'traces'
            ? decodeExportTraceServiceRequest(body, contentType)
            : decodeExportMetricsServiceRequest(body, contentType);
    } catch (err) {
      return reply(400, `cannot decode ${signal}: ${String(err)}`);
    }

    const status = this._status;
    if (status >= 200 && status < 300) {
      if (signal === 'logs') this._logs.push(...flattenLogs(decoded));
      else if (signal === 'traces') this._spans.push(...flattenSpans(decoded));
      else this._metrics.push(decoded);
    }
    reply(status);
  }

  private _notify(): void {
    if (this._waiters.length === 0) return;
    const pending: Waiter[] = [];
    for (const w of this._waiters) {
      if (w.check()) w.resolve();
      else pending.push(w);
    }
    this._waiters = pending;
  }
}

function decompress(raw: Buffer, encoding: string): Buffer {
  switch (encoding) {
    case '':
    case 'identity':
      return raw;
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(raw);
    case 'deflate':
      return inflateSync(raw);
    case 'br':
      return brotliDecompressSync(raw);
    default:
      throw new Error(`unsupported content-encoding ${encoding}`);
  }
}
