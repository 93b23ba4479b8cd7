import { parseArgs } from 'node:util';
import { SCENARIOS } from './scenarios.js';
import { Simulator } from './Simulator.js';

const HELP = `secmon-attack-simulator: drive the secmon example shop with benign traffic and attacks

Usage: secmon-attack-simulator [--target URL] [--only id,id] [--list]

  --target URL   the shop (default http://127.0.0.1:3000; loopback only)
  --only ids     comma-separated scenario ids (default: all, in order)
  --list         list the scenarios and exit

The shop must run in demo mode (SHOP_DEMO_TRUST_FORWARDED=1) to honour the simulated client addresses.`;

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'http://127.0.0.1:3000' },
    only: { type: 'string' },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(HELP);
} else if (values.list) {
  for (const s of SCENARIOS) console.log(`${s.id.padEnd(22)} ${s.kind.padEnd(7)} ${s.description}`);
} else {
  const simulator = new Simulator({
    target: values.target,
    ...(values.only ? { only: values.only.split(',').map((s) => s.trim()) } : {}),
    listener: {
      scenarioStart: (s) =>
        console.log(
          `▶ ${s.title} (${s.kind}) from ${s.addresses.slice(0, 3).join(', ')}${s.addresses.length > 3 ? ', …' : ''}`,
        ),
      step: (_s, message) => console.log(`    ${message}`),
      scenarioEnd: (_s, o) =>
        console.log(
          `    ${o.requests} requests; HTTP ${Object.entries(o.statuses)
            .map(([k, v]) => `${k}×${v}`)
            .join(' ')}${o.notes.length ? `; ${o.notes.join('; ')}` : ''}`,
        ),
    },
  });
  const results = await simulator.run();
  const failed = results.filter((r) => r.error);
  for (const r of failed) console.error(`✖ ${r.scenario.id}: ${r.error}`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}
