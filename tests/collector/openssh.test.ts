// The OpenSSH recipe (recipes/openssh.yaml) on the sample auth.log (tests/fixtures/openssh/auth.log): the
// file_log receiver and the OTTL statements turn sshd lines into secmon authentication events, with the ECS/OCSF
// fields of the generated mappings, pseudonymised user names for unknown accounts, and rsyslog's
// "message repeated N times" expanded into N events.
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OtlpCaptureServer, describeWithServices } from '@secmon/test-utils';
import type { CapturedLogRecord } from '@secmon/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCollector, stopAllCollectors } from './harness/Collector.js';
import { FIXTURES_DIR } from './harness/paths.js';
import { COLLECTOR_NEEDS } from './harness/requirements.js';

const KEY = 'e2e-pseudonym-key';
const pseudonym = (name: string) => createHash('sha256').update(`${KEY}:${name}`).digest('hex');
const iso = (r: CapturedLogRecord) => new Date(Number(BigInt(r.timeUnixNano) / 1_000_000n)).toISOString();

await describeWithServices('OpenSSH recipe on a sample auth.log', COLLECTOR_NEEDS, () => {
  let backend: OtlpCaptureServer;
  let logDir: string;
  let events: CapturedLogRecord[] = [];

  beforeAll(async () => {
    backend = await OtlpCaptureServer.start();
    logDir = mkdtempSync(join(tmpdir(), 'secmon-sshlog-'));
    chmodSync(logDir, 0o755); // the collector runs as an unprivileged user
    copyFileSync(join(FIXTURES_DIR, 'openssh', 'auth.log'), join(logDir, 'auth.log'));
    chmodSync(join(logDir, 'auth.log'), 0o644);
    await startCollector({
      overlays: ['recipes/openssh.yaml'],
      mounts: [{ path: logDir }],
      env: {
        SECMON_BACKEND_ENDPOINT: backend.url,
        SECMON_ALERTS_ENDPOINT: backend.url,
        SECMON_SSH_LOG: join(logDir, 'auth.log'),
        SECMON_SSH_START_AT: 'beginning',
        SECMON_PSEUDONYM_KEY: KEY,
      },
    });
    await backend.waitFor(() => backend.logs().length >= 13, { timeoutMs: 30_000 });
    events = [...backend.logs()].sort((a, b) => (BigInt(a.timeUnixNano) < BigInt(b.timeUnixNano) ? -1 : 1));
  });

  afterAll(async () => {
    await stopAllCollectors();
    await backend?.close();
    if (logDir !== undefined) rmSync(logDir, { recursive: true, force: true });
  });

  it('turns the 13 authentication lines into events and drops the other lines', () => {
    expect(events).toHaveLength(13);
    const count = (name: string) => events.filter((e) => e.eventName === name).length;
    expect(count('secmon.authn.login_success')).toBe(2);
    expect(count('secmon.authn.login_fail')).toBe(10);
    expect(count('secmon.authn.login_fail_max')).toBe(1);
    for (const e of events) {
      expect(e.resource).toMatchObject({ 'service.name': 'sshd', 'host.name': 'web1' });
      expect(e.attributes).toMatchObject({
        'server.address': 'web1',
        'network.protocol.name': 'ssh',
        'event.category': ['authentication'],
        'ocsf.class_uid': 3002,
      });
      expect(
        Object.keys(e.attributes).some((k) =>
          ['message', 'program', 'pid', 'ts_iso', 'ts_bsd', 'user', 'result'].includes(k),
        ),
      ).toBe(false);
    }
  });

  it('maps an accepted login with the account name, the client and the method', () => {
    const deploy = events.find((e) => e.attributes['user.name'] === 'deploy')!;
    expect(deploy.eventName).toBe('secmon.authn.login_success');
    expect(iso(deploy)).toBe('2026-11-20T09:00:01.000Z');
    expect(deploy.severityNumber).toBe(9);
    expect(deploy.attributes).toMatchObject({
      'client.address': '192.0.2.10',
      'client.port': 50022,
      'secmon.authn.method': 'other', // publickey
      'secmon.user.exists': true,
      'user.hash': pseudonym('deploy'),
      'event.outcome': 'success',
      'ocsf.status_id': 1,
    });
    const alice = events.find(
      (e) => e.eventName === 'secmon.authn.login_success' && e.attributes['user.name'] === 'alice',
    )!;
    expect(alice.attributes).toMatchObject({
      'client.address': '203.0.113.5',
      'secmon.authn.method': 'password',
    });
  });

  it('keeps only a keyed pseudonym of a name submitted for an account that does not exist', () => {
    const unknown = events.filter((e) => e.attributes['secmon.user.exists'] === false);
    expect(unknown).toHaveLength(4); // Invalid user admin, Failed ... invalid user admin, Invalid user Summer2026!, empty name over IPv6
    for (const e of unknown) {
      expect(e.eventName).toBe('secmon.authn.login_fail');
      expect(e.attributes['error.type']).toBe('user_not_found');
      expect(e.attributes['user.name']).toBeUndefined();
    }
    // a password typed into the user field never leaves the gateway, not even in the body
    const typo = unknown.find((e) => e.attributes['client.address'] === '198.51.100.7')!;
    expect(typo.attributes['user.hash']).toBe(pseudonym('Summer2026!'));
    expect(Buffer.concat(backend.rawBodies()).includes('Summer2026')).toBe(false);
    expect(
      unknown.find((e) => e.attributes['client.address'] === '2001:db8::42')?.attributes[
        'secmon.authn.method'
      ],
    ).toBe('password');
  });

  it('expands "message repeated 3 times" into three more failures of the same client and account', () => {
    const root = events.filter(
      (e) => e.eventName === 'secmon.authn.login_fail' && e.attributes['user.name'] === 'root',
    );
    expect(root).toHaveLength(4);
    expect(root.map(iso)).toEqual([
      '2026-11-20T09:01:05.000Z',
      '2026-11-20T09:01:15.000Z',
      '2026-11-20T09:01:15.000Z',
      '2026-11-20T09:01:15.000Z',
    ]);
    for (const e of root) {
      expect(e.attributes).toMatchObject({
        'client.address': '203.0.113.5',
        'client.port': 40002,
        'error.type': 'invalid_credentials',
        'secmon.authn.method': 'password',
        'ocsf.status_id': 2,
      });
    }
    const max = events.find((e) => e.eventName === 'secmon.authn.login_fail_max')!;
    expect(max.attributes).toMatchObject({
      'user.name': 'root',
      'client.address': '203.0.113.5',
      'event.outcome': 'failure',
    });
  });

  it('reads traditional syslog timestamps too (no year: the current one, in SECMON_SSH_LOG_TZ)', () => {
    const bsd = events.filter((e) => e.attributes['client.port'] === 41001);
    expect(bsd.map((e) => iso(e).slice(4))).toEqual(['-11-20T09:05:00.000Z', '-11-20T09:05:03.000Z']);
    expect(bsd.map((e) => e.attributes['secmon.authn.method'])).toEqual(['password', 'other']);
  });
});
