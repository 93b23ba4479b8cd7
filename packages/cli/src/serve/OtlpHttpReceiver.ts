import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { LogEvent } from '../input/LogEvent.js';
import type { OtlpWalkCounts } from '../input/otlpJson.js';
import { walkExportLogsRequest } from '../input/otlpJson.js';
import { decodeOtlpLogsProtobuf, ProtobufDecodeError } from './decodeOtlpLogsProtobuf.js';

const gunzipAsync = promisify(gunzip);

/** Options of an {@link OtlpHttpReceiver}. */
export interface OtlpHttpReceiverOptions {
  /** Interface to bind. Default `127.0.0.1` (loopback only). */
  host?: string;
  /** TCP port; 0 picks a free one. Default 4319. */
  port?: number;
  /** When set, every request except `/health` must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Largest request body accepted, in bytes, both as received and after gunzip. Default 10 MiB. */
  maxBodyBytes?: number;
  /** Receives the events of each accepted request, synchronously, before the response is sent. */
  onEvents: (events: LogEvent[]) => void;
  /** Called for each refused request (status and reason), for logging and counters. */
  onRefused?: (status: number, reason: string) => void;
}

/** Counters of the receiver (what `/health` reports). */
export interface ReceiverCounters {
  requests: number;
  refused: number;
  records: number;
  events: number;
  unnamed: number;
  untimed: number;
}

type Encoding = 'protobuf' | 'json';

function encodingOf(contentType: string | undefined): Encoding | undefined {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct === 'application/x-protobuf' || ct === 'application/protobuf') return 'protobuf';
  if (ct === 'application/json') return 'json';
  return undefined;
}

/** google.rpc.Status { int32 code = 1; string message = 2; } on the wire. */
function encodeStatusProtobuf(code: number, message: string): Buffer {
  const msg = Buffer.from(message, 'utf8');
  const parts: number[] = [0x08, ...varint(code), 0x12, ...varint(msg.length)];
  return Buffer.concat([Buffer.from(parts), msg]);
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

/** gRPC status codes used in OTLP/HTTP error bodies. */
const GRPC = {
  INVALID_ARGUMENT: 3,
  UNAUTHENTICATED: 16,
  UNAVAILABLE: 14,
  RESOURCE_EXHAUSTED: 8,
  NOT_FOUND: 5,
  UNIMPLEMENTED: 12,
};

class HttpError extends Error {
  readonly status: number;
  readonly grpc: number;

  constructor(status: number, grpc: number, message: string) {
    super(message);
    this.status = status;
    this.grpc = grpc;
  }
}

/**
 * An OTLP/HTTP receiver for logs (https://opentelemetry.io/docs/specs/otlp/#otlphttp): `POST /v1/logs` with a
 * protobuf or JSON `ExportLogsServiceRequest`, optionally gzip-compressed; `GET /health`. Refusals follow the
 * OTLP/HTTP spec: a `google.rpc.Status` body in the request's encoding, 400 for undecodable data, 401 without
 * the bearer token, 413 over the size limit (checked on Content-Length, while streaming, and after gunzip, so a
 * gzip bomb is refused too), 415 for other media types, 503 with Retry-After while draining.
 */
export class OtlpHttpReceiver {
  readonly counters: ReceiverCounters = {
    requests: 0,
    refused: 0,
    records: 0,
    events: 0,
    unnamed: 0,
    untimed: 0,
  };
  private readonly _host: string;
  private readonly _port: number;
  private readonly _tokenDigest: Buffer | undefined;
  private readonly _maxBodyBytes: number;
  private readonly _onEvents: (events: LogEvent[]) => void;
  private readonly _onRefused: (status: number, reason: string) => void;
  private readonly _server: Server;
  private _draining = false;
  private _inFlight = 0;
  private _idleWaiters: Array<() => void> = [];

  constructor(options: OtlpHttpReceiverOptions) {
    this._host = options.host ?? '127.0.0.1';
    this._port = options.port ?? 4319;
    // Compare digests so the comparison is constant-time whatever the lengths.
    this._tokenDigest = options.token === undefined ? undefined : digest(options.token);
    this._maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
    this._onEvents = options.onEvents;
    this._onRefused = options.onRefused ?? (() => {});
    this._server = createServer((req, res) => this._handle(req, res));
    // Slowloris bounds: a request must arrive in full within 30 s.
    this._server.requestTimeout = 30_000;
    this._server.headersTimeout = 10_000;
  }

  /** Starts listening; resolves with the bound address. */
  async start(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this._server.once('error', reject);
      this._server.listen(this._port, this._host, () => {
        this._server.off('error', reject);
        resolve();
      });
    });
    return this._server.address() as AddressInfo;
  }

  /** `http://host:port` of the bound socket. */
  get url(): string {
    const a = this._server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}`;
  }

  /**
   * Stops accepting connections and answers 503 to new requests, waits for requests in flight (their events
   * reach `onEvents`), then closes. Connections still open after `timeoutMillis` are cut.
   */
  async drain(timeoutMillis: number): Promise<void> {
    this._draining = true;
    const closed = new Promise<void>((resolve) => this._server.close(() => resolve()));
    this._server.closeIdleConnections();
    const idle =
      this._inFlight === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => this._idleWaiters.push(resolve));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMillis);
      timer.unref();
    });
    await Promise.race([idle, timeout]);
    this._server.closeAllConnections();
    await Promise.race([closed, timeout]);
    clearTimeout(timer);
  }

  private _handle(req: IncomingMessage, res: ServerResponse): void {
    this._inFlight++;
    this.counters.requests++;
    res.on('close', () => {
      this._inFlight--;
      if (this._inFlight === 0) {
        const waiters = this._idleWaiters;
        this._idleWaiters = [];
        for (const w of waiters) w();
      }
    });
    const encoding = encodingOf(req.headers['content-type']);
    this._route(req, res, encoding).catch((err: unknown) => {
      const e =
        err instanceof HttpError
          ? err
          : new HttpError(500, 13, `internal error: ${(err as Error).message ?? err}`);
      this._refuse(req, res, encoding, e);
    });
  }

  private async _route(
    req: IncomingMessage,
    res: ServerResponse,
    encoding: Encoding | undefined,
  ): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        throw new HttpError(405, GRPC.UNIMPLEMENTED, 'use GET');
      const body = JSON.stringify({ status: this._draining ? 'draining' : 'ok' });
      res.writeHead(this._draining ? 503 : 200, { 'content-type': 'application/json' });
      res.end(req.method === 'HEAD' ? undefined : body);
      req.resume();
      return;
    }
    if (path !== '/v1/logs') {
      throw new HttpError(
        404,
        GRPC.NOT_FOUND,
        `no such endpoint: ${path}; secmon serve receives logs on /v1/logs`,
      );
    }
    if (req.method !== 'POST') throw new HttpError(405, GRPC.UNIMPLEMENTED, 'use POST');
    if (this._tokenDigest !== undefined && !this._authorized(req)) {
      throw new HttpError(401, GRPC.UNAUTHENTICATED, 'missing or wrong bearer token');
    }
    if (this._draining) throw new HttpError(503, GRPC.UNAVAILABLE, 'shutting down');
    if (encoding === undefined) {
      throw new HttpError(
        415,
        GRPC.INVALID_ARGUMENT,
        'Content-Type must be application/x-protobuf or application/json',
      );
    }
    const contentEncoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (contentEncoding !== 'gzip' && contentEncoding !== 'identity' && contentEncoding !== '') {
      throw new HttpError(415, GRPC.INVALID_ARGUMENT, 'Content-Encoding must be gzip or identity');
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this._maxBodyBytes) {
      throw new HttpError(413, GRPC.RESOURCE_EXHAUSTED, `request body over ${this._maxBodyBytes} bytes`);
    }
    let body = await this._readBody(req);
    if (contentEncoding === 'gzip') {
      try {
        body = await gunzipAsync(body, { maxOutputLength: this._maxBodyBytes });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new HttpError(
            413,
            GRPC.RESOURCE_EXHAUSTED,
            `decompressed body over ${this._maxBodyBytes} bytes`,
          );
        }
        throw new HttpError(400, GRPC.INVALID_ARGUMENT, `bad gzip body: ${(err as Error).message}`);
      }
    }
    const events: LogEvent[] = [];
    const push = (e: LogEvent): void => {
      events.push(e);
    };
    let counts: OtlpWalkCounts;
    if (encoding === 'protobuf') {
      try {
        counts = decodeOtlpLogsProtobuf(body, push);
      } catch (err) {
        if (err instanceof ProtobufDecodeError) throw new HttpError(400, GRPC.INVALID_ARGUMENT, err.message);
        throw err;
      }
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch (err) {
        throw new HttpError(400, GRPC.INVALID_ARGUMENT, `invalid JSON: ${(err as Error).message}`);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new HttpError(400, GRPC.INVALID_ARGUMENT, 'body is not an ExportLogsServiceRequest object');
      }
      counts = walkExportLogsRequest(parsed as Record<string, unknown>, push);
    }
    this.counters.records += counts.records;
    this.counters.unnamed += counts.unnamed;
    this.counters.untimed += counts.untimed;
    this.counters.events += events.length;
    this._onEvents(events);
    // An empty ExportLogsServiceResponse: full success.
    if (encoding === 'json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    } else {
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    }
  }

  private _authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization;
    if (typeof header !== 'string') return false;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m === null) return false;
    return timingSafeEqual(digest(m[1]!), this._tokenDigest!);
  }

  private _readBody(req: IncomingMessage): Promise<Buffer> {
    const max = this._maxBodyBytes;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      req.on('data', (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > max) {
          done = true;
          chunks.length = 0;
          reject(new HttpError(413, GRPC.RESOURCE_EXHAUSTED, `request body over ${max} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (done) return;
        done = true;
        resolve(Buffer.concat(chunks, size));
      });
      req.on('error', (err) => {
        if (done) return;
        done = true;
        reject(new HttpError(400, GRPC.INVALID_ARGUMENT, `request aborted: ${err.message}`));
      });
    });
  }

  private _refuse(
    req: IncomingMessage,
    res: ServerResponse,
    encoding: Encoding | undefined,
    err: HttpError,
  ): void {
    this.counters.refused++;
    this._onRefused(err.status, err.message);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const headers: Record<string, string> = {};
    if (err.status === 401) headers['www-authenticate'] = 'Bearer realm="secmon"';
    if (err.status === 503) headers['retry-after'] = '5';
    if (err.status === 405) headers['allow'] = (req.url ?? '').startsWith('/health') ? 'GET, HEAD' : 'POST';
    // The body of a refused request is not read: close the connection instead of draining it.
    if (!req.complete) headers['connection'] = 'close';
    let body: Buffer | string;
    if (encoding === 'protobuf') {
      headers['content-type'] = 'application/x-protobuf';
      body = encodeStatusProtobuf(err.grpc, err.message);
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify({ code: err.grpc, message: err.message });
    }
    res.writeHead(err.status, headers);
    res.end(body);
    if (!req.complete) {
      // Keep reading (and discarding) a little so the client sees the response rather than a reset.
      req.resume();
    }
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
