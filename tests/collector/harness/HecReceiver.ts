// A local Splunk HTTP Event Collector endpoint (node:http on loopback): checks the token like HEC does, accepts
// gzip, answers {"text":"Success","code":0}, and keeps every event (the newline-separated JSON objects of each request).
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface HecEvent {
  time?: number;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  event: unknown;
  fields?: Record<string, string | string[]>;
}

export interface HecRequest {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

export class HecReceiver {
  readonly requests: HecRequest[] = [];
  private readonly _events: HecEvent[] = [];
  private readonly _server: Server;
  readonly url: string;

  private constructor(server: Server, token: string) {
    this._server = server;
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/services/collector`;
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let raw = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
        const body = raw.toString('utf8');
        const reply = (status: number, text: string, code: number) => {
          this.requests.push({ headers: req.headers, body, status });
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ text, code }));
        };
        if (req.url !== '/services/collector' || req.method !== 'POST') return reply(404, 'Not found', 404);
        if (req.headers.authorization !== `Splunk ${token}`) return reply(403, 'Invalid token', 4);
        try {
          const events = body
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map((l) => JSON.parse(l) as HecEvent);
          if (events.some((e) => e.event === undefined || e.event === ''))
            return reply(400, 'Event field cannot be blank', 13);
          this._events.push(...events);
          return reply(200, 'Success', 0);
        } catch {
          return reply(400, 'Invalid data format', 6);
        }
      });
    });
  }

  static async start(token: string): Promise<HecReceiver> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return new HecReceiver(server, token);
  }

  events(): HecEvent[] {
    return [...this._events];
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => this._server.close(() => r()));
  }
}
