// `secmon serve` with alert actions, end to end: the real executable in a child process, OTLP/JSON posted to it,
// and the alerts delivered to real servers on 127.0.0.1 (an HTTP server for webhook and Slack, aiosmtpd for email).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeWithServices,
  freePort,
  smtpUnavailableReason,
  startHttpServer,
  startSmtpServer,
} from '@secmon/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../support/runCli.js';
import type { ServeProcess } from '../support/serveHarness.js';
import { useServeHarness } from '../support/serveHarness.js';

const dir = mkdtempSync(join(tmpdir(), 'secmon-serve-actions-e2e-'));
const HOOK_TOKEN = 'hook-token-that-stays-secret-42';
const SLACK_SECRET = 'T000/B000/slack-secret-path-xyz';
const harness = useServeHarness();

function writeConfig(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Ten failed logins from one client.address within ten seconds: `authn.brute_force.client` (high). */
function bruteForce(ip: string): string {
  const start = BigInt(Date.now() - 60_000) * 1_000_000n;
  const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const logRecords = Array.from({ length: 10 }, (_, i) => ({
    timeUnixNano: String(start + BigInt(i) * 1_000_000_000n),
    eventName: 'secmon.authn.login_fail',
    severityNumber: 13,
    attributes: [
      str('client.address', ip),
      str('user.hash', 'hash-of-alice'),
      str('error.type', 'invalid_credentials'),
      str('log.record.uid', `uid-${ip}-${i}`),
    ],
  }));
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', 'shop')] },
        scopeLogs: [{ scope: { name: '@secmon/instrumentation' }, logRecords }],
      },
    ],
  });
}

async function postLogs(serve: ServeProcess, body: string): Promise<void> {
  expect((await serve.post('/v1/logs', body)).status).toBe(200);
}

describe('secmon serve alert actions', () => {
  it('should deliver an alert to a webhook and to Slack, with secrets from the environment kept out of its output', async () => {
    const http = await startHttpServer();
    onTestFinished(() => http.close());
    const config = writeConfig('hooks.yaml', [
      'actions:',
      '  - type: webhook',
      `    url: ${http.origin}/webhook`,
      '    headers: { Authorization: "Bearer ${env:HOOK_TOKEN}" }',
      '  - type: slack',
      '    webhookUrl: ${env:SLACK_WEBHOOK_URL}',
    ]);
    const serve = await harness.start(['--config', config], {
      HOOK_TOKEN,
      SLACK_WEBHOOK_URL: `${http.origin}/services/${SLACK_SECRET}`,
    });
    expect(serve.stderr()).toMatch(/alerts go to .* over OTLP http\/protobuf; actions: 1 webhook, 1 slack\n/);

    await postLogs(serve, bruteForce('203.0.113.7'));
    await http.waitForRequests(2);
    const webhook = http.requests.find((r) => r.path === '/webhook')!;
    expect(webhook.method).toBe('POST');
    expect(webhook.headers['authorization']).toBe(`Bearer ${HOOK_TOKEN}`);
    expect(webhook.headers['content-type']).toBe('application/json');
    const payload = JSON.parse(webhook.body) as {
      schema: string;
      alert: { rule: { id: string; severity: string }; group: Record<string, string>; count: number };
    };
    expect(payload.schema).toBe('secmon.alert/v1');
    expect(payload.alert.rule).toMatchObject({ id: 'authn.brute_force.client', severity: 'high' });
    expect(payload.alert.group).toEqual({ 'client.address': '203.0.113.7' });
    expect(payload.alert.count).toBe(10);

    const slack = http.requests.find((r) => r.path === `/services/${SLACK_SECRET}`)!;
    const message = JSON.parse(slack.body) as { text: string; blocks: { text?: { text: string } }[] };
    expect(message.text).toContain('client.address=203.0.113.7');
    expect(message.blocks[0]!.text!.text).toBe('HIGH: Brute force from one client address');
    expect(slack.body).toContain('203.0.113.7');

    serve.child.kill('SIGTERM');
    expect(await serve.exit).toBe(0);
    expect(serve.stderr()).toMatch(
      /stopped: \d+ requests \(0 refused\), 10 records, 10 events, 1 alerts; actions: 2 delivered, 0 abandoned, 0 dropped\n$/,
    );
    expect(serve.stderr()).not.toContain(HOOK_TOKEN);
    expect(serve.stderr()).not.toContain(SLACK_SECRET);
  });

  it('should report the first failure of an action once, and on SIGTERM wait for the retried delivery', async () => {
    // The first attempt fails with 503; the retry (after a ~1 s backoff) happens during shutdown.
    const http = await startHttpServer((n) => ({ status: n === 0 ? 503 : 200 }));
    onTestFinished(() => http.close());
    const config = writeConfig('retry.yaml', ['actions:', '  - type: webhook', `    url: ${http.url}`]);
    const serve = await harness.start(['--config', config]);
    await postLogs(serve, bruteForce('203.0.113.8'));
    await serve.waitForStderr(
      /alert action actions\[0\] \(.*retry\.yaml:2\) webhook failed: HTTP 503 from 127\.0\.0\.1:\d+ \(retried with backoff; further failures of this action are only counted\)\n/,
    );
    serve.child.kill('SIGTERM');
    expect(await serve.exit).toBe(0);
    expect(http.requests, serve.stderr()).toHaveLength(2);
    expect(JSON.parse(http.requests[1]!.body)).toMatchObject({
      alert: { rule: { id: 'authn.brute_force.client' }, group: { 'client.address': '203.0.113.8' } },
    });
    expect(serve.stderr()).toMatch(
      /1 alerts; actions: 1 delivered, 0 abandoned, 0 dropped, 1 failed attempts\n$/,
    );
  });

  it('should give up at once on a refusal (401), say it is not retried, and count it as abandoned', async () => {
    const http = await startHttpServer(() => ({ status: 401 }));
    onTestFinished(() => http.close());
    const config = writeConfig('refused.yaml', ['actions:', '  - type: webhook', `    url: ${http.url}`]);
    const serve = await harness.start(['--config', config]);
    await postLogs(serve, bruteForce('203.0.113.11'));
    await serve.waitForStderr(
      /alert action actions\[0\] \(.*refused\.yaml:2\) webhook failed: HTTP 401 from 127\.0\.0\.1:\d+ \(not retried; further failures of this action are only counted\)\n/,
    );
    serve.child.kill('SIGTERM');
    expect(await serve.exit).toBe(0);
    expect(http.requests).toHaveLength(1);
    expect(serve.stderr()).toMatch(
      /1 alerts; actions: 0 delivered, 1 abandoned, 0 dropped, 1 failed attempts\n$/,
    );
  });

  it('should name the network error of an unreachable endpoint (the cause fetch hides)', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await freePort();
    const config = writeConfig('unreachable.yaml', [
      'shutdownTimeout: 200ms',
      'actions:',
      '  - type: webhook',
      `    url: http://127.0.0.1:${port}/hook`,
    ]);
    const serve = await harness.start(['--config', config]);
    await postLogs(serve, bruteForce('203.0.113.12'));
    await serve.waitForStderr(
      /alert action actions\[0\] \(.*unreachable\.yaml:3\) webhook failed: .*\(ECONNREFUSED\) \(retried with backoff; further failures of this action are only counted\)\n/,
    );
    serve.child.kill('SIGTERM');
    // Still retrying when the 200 ms shutdown timeout is spent: the delivery is abandoned, exit 1.
    expect(await serve.exit).toBe(1);
  });

  it('should exit 1 when a delivery has not finished within the shutdown timeout', async () => {
    const http = await startHttpServer(() => 'hang');
    onTestFinished(() => http.close());
    const config = writeConfig('hang.yaml', [
      'shutdownTimeout: 500ms',
      'actions:',
      '  - type: webhook',
      `    url: ${http.url}`,
    ]);
    const serve = await harness.start(['--config', config]);
    await postLogs(serve, bruteForce('203.0.113.9'));
    await http.waitForRequests(1);
    serve.child.kill('SIGTERM');
    await serve.waitForStderr(/stopped: /);
    // Closing the server ends the hanging request, so the process can exit now rather than at the attempt timeout.
    await http.close();
    expect(await serve.exit).toBe(1);
    expect(serve.stderr()).toMatch(
      /1 alerts; actions: 0 delivered, 0 abandoned, 0 dropped, 1 not finished within the shutdown timeout; alert export did not finish within the shutdown timeout\n/,
    );
  });

  it('should exit 2 with exact, located errors on an invalid actions list', async () => {
    const config = writeConfig('bad-actions.yaml', [
      'actions:',
      '  - type: webhook',
      '    url: ftp://hooks.example/secmon',
      '  - type: sms',
      '  - type: email',
      '    smtp: { host: 127.0.0.1, port: 2525 }',
      '    to: soc@example.com',
    ]);
    const { code, stderr } = await runCli(['serve', '--config', config]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'secmon serve: invalid configuration\n' +
        `  actions[0].url (${config}:3): must be an http:// or https:// URL, got a ftp: URL\n` +
        `  actions[1].type (${config}:4): unknown action type "sms"; use webhook, slack, email\n` +
        `  actions[2].from (${config}:5): required for an email action\n`,
    );
  });
});

await describeWithServices(
  'secmon serve email action',
  { smtp: () => smtpUnavailableReason() ?? true },
  () => {
    it('should mail the alert through a real SMTP server', async () => {
      const smtp = await startSmtpServer();
      onTestFinished(() => smtp.stop());
      const config = writeConfig('email.yaml', [
        'actions:',
        '  - type: email',
        '    smtp: { host: 127.0.0.1, port: ' + String(smtp.port) + ' }',
        '    from: secmon@example.com',
        '    to: [soc@example.com]',
      ]);
      const serve = await harness.start(['--config', config]);
      expect(serve.stderr()).toMatch(/; actions: 1 email\n/);
      await postLogs(serve, bruteForce('203.0.113.10'));
      const [mail] = await smtp.waitForMessages(1);
      expect(mail!.headers['x-secmon-rule-id']).toBe('authn.brute_force.client');
      expect(mail!.headers['from']).toBe('secmon@example.com');
      expect(mail!.headers['to']).toBe('soc@example.com');
      expect(mail!.headers['subject']).toMatch(/^\[secmon\] .*HIGH.*client\.address=203\.0\.113\.10/);
      expect(mail!.text).toContain('Rule: Brute force from one client address (authn.brute_force.client)');
      expect(mail!.text).toContain('client.address: 203.0.113.10');
      serve.child.kill('SIGTERM');
      expect(await serve.exit).toBe(0);
      expect(serve.stderr()).toMatch(/1 alerts; actions: 1 delivered, 0 abandoned, 0 dropped\n$/);
    });
  },
);
