import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../src/index.js';

describe('version', () => {
  it('should match package.json (the instrumentation scope of alert spans, records and metrics)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      name: string;
      version: string;
    };
    expect({ PACKAGE_NAME, PACKAGE_VERSION }).toEqual({
      PACKAGE_NAME: pkg.name,
      PACKAGE_VERSION: pkg.version,
    });
  });

  it('should run the tests against the TypeScript sources, not dist/', async () => {
    const mod = await import('@secmon/processor');
    expect(mod.RuleEngine).toBe((await import('../src/index.js')).RuleEngine);
  });
});
