// `npm run bench` for @secmon/store-redis: one process, one real redis-server (started here, loopback, no
// persistence), every case and every anchor on the same streams in the same run, so the ratios compare like
// with like on whatever machine runs it. The README quotes a run on 2 shared cores.
//
// Throughput is end to end for one application process: events go through the processor's RuleEngine into
// the store (record() enqueues; the background flusher pipelines one script call per rule and group), and the
// clock stops when Redis has answered everything (forceFlush). The anchor is rate-limiter-flexible's
// RateLimiterRedis.consume on the same Redis and the same stream: awaited one by one (how a request handler
// calls it) and, as its best case, 1 000 calls in flight at once. The cases of a stream run in interleaved rounds
// after a warm-up round (see interleaved()); each figure is the case's median round. Redis cost: the server's CPU
// time per event (INFO cpu). Memory per active group: Redis `used_memory` before/after creating many groups.
import { DEFAULT_RULES, defineRule, RuleEngine, type Rule, type SecurityEvent } from '@secmon/processor';
import { commandExists, RedisServer, seededRandom } from '@secmon/test-utils';
import os from 'node:os';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RedisStateStore } from '../src/index.ts';

const ROUNDS = Number(process.env['SECMON_BENCH_ROUNDS'] ?? 3);
const QUICK = process.env['SECMON_BENCH_QUICK'] === '1';
const N = QUICK ? 20_000 : 100_000;
const GROUPS = QUICK ? 5_000 : 20_000;
const CHUNK = 1_000;
// Iteration helpers: SECMON_BENCH_STREAM=spread runs one stream; SECMON_BENCH_ONE_RULE=1 only the anchors and
// the 1-rule case (no default pack, no memory figures).
const STREAM_FILTER = process.env['SECMON_BENCH_STREAM'] ?? '';
const ONLY_ONE_RULE = process.env['SECMON_BENCH_ONE_RULE'] === '1';
const T0_MS = 1_760_000_000_000;

if (!commandExists('redis-server')) {
  console.error('bench: redis-server not on PATH (Debian: apt-get install redis-server)');
  process.exit(1);
}

interface Stream {
  readonly name: string;
  readonly events: SecurityEvent[];
  readonly keys: string[];
}

const FAIL = 'secmon.authn.login_fail';
const resource = { 'service.name': 'shop' };

function makeStream(name: string, attackerShare: number, seed: number): Stream {
  const r = seededRandom(seed);
  const events: SecurityEvent[] = [];
  const keys: string[] = [];
  for (let i = 0; i < N; i++) {
    const ip = r() < attackerShare ? '203.0.113.66' : `10.0.${Math.floor(r() * 80)}.${Math.floor(r() * 250)}`;
    keys.push(ip);
    events.push({
      eventName: FAIL,
      timeUnixNano: BigInt(T0_MS + i * 10) * 1_000_000n,
      attributes: {
        'client.address': ip,
        'user.hash': `h${Math.floor(r() * 100_000).toString(36)}`,
        'log.record.uid': `u${i}`,
      },
      resource,
      traceId: (i * 7919).toString(16).padStart(32, '0'),
      spanId: (i * 104_729).toString(16).padStart(16, '0'),
    });
  }
  return { name, events, keys };
}

const BRUTE_FORCE: Rule = defineRule({
  id: 'bench.brute_force',
  title: 'Brute force',
  type: 'event_count',
  match: { event: FAIL },
  groupBy: ['client.address'],
  timespan: '5m',
  condition: { gte: 10 },
  severity: 'high',
  suppress: '10m',
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const redis = await RedisServer.start();
const admin = new Redis(redis.url);
let prefixes = 0;

/**
 * CPU time of the redis-server process (user + system, INFO cpu), µs: everything Redis spends on the work,
 * reading and parsing the commands, running them, writing replies. (INFO commandstats would count the commands
 * a script calls twice: once inside EVALSHA's time and once under their own name.)
 */
async function redisMicros(): Promise<number> {
  const info = await admin.info('cpu');
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  return (user + sys) * 1e6;
}

/** Events/s through RuleEngine + RedisStateStore, end to end; also the time spent on the application thread. */
interface SecmonResult {
  eps: number;
  appNsPerEvent: number;
  redisUsPerEvent: number;
  detections: number;
}

interface RlfResult {
  eps: number;
  redisUsPerEvent: number;
  rejected: number;
}

async function secmonRound(stream: Stream, rules: readonly Rule[]): Promise<SecmonResult> {
  await admin.flushall();
  const cpu0 = await redisMicros();
  const store = new RedisStateStore({
    redis: redis.url,
    keyPrefix: `b${prefixes++}:`,
    maxQueueSize: N * rules.length + CHUNK,
  });
  await store.waitUntilReady();
  const engine = new RuleEngine({ rules, store });
  const events = stream.events;
  let app = 0n;
  const start = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += CHUNK) {
    const t = process.hrtime.bigint();
    const end = Math.min(events.length, i + CHUNK);
    for (let j = i; j < end; j++) engine.process(events[j]!);
    app += process.hrtime.bigint() - t;
    // Let the flusher run between bursts, as request handling would.
    await new Promise((r) => setImmediate(r));
  }
  // forceFlush() gives up after flushTimeoutMillis; the bench waits for everything.
  while (store.stats().queued > 0) await store.forceFlush();
  const ns = Number(process.hrtime.bigint() - start);
  const s = store.stats();
  if (s.droppedQueueFull + s.droppedFailed + s.droppedUnavailable > 0 || s.queued > 0)
    throw new Error(`bench: observations lost ${JSON.stringify(s)}`);
  await store.shutdown();
  const redisUsPerEvent = ((await redisMicros()) - cpu0) / events.length;
  return {
    eps: (events.length * 1e9) / ns,
    appNsPerEvent: Number(app) / events.length,
    redisUsPerEvent,
    detections: s.detections,
  };
}

/** The engine alone (no store): its own per-event cost, the floor under any store. */
function localRound(stream: Stream, rules: readonly Rule[]): { eps: number } {
  const engine = new RuleEngine({ rules });
  const events = stream.events;
  const start = process.hrtime.bigint();
  for (let i = 0; i < events.length; i++) engine.process(events[i]!);
  return { eps: (events.length * 1e9) / Number(process.hrtime.bigint() - start) };
}

async function rlfRound(stream: Stream, inFlight: number): Promise<RlfResult> {
  await admin.flushall();
  const cpu0 = await redisMicros();
  const client = new Redis(redis.url, { enableOfflineQueue: false });
  await new Promise<void>((r) => client.once('ready', () => r()));
  const limiter = new RateLimiterRedis({
    storeClient: client,
    points: 10,
    duration: 300,
    keyPrefix: `rlf${prefixes++}`,
  });
  let rejected = 0;
  const consume = (key: string): Promise<void> =>
    limiter.consume(key).then(
      () => undefined,
      (e: unknown) => {
        if (e instanceof RateLimiterRes) rejected++;
        else throw e;
      },
    );
  const keys = stream.keys;
  const start = process.hrtime.bigint();
  if (inFlight <= 1) {
    for (const k of keys) await consume(k);
  } else {
    for (let i = 0; i < keys.length; i += inFlight)
      await Promise.all(keys.slice(i, i + inFlight).map(consume));
  }
  const ns = Number(process.hrtime.bigint() - start);
  client.disconnect();
  return {
    eps: (keys.length * 1e9) / ns,
    redisUsPerEvent: ((await redisMicros()) - cpu0) / keys.length,
    rejected,
  };
}

/**
 * Runs the cases in interleaved rounds (A B C D, A B C D, ...) after one warm-up round, so that a change in the
 * machine's load (other jobs on shared cores) hits every case alike; each case's figure is its median round.
 */
async function interleaved(cases: readonly (() => Promise<{ eps: number }>)[]): Promise<{ eps: number }[][]> {
  for (const c of cases) await c();
  const runs: { eps: number }[][] = cases.map(() => []);
  for (let r = 0; r < ROUNDS; r++) for (const [i, c] of cases.entries()) runs[i]!.push(await c());
  return runs;
}

function pickMedian<T extends { eps: number }>(runs: readonly T[]): T {
  const m = median(runs.map((x) => x.eps));
  return runs.find((x) => x.eps === m)!;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const streams = [makeStream('spread (20 000 addresses)', 0, 1), makeStream('attacker 90%', 0.9, 2)];

console.log(
  `@secmon/store-redis bench: ${N.toLocaleString('en-US')} failed logins per stream, median of ${ROUNDS} rounds, redis-server ${(await admin.info('server')).match(/redis_version:(\S+)/)?.[1] ?? '?'} on loopback\n`,
);
const rows: string[][] = [
  [
    'stream',
    'case',
    'events/s',
    'vs RLF awaited',
    'vs RLF 1000 in flight',
    'app thread ns/event',
    'Redis CPU µs/event',
  ],
];
const us = (x: { redisUsPerEvent: number }): string => x.redisUsPerEvent.toFixed(1);
const ratio = (x: number, y: number): string => `${(x / y).toFixed(2)}x`;
const loads = [loadAverage()];
for (const stream of STREAM_FILTER === ''
  ? streams
  : streams.filter((s) => s.name.startsWith(STREAM_FILTER))) {
  const [rlfSeqRuns, rlfParRuns, oneRuns, packRuns] = (await interleaved([
    () => rlfRound(stream, 1),
    () => rlfRound(stream, 1_000),
    () => secmonRound(stream, [BRUTE_FORCE]),
    ...(ONLY_ONE_RULE ? [] : [() => secmonRound(stream, DEFAULT_RULES)]),
  ])) as [RlfResult[], RlfResult[], SecmonResult[], SecmonResult[] | undefined];
  const rlfSeq = pickMedian(rlfSeqRuns);
  const rlfPar = pickMedian(rlfParRuns);
  const one = pickMedian(oneRuns);
  // The ratio of each round to the awaited anchor of the same round, then their median: paired, so a load change
  // between rounds moves both sides.
  const paired = median(oneRuns.map((x, r) => x.eps / rlfSeqRuns[r]!.eps));
  rows.push([
    stream.name,
    'RateLimiterRedis.consume, awaited one by one',
    fmt(rlfSeq.eps),
    '1.00x',
    ratio(rlfSeq.eps, rlfPar.eps),
    '',
    us(rlfSeq),
  ]);
  rows.push([
    stream.name,
    'RateLimiterRedis.consume, 1 000 in flight',
    fmt(rlfPar.eps),
    ratio(rlfPar.eps, rlfSeq.eps),
    '1.00x',
    '',
    us(rlfPar),
  ]);
  rows.push([
    stream.name,
    'secmon RedisStateStore, 1 rule (event_count)',
    fmt(one.eps),
    `${ratio(one.eps, rlfSeq.eps)} (paired ${paired.toFixed(2)}x)`,
    ratio(one.eps, rlfPar.eps),
    fmt(one.appNsPerEvent),
    us(one),
  ]);
  if (packRuns !== undefined) {
    const pack = pickMedian(packRuns);
    rows.push([
      stream.name,
      'secmon RedisStateStore, default pack (4 rules per event)',
      fmt(pack.eps),
      ratio(pack.eps, rlfSeq.eps),
      ratio(pack.eps, rlfPar.eps),
      fmt(pack.appNsPerEvent),
      us(pack),
    ]);
    const [localOne, localPack] = (
      await interleaved([
        () => Promise.resolve(localRound(stream, [BRUTE_FORCE])),
        () => Promise.resolve(localRound(stream, DEFAULT_RULES)),
      ])
    ).map(pickMedian);
    rows.push([
      stream.name,
      '(anchor) RuleEngine alone, 1 rule, no store',
      fmt(localOne!.eps),
      '',
      '',
      fmt(1e9 / localOne!.eps),
      '',
    ]);
    rows.push([
      stream.name,
      '(anchor) RuleEngine alone, default pack, no store',
      fmt(localPack!.eps),
      '',
      '',
      fmt(1e9 / localPack!.eps),
      '',
    ]);
  }
  loads.push(loadAverage());
}
printTable(rows);
console.log(`\nload average (1, 5, 15 min) before and after each stream: ${loads.join(' | ')}`);
if (ONLY_ONE_RULE) {
  admin.disconnect();
  await redis.close();
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------------------
// Redis memory per active group: GROUPS groups with 5 events each (below the threshold: state kept).

async function usedMemory(): Promise<number> {
  const info = await admin.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

async function secmonMemory(withIds: boolean): Promise<{ perGroup: number; sampleKey: number }> {
  await admin.flushall();
  const store = new RedisStateStore({ redis: redis.url, keyPrefix: 'mem:', maxQueueSize: GROUPS * 5 + 1 });
  await store.waitUntilReady();
  const engine = new RuleEngine({ rules: [BRUTE_FORCE], store });
  const before = await usedMemory();
  for (let k = 0; k < 5; k++) {
    for (let g = 0; g < GROUPS; g++) {
      const i = k * GROUPS + g;
      engine.process({
        eventName: FAIL,
        timeUnixNano: BigInt(T0_MS + i) * 1_000_000n,
        attributes: {
          'client.address': `10.${(g >> 16) & 255}.${(g >> 8) & 255}.${g & 255}`,
          ...(withIds
            ? { 'log.record.uid': `0193a3c1-7d2e-7c4b-9e1f-${i.toString(16).padStart(12, '0')}` }
            : {}),
        },
        ...(withIds
          ? {
              traceId: (i * 7919).toString(16).padStart(32, '0'),
              spanId: (i * 104_729).toString(16).padStart(16, '0'),
            }
          : {}),
      });
    }
    await store.forceFlush();
  }
  const after = await usedMemory();
  const [key] = await admin.keys('mem:*');
  const sampleKey = Number(await admin.call('MEMORY', 'USAGE', key!));
  await store.shutdown();
  return { perGroup: (after - before) / GROUPS, sampleKey };
}

async function rlfMemory(): Promise<{ perGroup: number; sampleKey: number }> {
  await admin.flushall();
  const limiter = new RateLimiterRedis({
    storeClient: admin,
    points: 10,
    duration: 300,
    keyPrefix: 'rlfmem',
  });
  const before = await usedMemory();
  for (let k = 0; k < 5; k++)
    await Promise.all(
      Array.from({ length: GROUPS }, (_, g) =>
        limiter.consume(`10.${(g >> 16) & 255}.${(g >> 8) & 255}.${g & 255}`),
      ),
    );
  const after = await usedMemory();
  const [key] = await admin.keys('rlfmem*');
  return {
    perGroup: (after - before) / GROUPS,
    sampleKey: Number(await admin.call('MEMORY', 'USAGE', key!)),
  };
}

const memNoIds = await secmonMemory(false);
const memIds = await secmonMemory(true);
const memRlf = await rlfMemory();
console.log(
  `\nRedis memory per active group (${GROUPS.toLocaleString('en-US')} groups x 5 events, INFO used_memory delta; MEMORY USAGE of one key):`,
);
printTable([
  ['case', 'bytes/group', 'MEMORY USAGE of one key'],
  ['secmon event_count state, events without ids', fmt(memNoIds.perGroup), fmt(memNoIds.sampleKey)],
  [
    'secmon event_count state, trace/span ids + log.record.uid kept as evidence',
    fmt(memIds.perGroup),
    fmt(memIds.sampleKey),
  ],
  ['RateLimiterRedis counter (one integer, fixed window)', fmt(memRlf.perGroup), fmt(memRlf.sampleKey)],
]);

admin.disconnect();
await redis.close();

function printTable(rs: string[][]): void {
  const widths = rs[0]!.map((_, c) => Math.max(...rs.map((r) => (r[c] ?? '').length)));
  for (const [i, r] of rs.entries()) {
    console.log(
      `| ${r.map((x, c) => (c >= 2 ? x.padStart(widths[c]!) : x.padEnd(widths[c]!))).join(' | ')} |`,
    );
    if (i === 0)
      console.log(
        `|${widths.map((w, c) => (c >= 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
      );
  }
}
