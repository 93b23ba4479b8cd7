// Regenerates samples/lab-a09/shop-2025-03-14.jsonl.gz, the log of the A09 lab walkthrough (README): one hour
// of a web shop's security events with one attacker's story planted in it. Deterministic (fixed seed).
//   node --conditions=@secmon/source --import ../../scripts/source-hooks.mjs scripts/make-lab-sample.ts
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { generateTraffic } from '../test/support/traffic.ts';
import { toJsonLine } from '../test/support/writers.ts';

const { records } = generateTraffic({
  events: 1200,
  eventsPerMinute: 20,
  seed: 2025,
  startMillis: Date.parse('2025-03-14T09:00:00Z'),
  story: 'lab',
});
const out = new URL('../samples/lab-a09/shop-2025-03-14.jsonl.gz', import.meta.url);
writeFileSync(out, gzipSync(records.map(toJsonLine).join('\n') + '\n', { level: 9 }));
console.log(`${records.length} records -> ${out.pathname}`);
