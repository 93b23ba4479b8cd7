// Unit tests of our own collector components (components/syslogexporter, components/splunkhecexporter), written
// in Go next to the code: RFC 5424 formatting and escaping, HEC mapping, status handling, and TLS against loopback
// listeners with a generated CA (verification, server names, mutual TLS, reconnects). Run with `go test` and
// the build's flags (-trimpath, grpcnotrace, CGO off), so the Go build cache of `npm run collector:build` is reused.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { commandExists, describeWithServices } from '@secmon/test-utils';
import { expect, it } from 'vitest';
import { COLLECTOR_CONFIG_DIR } from './harness/paths.js';

const run = promisify(execFile);

await describeWithServices(
  'our collector components (go test)',
  { go: () => commandExists('go') || 'go is not on PATH (install Go >= 1.25)' },
  () => {
    it.each(['syslogexporter', 'splunkhecexporter'])(
      '%s passes its Go tests',
      async (component) => {
        const { stdout } = await run('go', ['test', '-trimpath', '-tags', 'grpcnotrace', './...'], {
          cwd: join(COLLECTOR_CONFIG_DIR, 'components', component),
          env: {
            ...process.env,
            GOTOOLCHAIN: 'local',
            GOFLAGS: process.env['GOFLAGS'] ?? '-p=2',
            CGO_ENABLED: '0',
          },
          timeout: 600_000,
        });
        expect(stdout).toMatch(/^ok\s/m);
      },
      600_000,
    );
  },
);
