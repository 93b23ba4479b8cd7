// Without demo mode the shop must ignore X-Forwarded-For: a header any client sets must never decide who
// the client is (or an attacker dodges per-address rules and gets someone else blocked).
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLogRecords } from './support/otlpJson.js';
import { SHOP_DIR } from './support/runDemo.js';

interface Ready {
  type: 'ready';
  url: string;
  files: { events: string; traces: string };
}

function startShop(env: Record<string, string>): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(join(SHOP_DIR, 'src', 'main.ts'), [], {
    cwd: SHOP_DIR,
    env: { ...process.env, PORT: '0', SHOP_SCRYPT_LOG2N: '12', OTEL_BLRP_SCHEDULE_DELAY: '50', ...env },
    execArgv: [
      '--conditions=@secmon/source',
      '--import',
      join(SHOP_DIR, '..', '..', 'scripts', 'source-hooks.mjs'),
    ],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`shop exited with ${code}`)));
    child.on('message', (m: { type?: string }) => {
      if (m.type === 'ready') resolve({ child, ready: m as Ready });
    });
  });
}

let asked = 0;
function ask(child: ChildProcess, type: string): Promise<void> {
  const id = ++asked;
  return new Promise((resolve) => {
    const onMessage = (m: { type?: string; id?: number }) => {
      if (m.type === 'reply' && m.id === id) {
        child.off('message', onMessage);
        resolve();
      }
    };
    child.on('message', onMessage);
    child.send({ type, id });
  });
}

describe('the shop outside demo mode', () => {
  let child: ChildProcess;
  let ready: Ready;

  beforeAll(async () => {
    ({ child, ready } = await startShop({ SECMON_OUTPUT_DIR: mkdtempSync(join(tmpdir(), 'secmon-shop-')) }));
  }, 60_000);
  afterAll(() => {
    child.kill('SIGTERM');
  });

  it('should record the TCP peer as client.address, never the X-Forwarded-For header', async () => {
    const response = await fetch(`${ready.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ username: 'alice', password: 'wrong-password-1' }),
    });
    expect(response.status).toBe(401);
    await ask(child, 'flush');
    const fails = readLogRecords(ready.files.events).filter((r) => r.eventName === 'secmon.authn.login_fail');
    expect(fails.length).toBe(1);
    expect(fails[0]?.attributes['client.address']).toBe('127.0.0.1');
  });

  it('should not let a rotating X-Forwarded-For dodge the brute-force block', async () => {
    // Nine more failures, each claiming another address: the rules see one client (the TCP peer).
    for (let i = 0; i < 9; i++) {
      const response = await fetch(`${ready.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${20 + i}` },
        body: JSON.stringify({ username: 'alice', password: `wrong-password-${i + 2}` }),
      });
      expect(response.status).toBe(401);
    }
    const refused = await fetch(`${ready.url}/products`, { headers: { 'x-forwarded-for': '198.51.100.99' } });
    expect(refused.status).toBe(403);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await ask(child, 'flush');
    const alerts = readLogRecords(ready.files.events).filter((r) => r.eventName === 'secmon.alert');
    expect(alerts.map((a) => [a.attributes['security_rule.uuid'], a.attributes['client.address']])).toEqual([
      ['authn.brute_force.client', '127.0.0.1'],
    ]);
  });
});
