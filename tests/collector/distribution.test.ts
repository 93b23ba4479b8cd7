// The distribution itself (CI gate): the binary built from builder-config.yaml runs, lists every component the
// configurations use, at the one pinned release, and `validate` passes for the base configuration with the
// generated mappings, every overlay and every recipe. No container needed: the static binary runs here.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeWithServices } from '@secmon/test-utils';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { COLLECTOR_BINARY, COLLECTOR_CONFIG_DIR } from './harness/paths.js';

const run = promisify(execFile);
const NEEDS = {
  'otelcol-secmon binary': () =>
    existsSync(COLLECTOR_BINARY) ? true : `${COLLECTOR_BINARY} is missing: run npm run collector:build`,
};

const KINDS = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const;
type Kind = (typeof KINDS)[number];

/** Environment that the overlays require (a token has no default on purpose). */
const VALIDATE_ENV = { ...process.env, SECMON_HEC_TOKEN: 'validate-only' };

const overlays = readdirSync(join(COLLECTOR_CONFIG_DIR, 'overlays'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => `overlays/${f}`);
const recipes = readdirSync(join(COLLECTOR_CONFIG_DIR, 'recipes'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => `recipes/${f}`);
/** Standalone configs (not overlays of the gateway). */
const STANDALONE = new Set(['recipes/detector-sidecar.yaml']);

function configList(extra?: string): string[] {
  if (extra !== undefined && STANDALONE.has(extra)) return [extra];
  return ['config.yaml', 'generated/ecs-ocsf.yaml', ...(extra !== undefined ? [extra] : [])];
}

async function collector(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(COLLECTOR_BINARY, args, {
    cwd: COLLECTOR_CONFIG_DIR,
    env: VALIDATE_ENV,
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}

await describeWithServices('the otelcol-secmon distribution', NEEDS, () => {
  it('reports its version', async () => {
    const { stdout } = await collector(['--version']);
    expect(stdout).toMatch(/^otelcol-secmon version \d+\.\d+\.\d+/);
  });

  it('is built from the manifest at one release, builder included', async () => {
    const manifest = readFileSync(join(COLLECTOR_CONFIG_DIR, 'builder-config.yaml'), 'utf8');
    const versions = [...manifest.matchAll(/gomod:\s*\S+\s+(v0\.\d+\.\d+)/g)].map((m) => m[1]);
    expect(new Set(versions).size).toBe(1);
    const { stdout } = await collector(['components']);
    const comps = parse(stdout) as Record<Kind, Array<{ name: string; module: string }>>;
    for (const kind of KINDS)
      for (const c of comps[kind])
        expect(c.module, c.name).toMatch(new RegExp(` ${versions[0]!.replaceAll('.', '\\.')}$`));
  });

  it('lists every component that the configurations use', async () => {
    const { stdout } = await collector(['components']);
    const comps = parse(stdout) as Record<Kind, Array<{ name: string }>>;
    const files = ['config.yaml', 'generated/ecs-ocsf.yaml', ...overlays, ...recipes];
    for (const file of files) {
      const doc = parse(readFileSync(join(COLLECTOR_CONFIG_DIR, file), 'utf8')) as Partial<
        Record<Kind, Record<string, unknown>>
      >;
      for (const kind of KINDS) {
        for (const id of Object.keys(doc[kind] ?? {})) {
          const type = id.split('/')[0]!;
          expect(
            comps[kind].map((c) => c.name),
            `${file}: ${kind} ${id}`,
          ).toContain(type);
        }
      }
    }
  });

  it.each(['(nothing else)', ...overlays, ...recipes])(
    'validates %s (with config.yaml + generated mappings unless standalone)',
    async (extra) => {
      const args = [
        'validate',
        ...configList(extra.startsWith('(') ? undefined : extra).map((c) => `--config=${c}`),
      ];
      await expect(collector(args)).resolves.toBeDefined();
    },
  );

  it('refuses an overlay whose required secret is missing', async () => {
    const args = ['validate', ...configList('overlays/splunk-hec.yaml').map((c) => `--config=${c}`)];
    const env = { ...process.env };
    delete env['SECMON_HEC_TOKEN'];
    await expect(run(COLLECTOR_BINARY, args, { cwd: COLLECTOR_CONFIG_DIR, env })).rejects.toThrow(
      /token is required/,
    );
  });

  it('refuses the gateway without the generated mappings (no silent loss of the ECS/OCSF fields)', async () => {
    await expect(collector(['validate', '--config=config.yaml'])).rejects.toThrow(/transform\/ecs_ocsf/);
  });
});
