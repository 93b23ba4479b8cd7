import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { WaitOptions } from './OtlpCaptureServer.js';

/** One request received by a {@link HttpTestServer}. */
export interface ReceivedHttpRequest {
  readonly method: string;
  /** The request target as sent, e.g. `/hook?x=1`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body as UTF-8 text. */
  readonly body: string;
}

/**
 * What the server does with the n-th request (0-based): answer with a status (body `ok`), or `'hang'`, which
 * leaves the request unanswered until the server is closed.
 */
export type HttpServerBehaviour = (n: number, request: ReceivedHttpRequest) => { status: number } | 'hang';

/** A running server returned by {@link startHttpServer}. */
export interface HttpTestServer {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** `${origin}/hook`: a ready-made endpoint for a webhook. */
  readonly url: string;
  readonly port: number;
  /** Every request received so far, in arrival order (live: it grows as requests arrive). */
  readonly requests: readonly ReceivedHttpRequest[];
  /** Resolves once `count` requests have arrived; rejects after `timeoutMs` (default 10 000) with the count so far. */
  waitForRequests(count: number, options?: WaitOptions): Promise<void>;
  /** Drops open connections (also the hanging ones) and stops listening (idempotent, also `await using`). */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 and an OS-chosen port that records every request it receives, for webhook-style
 * clients. `behaviour` answers each request; the default answers `200`.
 *
 * @example
 * await using server = await startHttpServer((n) => ({ status: n === 0 ? 503 : 200 }));
 * // ... deliver to server.url ...
 * await server.waitForRequests(2);
 * expect(server.requests[1]!.headers['content-type']).toBe('application/json');
 */
export async function startHttpServer(
  behaviour: HttpServerBehaviour = () => ({ status: 200 }),
): Promise<HttpTestServer> {
  const requests: ReceivedHttpRequest[] = [];
  const sockets = new Set<Socket>();
  const waiters = new Set<{ count: number; resolve: () => void }>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: ReceivedHttpRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const n = requests.length;
      requests.push(r);
      for (const w of waiters) {
        if (requests.length >= w.count) {
          waiters.delete(w);
          w.resolve();
        }
      }
      const b = behaviour(n, r);
      if (b === 'hang') return;
      res.statusCode = b.status;
      res.end('ok');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const close = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    // A second close() gets ERR_SERVER_NOT_RUNNING in the callback: it is already closed, which is the goal.
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    origin,
    url: `${origin}/hook`,
    port,
    requests,
    waitForRequests(count: number, options: WaitOptions = {}): Promise<void> {
      if (requests.length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timeoutMs = options.timeoutMs ?? 10_000;
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`expected ${count} requests within ${timeoutMs} ms, got ${requests.length}`));
        }, timeoutMs);
        const waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        waiters.add(waiter);
      });
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
