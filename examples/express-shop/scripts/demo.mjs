#!/usr/bin/env node
// The secmon demo (`npm start` at the repository root): starts the shop in demo mode, plays the attack
// simulator against it, shows live the security events per family and each alert as it fires (rule, key,
// count, response), then a summary and where the files are.
//
//   node examples/express-shop/scripts/demo.mjs [--collector] [--only id,id] [--quiet]
//
// Runs the workspace's TypeScript sources directly (Node >= 22.18 type stripping, see scripts/source-hooks.mjs at the repository root):
// nothing to build. With --collector, the shop exports OTLP to the collector distribution built from
// collector-config/ (`npm run collector:build`), which writes the files instead.
import { fork, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const shopDir = join(here, '..');
const root = join(shopDir, '..', '..');

// Type stripping needs Node >= 22.18 (on by default); the repository brings Node 24 in node_modules/.bin.
if (!process.features?.typescript) {
  const node = join(root, 'node_modules', '.bin', 'node');
  if (existsSync(node) && process.env.SECMON_DEMO_REEXEC !== '1') {
    const run = spawnSync(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, SECMON_DEMO_REEXEC: '1' },
    });
    process.exit(run.status ?? 1);
  }
  console.error(
    `secmon demo: Node.js ${process.version} cannot run TypeScript sources; run \`npm install\` first (it brings Node 24).`,
  );
  process.exit(1);
}

await import('../../../scripts/source-hooks.mjs');
// Attacker-controlled text is printed through the same escaping as the shop's console alert action.
const { safe } = await import('../src/terminal.ts');

const { values: args } = parseArgs({
  options: {
    collector: { type: 'boolean', default: false },
    only: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(`Usage: npm start [-- --collector] [-- --only scenario,scenario]

  --collector   send the shop's events through the collector distribution (collector-config/_build)
  --only ids    play only these simulator scenarios (see: npm run start -w @secmon/example-attack-simulator -- --list)
  --quiet       no per-step lines, alerts and summary only`);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------------------
// Terminal output. Everything that may come from an attacker (addresses, paths, user agents, keys) goes
// through safe() before it is printed: control characters, ANSI escapes and bidi overrides are shown
// escaped, never interpreted by the terminal.
// ---------------------------------------------------------------------------------------------------------
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (s) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
const bold = paint('1');
const dim = paint('2');
const red = paint('31');
const green = paint('32');
const yellow = paint('33');
const cyan = paint('36');
const magenta = paint('35');

const out = (line = '') => process.stdout.write(`${line}\n`);
const FAMILY_ORDER = [
  'authn',
  'session',
  'authz',
  'access',
  'privilege',
  'user',
  'config',
  'payment',
  'sensitive',
  'input',
  'excess',
  'malicious',
  'sequence',
  'sys',
];
const familyOf = (eventName) => String(eventName).split('.')[1] ?? 'other';
function formatFamilies(counts) {
  const names = [
    ...FAMILY_ORDER.filter((f) => counts.has(f)),
    ...[...counts.keys()].filter((f) => !FAMILY_ORDER.includes(f)).sort(),
  ];
  if (names.length === 0) return dim('none');
  return names.map((f) => `${f} ${bold(counts.get(f))}`).join(dim(' · '));
}
function formatDuration(ms) {
  if (ms === undefined || ms === null) return '';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
const SEVERITY_COLOR = { critical: red, high: red, medium: yellow, low: cyan, informational: dim };

/** A status line at the bottom of a TTY, redrawn in place (plain terminals get no redraws). */
let statusText = '';
function setStatus(text) {
  if (!process.stdout.isTTY || args.quiet) return;
  statusText = text;
  process.stdout.write(`\r\u001b[2K${text}`);
}
function print(line = '') {
  if (statusText && process.stdout.isTTY) process.stdout.write('\r\u001b[2K');
  out(line);
  if (statusText && process.stdout.isTTY) process.stdout.write(statusText);
}
function clearStatus() {
  if (statusText && process.stdout.isTTY) process.stdout.write('\r\u001b[2K');
  statusText = '';
}

// ---------------------------------------------------------------------------------------------------------
// Files, collector, shop.
// ---------------------------------------------------------------------------------------------------------
const outputDir = process.env.SECMON_DEMO_OUTPUT_DIR
  ? resolve(process.env.SECMON_DEMO_OUTPUT_DIR)
  : join(root, '.secmon-demo');
mkdirSync(outputDir, { recursive: true });
for (const name of [
  'security-events.otlp.jsonl',
  'traces.otlp.jsonl',
  'shop.log',
  'collector.log',
  'collector-logs.otlp.jsonl',
  'collector-traces.otlp.jsonl',
  'collector-overlay.yaml',
  'collector-archive',
  'collector-storage',
  'summary.json',
]) {
  rmSync(join(outputDir, name), { force: true, recursive: true });
}
const rel = (p) => relative(process.cwd(), p) || '.';

/** Log records in a file of OTLP JSON ExportLogsServiceRequest lines. */
function countLogRecords(path) {
  if (!existsSync(path)) return 0;
  let n = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      for (const rl of JSON.parse(line).resourceLogs ?? [])
        for (const sl of rl.scopeLogs ?? []) n += sl.logRecords?.length ?? 0;
    } catch {
      // a line being written
    }
  }
  return n;
}

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

const started = Date.now();
const children = new Set();
function stopChildren() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
process.on('SIGINT', () => {
  clearStatus();
  stopChildren();
  process.exit(130);
});

let collector;
const shopEnv = {
  ...process.env,
  PORT: '0',
  SHOP_DEMO_TRUST_FORWARDED: '1',
  SHOP_SCRYPT_LOG2N: process.env.SHOP_SCRYPT_LOG2N ?? '15',
  SECMON_OUTPUT_DIR: outputDir,
  OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ?? 'express-shop',
  // Export promptly so the files fill up while the story unfolds.
  OTEL_BLRP_SCHEDULE_DELAY: process.env.OTEL_BLRP_SCHEDULE_DELAY ?? '200',
  OTEL_BSP_SCHEDULE_DELAY: process.env.OTEL_BSP_SCHEDULE_DELAY ?? '200',
};
if (args.collector) {
  const { startCollector } = await import('./collector.mjs');
  collector = await startCollector({ root, outputDir, freePort, rel });
  if (!collector) process.exit(1);
  children.add(collector.process);
  Object.assign(shopEnv, collector.shopEnv);
}

const shopLog = createWriteStream(join(outputDir, 'shop.log'));
const shop = fork(join(shopDir, 'src', 'main.ts'), [], {
  cwd: shopDir,
  env: shopEnv,
  execArgv: [
    '--conditions=@secmon/source',
    '--import',
    join(here, '..', '..', '..', 'scripts', 'source-hooks.mjs'),
  ],
  stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
});
children.add(shop);
shop.stdout.pipe(shopLog, { end: false });
shop.stderr.pipe(shopLog, { end: false });

let ready;
const readyPromise = new Promise((resolve, reject) => {
  shop.once('exit', (code) =>
    reject(
      new Error(
        `the shop exited (code ${code}) before it was ready; see ${rel(join(outputDir, 'shop.log'))}`,
      ),
    ),
  );
  ready = resolve;
});

const familyCounts = new Map();
let scenarioFamilies = new Map();
let current; // { scenario, alerts: [] }
const allAlerts = [];
const waiters = new Map();
let seq = 0;

function onAlert(alert) {
  allAlerts.push({ ...alert, scenario: current?.scenario.id });
  current?.alerts.push(alert);
  const sev = SEVERITY_COLOR[alert.severity] ?? yellow;
  const key = Object.entries(alert.group ?? {})
    .map(([k, v]) => `${safe(k, 40)}=${bold(safe(v, 64))}`)
    .join(' ');
  let response = dim('→ no suggested response');
  if (alert.response?.enforced) {
    // The block this alert put in place in the shop's BlockList (the next requests are refused with 403).
    response = magenta(
      `→ ${safe(alert.response.action, 40)} ${safe(alert.response.target, 64)}${alert.response.durationMillis ? ` for ${formatDuration(alert.response.durationMillis)}` : ''}`,
    );
  } else if (alert.response) {
    response = dim(
      `→ ${safe(alert.response.action, 40)} (advisory${alert.response.durationMillis ? `, ${formatDuration(alert.response.durationMillis)}` : ''})`,
    );
  }
  print(
    `  ${sev('🚨 ALERT')} ${sev(`[${safe(alert.severity, 16)}]`)} ${bold(safe(alert.ruleId, 60))} ${dim(safe(alert.title, 80))}`,
  );
  print(
    `           ${key || dim('(no group)')} ${dim('·')} ${alert.count} event${alert.count === 1 ? '' : 's'}${alert.windowMillis ? ` in ${formatDuration(alert.windowMillis)}` : ''} ${response}`,
  );
}

shop.on('message', (message) => {
  if (!message || typeof message !== 'object') return;
  switch (message.type) {
    case 'ready':
      ready(message);
      break;
    case 'event': {
      const family = familyOf(message.name);
      familyCounts.set(family, (familyCounts.get(family) ?? 0) + 1);
      scenarioFamilies.set(family, (scenarioFamilies.get(family) ?? 0) + 1);
      setStatus(`  ${dim('events so far:')} ${formatFamilies(familyCounts)}`);
      break;
    }
    case 'alert':
      onAlert(message);
      break;
    case 'reply': {
      const waiter = waiters.get(message.id);
      waiters.delete(message.id);
      waiter?.(message);
      break;
    }
  }
});

function request(type, timeoutMs = 10_000) {
  const id = ++seq;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiters.delete(id);
      reject(new Error(`the shop did not answer ${type} in ${timeoutMs} ms`));
    }, timeoutMs);
    waiters.set(id, (m) => {
      clearTimeout(timer);
      resolve(m);
    });
    shop.send({ type, id });
  });
}

let info;
try {
  info = await readyPromise;
} catch (error) {
  stopChildren();
  console.error(red(`secmon demo: ${error.message}`));
  const log = join(outputDir, 'shop.log');
  if (existsSync(log))
    for (const line of readFileSync(log, 'utf8').split('\n').slice(-15))
      console.error(`  ${safe(line, 300)}`);
  process.exit(1);
}

const { Simulator } = await import('@secmon/example-attack-simulator');

out(bold('secmon demo: an Express shop under attack, watched by secmon'));
out(`  ${dim('shop     ')} ${info.url} ${dim('(demo mode: X-Forwarded-For trusted from loopback only)')}`);
out(`  ${dim('pipeline ')} ${safe(info.pipeline, 300)}`);
out(
  `  ${dim('rules    ')} ${info.rules} rules of the default pack ${dim(`(${safe(info.ruleIds?.join(', ') ?? '', 400)})`)}`,
);
out('');

const results = [];
const simulator = new Simulator({
  target: info.url,
  ...(args.only ? { only: args.only.split(',').map((s) => s.trim()) } : {}),
  listener: {
    scenarioStart(scenario) {
      const index = simulator.scenarios.indexOf(scenario) + 1;
      current = { scenario, alerts: [] };
      scenarioFamilies = new Map();
      const from =
        scenario.addresses.slice(0, 3).join(', ') +
        (scenario.addresses.length > 3 ? `, … (${scenario.addresses.length} addresses)` : '');
      const kind =
        scenario.kind === 'attack'
          ? red(scenario.kind)
          : scenario.kind === 'audit'
            ? yellow(scenario.kind)
            : green(scenario.kind);
      print(
        `${bold(`▶ ${index}/${simulator.scenarios.length} ${scenario.title}`)} ${dim('(')}${kind}${dim(')')} ${dim(`from ${from}`)}`,
      );
      if (!args.quiet) print(`  ${dim(scenario.description)}`);
    },
    step(_scenario, message) {
      if (!args.quiet) print(`  ${dim('·')} ${safe(message)}`);
    },
    async scenarioEnd(scenario, outcome) {
      // Barrier: alerts raised while the scenario's requests were handled reach us before the reply.
      await new Promise((r) => setTimeout(r, 150));
      await request('sync');
      const statuses = Object.entries(outcome.statuses)
        .map(([k, v]) => `${k}×${v}`)
        .join(' ');
      print(
        `  ${dim(`${outcome.requests} requests · HTTP ${statuses}`)}${outcome.notes.length ? ` · ${safe(outcome.notes.join('; '), 200)}` : ''}`,
      );
      print(`  ${dim('events')}  ${formatFamilies(scenarioFamilies)}`);
      const fired = new Set(current.alerts.map((a) => a.ruleId));
      const missing = scenario.expectedRules.filter((r) => !fired.has(r));
      let verdict;
      if (scenario.kind === 'benign')
        verdict =
          current.alerts.length === 0
            ? green('✔ no alert, as expected for benign traffic')
            : red(`✖ ${current.alerts.length} alert(s) on benign traffic`);
      else if (scenario.expectedRules.length === 0) verdict = dim(`${current.alerts.length} alert(s)`);
      else
        verdict =
          missing.length === 0
            ? green(`✔ detected (${scenario.expectedRules.join(', ')})`)
            : red(`✖ not detected: ${missing.join(', ')}`);
      print(`  ${verdict}`);
      print('');
      results.push({
        scenario,
        outcome,
        alerts: current.alerts,
        missing,
        families: Object.fromEntries(scenarioFamilies),
      });
      current = undefined;
    },
  },
});

let runError;
try {
  await simulator.run();
} catch (error) {
  runError = error;
}
clearStatus();

// Flush the pipeline (batch processors, file or OTLP exporters), then stop the shop.
let exportStats;
try {
  ({ exportStats } = await request('flush', 30_000));
} catch (error) {
  print(yellow(`secmon demo: ${error.message}`));
}
shop.send({ type: 'shutdown' });
const shopExit = await Promise.race([
  once(shop, 'exit'),
  new Promise((r) => setTimeout(() => r('timeout'), 15_000)),
]);
if (shopExit === 'timeout') shop.kill('SIGKILL');
if (collector) {
  // The collector batches and writes asynchronously: wait until its file holds every event and alert the
  // shop reported (or 20 s), so the summary describes what is on disk.
  const expected = [...familyCounts.values()].reduce((a, b) => a + b, 0) + allAlerts.length;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && countLogRecords(collector.files.events) < expected)
    await new Promise((r) => setTimeout(r, 250));
  await collector.stop();
}
shopLog.end();

// ---------------------------------------------------------------------------------------------------------
// Summary.
// ---------------------------------------------------------------------------------------------------------
const elapsed = ((Date.now() - started) / 1000).toFixed(1);
out(bold(`Summary (${elapsed} s)`));
const width = Math.max(...results.map((r) => r.scenario.id.length), 8) + 2;
let failures = 0;
for (const r of results) {
  const fired = [...new Set(r.alerts.map((a) => a.ruleId))];
  let mark;
  if (r.scenario.kind === 'benign') {
    mark = fired.length === 0 ? green('✔ no alert') : red(`✖ unexpected: ${fired.join(', ')}`);
    if (fired.length > 0) failures++;
  } else if (r.missing.length > 0) {
    mark = red(`✖ missing: ${r.missing.join(', ')}`);
    failures++;
  } else {
    mark = green(`✔ ${fired.join(', ') || 'no alert'}`);
  }
  out(`  ${r.scenario.id.padEnd(width)}${mark}`);
}
const blocks = allAlerts.filter((a) => a.response?.enforced).length;
const totalEvents = [...familyCounts.values()].reduce((a, b) => a + b, 0);
out('');
out(`  ${dim('events by family')}  ${formatFamilies(familyCounts)}  ${dim('total')} ${bold(totalEvents)}`);
out(
  `  ${dim('alerts          ')}  ${bold(allAlerts.length)} from ${new Set(allAlerts.map((a) => a.ruleId)).size} rules · ${blocks} enforced block${blocks === 1 ? '' : 's'} (BlockList)`,
);
if (exportStats) {
  const lost = exportStats.dropped + exportStats.exportFailed;
  const exported = `${exportStats.exported} of ${exportStats.received} records exported (events and alerts)`;
  out(
    `  ${dim('export          ')}  ${lost === 0 ? `${exported}, none lost` : yellow(`${exported}, ${lost} lost (queue full ${exportStats.dropped}, failed ${exportStats.exportFailed})`)}`,
  );
}
out('');
out(bold('Files'));
const files = collector ? collector.files : info.files;
const pathWidth = Math.max(46, ...Object.values(files ?? {}).map((p) => rel(p).length + 1));
for (const [label, path] of Object.entries(files ?? {})) {
  const size = existsSync(path) ? statSync(path).size : 0;
  const lines = size > 0 ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0;
  out(
    `  ${rel(path).padEnd(pathWidth)} ${dim(`${label}: ${lines} OTLP JSON request line${lines === 1 ? '' : 's'}, ${(size / 1024).toFixed(1)} KiB`)}`,
  );
}
out(
  `  ${rel(join(outputDir, 'shop.log')).padEnd(pathWidth)} ${dim("the shop's own console (including its console alert action)")}`,
);
out('');

// ---------------------------------------------------------------------------------------------------------
// Offline replay: `secmon analyze` (the CLI, from its sources) reads the file just written and runs the same
// rules on event time. Proves the file is what the CLI reads, and shows the third placement of the engine.
// ---------------------------------------------------------------------------------------------------------
const replayFile = collector ? collector.files.archive : info.files?.events;
const cliDir = join(root, 'packages', 'cli');
const analyzeArgs = [
  '--conditions=@secmon/source',
  '--import',
  './scripts/source-hooks.mjs',
  'packages/cli/src/bin.ts',
  'analyze',
];
let replay;
if (replayFile && existsSync(replayFile) && existsSync(join(cliDir, 'src', 'bin.ts'))) {
  const run = spawnSync(
    process.execPath,
    [...analyzeArgs, '--fail-on', 'never', '--no-progress', replayFile],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  const report = run.stdout ?? '';
  // "CRITICAL  authn.account_takeover  Successful login after repeated failures": one line per rule that fired.
  const rules = [...report.matchAll(/^(CRITICAL|HIGH|MEDIUM|LOW|INFORMATIONAL)\s+(\S+)\s+(.*)$/gm)].map(
    (m) => ({ severity: m[1], ruleId: m[2], title: m[3] }),
  );
  const headline = report.split('\n').filter((l) => /^(secmon analyze:|rules:|\d+ alerts? from)/.test(l));
  replay = { exitCode: run.status, rules: rules.map((r) => r.ruleId), headline };
  out(bold('Offline replay') + dim(` (secmon analyze ${rel(replayFile)}: the same rules, on event time)`));
  if (run.status !== 0 || headline.length === 0) {
    out(
      `  ${yellow(`secmon analyze exited with ${run.status}`)} ${dim(safe((run.stderr ?? '').split('\n')[0], 200))}`,
    );
  } else {
    for (const line of headline) out(`  ${safe(line, 200)}`);
    for (const r of rules) out(`  ${dim(r.severity.padEnd(9))} ${safe(r.ruleId, 60)}`);
    const live = new Set(allAlerts.map((a) => a.ruleId));
    const same = live.size === rules.length && rules.every((r) => live.has(r.ruleId));
    out(
      `  ${same ? green('✔ the same rules fired as live') : yellow(`○ differs from the live run (live: ${[...live].sort().join(', ')})`)}`,
    );
  }
  out('');
}

out(bold('Next'));
if (replayFile) {
  // The repository's Node 24 (node_modules/.bin/node): the system's node may be too old to run TypeScript.
  const repoNode = join(root, 'node_modules', '.bin', 'node');
  const node = existsSync(repoNode) ? rel(repoNode) : 'node';
  out(
    `  ${dim('# the full report: alerts by rule, top offending keys, a timeline (npx secmon analyze … once built)')}`,
  );
  out(`  ${node} ${analyzeArgs.join(' ')} ${rel(replayFile)}`);
}
if (!collector)
  out(`  npm start -- --collector   ${dim('# the same story through the collector distribution')}`);
out(`  ${dim('examples/express-shop/README.md explains what you just saw.')}`);

const summary = {
  elapsedSeconds: Number(elapsed),
  collector: Boolean(collector),
  files,
  families: Object.fromEntries(familyCounts),
  exportStats,
  replay,
  scenarios: results.map((r) => ({
    id: r.scenario.id,
    kind: r.scenario.kind,
    expectedRules: r.scenario.expectedRules,
    alerts: r.alerts,
    missing: r.missing,
    requests: r.outcome.requests,
    statuses: r.outcome.statuses,
    notes: r.outcome.notes,
    families: r.families,
  })),
};
// The summary for tools and the end-to-end test (JSON.stringify escapes every control character).
await import('node:fs/promises').then((fs) =>
  fs.writeFile(join(outputDir, 'summary.json'), JSON.stringify(summary, null, 2)),
);

if (runError) {
  console.error(red(`secmon demo: the simulator failed: ${safe(runError.message, 500)}`));
  process.exit(1);
}
if (failures > 0) {
  console.error(red(`secmon demo: ${failures} scenario(s) did not end as expected`));
  process.exit(1);
}
// Idle keep-alive sockets of the simulator's HTTP client would hold the process for a few seconds more.
process.exit(0);
