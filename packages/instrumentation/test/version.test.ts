import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../src/index.js';

describe('version', () => {
  it('should match package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      name: string;
      version: string;
    };
    expect([PACKAGE_NAME, PACKAGE_VERSION]).toEqual([pkg.name, pkg.version]);
  });

  it('should resolve @secmon packages to their sources in tests', async () => {
    const semconv = await import('@secmon/semconv');
    expect(import.meta.resolve('@secmon/semconv')).toMatch(/src\/index\.ts$/);
    expect(semconv.EVENTS.ACCESS_NOT_FOUND).toBe('secmon.access.not_found');
  });
});
