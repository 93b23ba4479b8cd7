// The archive (file/archive): OTLP/JSON lines, one ExportLogsServiceRequest per line, security events only, with
// event time and the ECS/OCSF fields, which `secmon analyze` replays. A copy of one archive is kept as a fixture
// for the CLI suites: tests/fixtures/collector-archive.jsonl (regenerate with SECMON_UPDATE_FIXTURES=1).
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeverityNumber } from '@opentelemetry/api';
import { OtlpCaptureServer, describeWithServices } from '@secmon/test-utils';
import type { CapturedLogRecord } from '@secmon/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCollector, stopAllCollectors } from './harness/Collector.js';
import type { RunningCollector } from './harness/Collector.js';
import { readArchive } from './harness/archive.js';
import { SecurityEventSender } from './harness/emit.js';
import { FIXTURES_DIR } from './harness/paths.js';
import { waitUntil } from './harness/ports.js';
import { COLLECTOR_NEEDS } from './harness/requirements.js';

const FIXTURE = join(FIXTURES_DIR, 'collector-archive.jsonl');

/** A morning of a small shop, with attacks, at fixed event times (2026-11-20T09:00:00Z onwards). */
function scenario(sender: SecurityEventSender): number {
  const t0 = Date.UTC(2026, 10, 20, 9, 0, 0);
  const at = (seconds: number) => t0 + seconds * 1000;
  const s = sender.security;
  let n = 0;
  s.authn.loginSuccess({
    clientAddress: '192.0.2.10',
    userId: 'u-1',
    login: 'dana',
    method: 'password',
    timestamp: at(0),
  });
  s.session.created({ clientAddress: '192.0.2.10', userId: 'u-1', sessionId: 'sess-9a1', timestamp: at(1) });
  n += 2;
  // brute force on one account from one client, then a success: possible account takeover
  for (let i = 0; i < 8; i++) {
    s.authn.loginFail({
      clientAddress: '203.0.113.50',
      login: 'alice',
      userExists: true,
      method: 'password',
      reason: 'invalid_credentials',
      timestamp: at(60 + i * 10),
    });
    n++;
  }
  s.authn.loginSuccessAfterFail({
    clientAddress: '203.0.113.50',
    userId: 'u-2',
    login: 'alice',
    method: 'password',
    failedAttempts: 8,
    timestamp: at(150),
  });
  n++;
  // password spraying: one client, many accounts
  for (let i = 0; i < 6; i++) {
    s.authn.loginFail({
      clientAddress: '198.51.100.7',
      login: `user${i}`,
      userExists: false,
      method: 'password',
      reason: 'user_not_found',
      timestamp: at(300 + i * 15),
    });
    n++;
  }
  // authorization failures on the admin API
  for (let i = 0; i < 4; i++) {
    s.authz.fail({
      clientAddress: '203.0.113.50',
      userId: 'u-2',
      route: '/admin/users/:id',
      statusCode: 403,
      reason: 'forbidden',
      timestamp: at(420 + i * 5),
    });
    n++;
  }
  // card testing
  for (let i = 0; i < 5; i++) {
    s.payment.fail({
      clientAddress: '198.51.100.99',
      userId: 'u-3',
      provider: 'fakepay',
      reason: 'card_declined',
      timestamp: at(600 + i * 3),
    });
    n++;
  }
  s.config.change({ userId: 'u-admin', key: 'payments.max_retries', secret: false, timestamp: at(900) });
  n++;
  // an application log: not a security event, not archived
  sender.raw({ severityNumber: SeverityNumber.INFO, body: 'GET /health 200' });
  return n;
}

const key = (r: CapturedLogRecord) =>
  `${r.eventName}|${r.timeUnixNano}|${String(r.attributes['client.address'])}`;

await describeWithServices('the archive', COLLECTOR_NEEDS, () => {
  let backend: OtlpCaptureServer;
  let collector: RunningCollector;
  let sender: SecurityEventSender;
  let sent = 0;

  beforeAll(async () => {
    backend = await OtlpCaptureServer.start();
    collector = await startCollector({
      env: { SECMON_BACKEND_ENDPOINT: backend.url, SECMON_ALERTS_ENDPOINT: backend.url },
    });
    sender = new SecurityEventSender(collector.otlpHttpUrl, { serviceName: 'shop' });
    sent = scenario(sender);
    await sender.flush();
    await waitUntil(
      () => readArchive(collector.archiveFile).length >= sent,
      20_000,
      `${sent} archived events`,
    );
    await collector.stop(); // close the file: everything flushed
  });

  afterAll(async () => {
    await sender?.shutdown();
    await stopAllCollectors();
    await backend?.close();
  });

  it('holds one OTLP/JSON ExportLogsServiceRequest per line', () => {
    const lines = readFileSync(collector.archiveFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const doc = JSON.parse(line) as {
        resourceLogs?: Array<{
          scopeLogs: Array<{ logRecords: Array<{ eventName?: string; timeUnixNano: string }> }>;
        }>;
      };
      expect(Array.isArray(doc.resourceLogs)).toBe(true);
      for (const rl of doc.resourceLogs!)
        for (const sl of rl.scopeLogs)
          for (const lr of sl.logRecords) expect(lr.timeUnixNano).toMatch(/^\d+$/);
    }
  });

  it('keeps every security event once, with event time and ECS/OCSF fields, and nothing else', () => {
    const records = readArchive(collector.archiveFile);
    expect(records).toHaveLength(sent);
    expect(new Set(records.map(key)).size).toBe(sent);
    expect(records.every((r) => r.eventName?.startsWith('secmon.'))).toBe(true);
    const first = records.find((r) => r.eventName === 'secmon.authn.login_success')!;
    expect(first.timeUnixNano).toBe(`${Date.UTC(2026, 10, 20, 9, 0, 0)}000000`);
    expect(first.resource['service.name']).toBe('shop');
    for (const r of records) {
      expect(r.attributes['event.action'], r.eventName).toBeTypeOf('string');
      expect(r.attributes['ocsf.class_uid'], r.eventName).toBeTypeOf('number');
    }
  });

  it('matches the fixture kept for the CLI suites (tests/fixtures/collector-archive.jsonl)', () => {
    if (process.env['SECMON_UPDATE_FIXTURES'] === '1' || !existsSync(FIXTURE)) {
      mkdirSync(FIXTURES_DIR, { recursive: true });
      copyFileSync(collector.archiveFile, FIXTURE);
    }
    const fixture = readArchive(FIXTURE);
    const live = readArchive(collector.archiveFile);
    expect(fixture.map(key).sort(), 'the fixture is stale: rerun with SECMON_UPDATE_FIXTURES=1').toEqual(
      live.map(key).sort(),
    );
  });
});
