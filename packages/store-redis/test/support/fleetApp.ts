// One instance of a fleet: a small login service that records its security events into the processor's
// RuleEngine, sharing detection state through RedisStateStore. Started by FleetProcess as a child process
// (Node 24 type stripping + source-hooks.mjs, so no build is needed).
//
// Environment: REDIS_URL, KEY_PREFIX, INSTANCE (a name), RULES ('default' | 'concurrency').
// Prints `READY <port>` once listening on 127.0.0.1.
//   POST /login   {user, ip, ok, time?, uid?}  -> 200 / 401 (answered synchronously: the engine never awaits Redis)
//   POST /events  [{name, time, ip, user, uid}] -> 200 after processing the batch
//   POST /flush                                -> 200 after store.forceFlush()
//   GET  /state                                -> {alerts, store, engine, recordCalls, recordReturnedValue}
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  DEFAULT_RULES,
  RuleEngine,
  type Alert,
  type SecurityEvent,
  type StoreObservation,
  type StateStoreBinding,
} from '@secmon/processor';
import { RedisStateStore } from '../../src/index.js';
import { concurrencyRules, FAIL, SUCCESS } from './rules.js';

const env = process.env;
const rules = env['RULES'] === 'concurrency' ? concurrencyRules() : DEFAULT_RULES;
const store = new RedisStateStore({
  redis: env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  keyPrefix: env['KEY_PREFIX'] ?? 'secmon:',
});

// Observe the emit-path contract from outside the store: every record() call, and whether any ever returned
// something (a promise would mean the application could end up awaiting Redis).
let recordCalls = 0;
let recordReturnedValue = 0;
const record = store.record.bind(store);
store.record = (o: StoreObservation, b: StateStoreBinding): void => {
  recordCalls++;
  const r: unknown = record(o, b);
  if (r !== undefined) recordReturnedValue++;
};

const alerts: Alert[] = [];
const engine = new RuleEngine({ rules, store, onAlert: (a) => alerts.push(a) });
const resource = { 'service.name': 'shop' };

function event(
  name: string,
  timeMillis: number,
  ip: string,
  user: string,
  uid: string | undefined,
): SecurityEvent {
  return {
    eventName: name,
    timeUnixNano: BigInt(Math.round(timeMillis * 1000)) * 1000n,
    attributes: {
      'client.address': ip,
      'user.hash': `h-${user}`,
      'user.id': user,
      ...(uid !== undefined ? { 'log.record.uid': uid } : {}),
    },
    resource,
  };
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(payload));
}

const server = createServer((req, res) => {
  void (async () => {
    try {
      if (req.method === 'POST' && req.url === '/login') {
        const b = (await body(req)) as { user: string; ip: string; ok: boolean; time?: number; uid?: string };
        // The whole security path is synchronous: process() records into the store's queue and returns.
        engine.process(event(b.ok ? SUCCESS : FAIL, b.time ?? Date.now(), b.ip, b.user, b.uid));
        send(res, b.ok ? 200 : 401, { ok: b.ok });
      } else if (req.method === 'POST' && req.url === '/events') {
        const list = (await body(req)) as {
          name: 'fail' | 'success';
          time: number;
          ip: string;
          user: string;
          uid: string;
        }[];
        for (const e of list)
          engine.process(event(e.name === 'success' ? SUCCESS : FAIL, e.time, e.ip, e.user, e.uid));
        send(res, 200, { processed: list.length });
      } else if (req.method === 'POST' && req.url === '/flush') {
        await store.forceFlush();
        send(res, 200, {});
      } else if (req.method === 'GET' && req.url === '/state') {
        send(res, 200, {
          instance: env['INSTANCE'],
          alerts,
          store: store.stats(),
          engine: engine.stats(),
          recordCalls,
          recordReturnedValue,
        });
      } else {
        send(res, 404, {});
      }
    } catch (e) {
      send(res, 500, { error: String(e) });
    }
  })();
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`READY ${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});

process.on('SIGTERM', () => {
  server.close();
  void store.shutdown().then(() => process.exit(0));
});
