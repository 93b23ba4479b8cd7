import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveServeConfig, SERVE_DEFAULTS } from '../../src/serve/ServeConfig.js';

const dir = mkdtempSync(join(tmpdir(), 'secmon-serve-config-'));

async function problems(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('resolveServeConfig', () => {
  it('should apply the documented defaults', async () => {
    const c = await resolveServeConfig({}, {}, dir);
    expect(c).toMatchObject({
      host: SERVE_DEFAULTS.host,
      port: 4319,
      token: undefined,
      maxBodyBytes: 10 * 1024 * 1024,
      rules: [],
      shutdownTimeoutMillis: 10_000,
      logsProtocol: 'http/protobuf',
      tracesProtocol: 'http/protobuf',
    });
    expect(SERVE_DEFAULTS.host).toBe('127.0.0.1');
  });

  it('should take flags over environment over the config file', async () => {
    const file = join(dir, 'serve.yaml');
    writeFileSync(file, 'host: 127.0.0.2\nport: 5000\nmaxBodySize: 1MiB\nrules: [default, a.yaml]\n');
    const c = await resolveServeConfig(
      { config: file, port: '6000' },
      { SECMON_SERVE_PORT: '5500', SECMON_SERVE_HOST: '127.0.0.3' },
      '/',
    );
    expect(c.port).toBe(6000);
    expect(c.host).toBe('127.0.0.3');
    expect(c.maxBodyBytes).toBe(1024 * 1024);
    expect(c.rules).toEqual(['default', join(dir, 'a.yaml')]);
    expect(c.origins).toMatchObject({ port: '--port', host: 'SECMON_SERVE_HOST', maxBodySize: `${file}:3` });
  });

  it('should read the token from a file and refuse a short one', async () => {
    const good = join(dir, 'token');
    writeFileSync(good, 's3cr3t-token-0123456789\n');
    expect((await resolveServeConfig({ 'token-file': good }, {}, dir)).token).toBe('s3cr3t-token-0123456789');
    expect(await problems(resolveServeConfig({}, { SECMON_SERVE_TOKEN: 'short' }, dir))).toEqual([
      'token (SECMON_SERVE_TOKEN): must be at least 16 characters without spaces',
    ]);
  });

  it('should report every problem at once, with where each value came from', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'host: 127.0.0.1\nprot: 1\nshutdownTimeout: soon\n');
    const list = await problems(
      resolveServeConfig(
        { config: file, port: '70000', 'max-body-size': 'lots' },
        { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' },
        '/',
      ),
    );
    expect(list).toEqual([
      `${file}:2: unknown setting "prot" (did you mean "port"?)`,
      'port (--port): must be an integer from 0 to 65535, got "70000"',
      'maxBodySize (--max-body-size): must be a size such as 4MiB or 1048576, got "lots"',
      `shutdownTimeout (${file}:3): must be a duration such as 10s, got "soon"`,
      'OTEL_EXPORTER_OTLP_PROTOCOL: secmon serve exports over OTLP/HTTP: use http/protobuf or http/json, got "grpc"',
      'OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL, got "localhost:4318"',
    ]);
  });

  it('should point at the line of a YAML syntax error', async () => {
    const file = join(dir, 'syntax.yaml');
    writeFileSync(file, 'port: 1\nhost: [unclosed\n');
    const list = await problems(resolveServeConfig({ config: file }, {}, '/'));
    expect(list[0]).toMatch(new RegExp(`^${file}:\\d+: `));
  });
});
