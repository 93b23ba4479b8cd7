// The `actions:` list of the serve config file, through resolveServeConfig (the path serve takes at start-up).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeActions } from '../../src/serve/parseActions.js';
import { ConfigError, resolveServeConfig } from '../../src/serve/ServeConfig.js';

const dir = mkdtempSync(join(tmpdir(), 'secmon-serve-actions-'));
const SECRET = 'xoxb-T0KEN-that-must-never-be-printed';

function config(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function problems(file: string, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  try {
    await resolveServeConfig({ config: file }, env, '/');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('parseActions', () => {
  describe('valid configuration', () => {
    it('should resolve every action type with ${env:...} and ${file:...} references and the SMTP defaults', async () => {
      writeFileSync(join(dir, 'smtp-pass'), 'p4ss\n');
      const file = config(
        'all.yaml',
        [
          'actions:',
          '  - type: webhook',
          '    url: https://hooks.example/secmon',
          '    headers: { Authorization: "Bearer ${env:HOOK_TOKEN}", X-Literal: "$${not-a-ref}" }',
          '  - type: slack',
          '    webhookUrl: ${env:SLACK_WEBHOOK_URL}',
          '    name: slack-soc',
          '  - type: email',
          '    smtp:',
          '      host: 127.0.0.1',
          '      auth: { user: secmon, pass: "${file:smtp-pass}" }',
          '      timeout: 5s',
          '    from: secmon@example.com',
          '    to: [soc@example.com, "On call <oncall@example.com>"]',
        ].join('\n'),
      );
      const c = await resolveServeConfig(
        { config: file },
        { HOOK_TOKEN: 'h00k', SLACK_WEBHOOK_URL: `https://hooks.slack.example/services/${SECRET}` },
        '/',
      );
      expect(c.actions.map((a) => [a.type, a.options])).toEqual([
        [
          'webhook',
          {
            url: 'https://hooks.example/secmon',
            headers: { Authorization: 'Bearer h00k', 'X-Literal': '${not-a-ref}' },
          },
        ],
        ['slack', { webhookUrl: `https://hooks.slack.example/services/${SECRET}`, name: 'slack-soc' }],
        [
          'email',
          {
            smtp: {
              host: '127.0.0.1',
              port: 587,
              auth: { user: 'secmon', pass: 'p4ss' },
              timeoutMillis: 5000,
            },
            from: 'secmon@example.com',
            to: ['soc@example.com', 'On call <oncall@example.com>'],
          },
        ],
      ]);
      expect(c.actions.map((a) => a.label)).toEqual([
        `actions[0] (${file}:2)`,
        `actions[1] (${file}:5)`,
        `actions[2] (${file}:8)`,
      ]);
      expect(c.origins['actions']).toBe(`${file}:1`);
      expect(describeActions(c.actions)).toBe('1 webhook, 1 slack, 1 email');
      expect(c.warnings).toEqual([]);
    });

    it('should have no actions by default, and describe that as none', async () => {
      const c = await resolveServeConfig({}, {}, dir);
      expect(c.actions).toEqual([]);
      expect(describeActions(c.actions)).toBe('none');
    });

    it('should warn when alerts go over plain http to another host', async () => {
      const file = config('plain.yaml', 'actions:\n  - type: webhook\n    url: http://soar.example/hook\n');
      const c = await resolveServeConfig({ config: file }, {}, '/');
      expect(c.warnings).toEqual([`actions[0].url (${file}:3): alerts go over plain http to soar.example`]);
    });
  });

  describe('invalid configuration', () => {
    it('should refuse a URL that is not http(s), with the setting and file:line, without quoting it', async () => {
      const file = config(
        'scheme.yaml',
        `actions:\n  - type: webhook\n    url: ftp://hooks.example/${SECRET}\n  - type: slack\n    webhookUrl: not a url ${SECRET}\n`,
      );
      const list = await problems(file);
      expect(list).toEqual([
        `actions[0].url (${file}:3): must be an http:// or https:// URL, got a ftp: URL`,
        `actions[1].webhookUrl (${file}:5): must be an absolute http:// or https:// URL`,
      ]);
    });

    it('should not quote a secret URL from the environment, nor credentials in a URL', async () => {
      const file = config(
        'secret.yaml',
        'actions:\n  - type: slack\n    webhookUrl: ${env:SLACK_WEBHOOK_URL}\n  - type: webhook\n    url: https://user:${env:PASS}@hooks.example/\n',
      );
      const list = await problems(file, { SLACK_WEBHOOK_URL: `gopher://${SECRET}`, PASS: SECRET });
      expect(list).toEqual([
        `actions[0].webhookUrl (${file}:3): must be an http:// or https:// URL, got a gopher: URL`,
        `actions[1].url (${file}:5): must not carry credentials (user:password@); use headers or a token in the path`,
      ]);
      expect(list.join('\n')).not.toContain(SECRET);
    });

    it('should refuse an unknown action type, suggesting the closest one', async () => {
      const file = config(
        'type.yaml',
        'actions:\n  - type: pagerduty\n    url: https://x.example\n  - type: webook\n  - url: https://x.example\n',
      );
      expect(await problems(file)).toEqual([
        `actions[0].type (${file}:2): unknown action type "pagerduty"; use webhook, slack, email`,
        `actions[1].type (${file}:4): unknown action type "webook"; use webhook, slack, email (did you mean "webhook"?)`,
        `actions[2] (${file}:5): needs a "type": webhook, slack, email`,
      ]);
    });

    it('should name each missing field', async () => {
      const file = config(
        'missing.yaml',
        'actions:\n  - type: webhook\n  - type: slack\n  - type: email\n    to: soc@example.com\n',
      );
      expect(await problems(file)).toEqual([
        `actions[0].url (${file}:2): required for a webhook action`,
        `actions[1].webhookUrl (${file}:3): required for a slack action`,
        `actions[2].smtp (${file}:4): required for an email action (host, port, ...)`,
        `actions[2].from (${file}:4): required for an email action`,
      ]);
    });

    it('should refuse unknown settings with a hint, and bad values in the nested SMTP settings', async () => {
      const file = config(
        'keys.yaml',
        [
          'actions:',
          '  - type: slack',
          '    url: https://hooks.slack.example/x',
          '  - type: webhook',
          '    url: https://hooks.example/',
          '    hedaers: {}',
          '  - type: email',
          '    host: 127.0.0.1',
          '    smtp: { host: 127.0.0.1, port: 99999, secure: "yes", auth: { user: u } }',
          '    from: not-an-address',
          '    to: []',
        ].join('\n'),
      );
      expect(await problems(file)).toEqual([
        `${file}:3: unknown setting "url" in actions[0] (slack) (did you mean "webhookUrl"?)`,
        `actions[0].webhookUrl (${file}:2): required for a slack action`,
        `${file}:6: unknown setting "hedaers" in actions[1] (webhook) (did you mean "headers"?)`,
        `${file}:8: unknown setting "host" in actions[2] (email) (SMTP settings go under "smtp:")`,
        `actions[2].smtp.secure (${file}:9): must be true or false, got a string`,
        `actions[2].smtp.port (${file}:9): must be an integer from 1 to 65535, got 99999`,
        `actions[2].smtp.auth.pass (${file}:9): required for smtp.auth`,
        `actions[2].from (${file}:10): must be an email address such as soc@example.com or "SOC <soc@example.com>"`,
        `actions[2].to (${file}:11): must list at least one address`,
      ]);
    });

    it('should report an unset environment variable or unreadable file by name, and bad headers', async () => {
      const file = config(
        'refs.yaml',
        [
          'actions:',
          '  - type: webhook',
          '    url: ${env:HOOK_URL}',
          '    headers:',
          '      Authorization: Bearer ${env:HOOK_TOKEN}',
          '      X-Key: ${file:missing-secret}',
          '      X-Other: ${vault:x}',
          '      "Bad Header": x',
          '      X-Split: "${env:MULTILINE}"',
        ].join('\n'),
      );
      expect(
        await problems(file, { HOOK_URL: 'https://hooks.example/', MULTILINE: `a\r\nb${SECRET}` }),
      ).toEqual([
        `actions[0].headers.Authorization (${file}:5): environment variable HOOK_TOKEN (from \${env:HOOK_TOKEN}) is not set`,
        `actions[0].headers.X-Key (${file}:6): cannot read missing-secret (from \${file:missing-secret}): ENOENT`,
        `actions[0].headers.X-Other (${file}:7): unsupported reference: use \${env:NAME} or \${file:PATH} ($\${ for a literal \${)`,
        `actions[0].headers.Bad Header (${file}:8): is not a valid HTTP header name`,
        `actions[0].headers.X-Split (${file}:9): must not contain line breaks or NUL`,
      ]);
    });

    it('should refuse an actions setting that is not a list', async () => {
      const file = config('notalist.yaml', 'port: 0\nactions: { type: webhook }\n');
      expect(await problems(file)).toEqual([`actions (${file}:2): must be a list of actions, got a mapping`]);
    });
  });
});
