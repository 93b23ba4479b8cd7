// Shared vitest settings: resolve workspace packages to their TypeScript sources through the
// `@secmon/source` export condition (STYLE.md rule 19), and write a JSON report that
// scripts/test.mjs sums up into one closing line for the whole monorepo.
import { defaultServerConditions } from 'vite';
import { defineConfig, mergeConfig, type ViteUserConfig as UserConfig } from 'vitest/config';

const conditions = ['@secmon/source', ...defaultServerConditions];

export function defineSecmonConfig(overrides: UserConfig = {}): UserConfig {
  return mergeConfig(
    defineConfig({
      resolve: { conditions },
      ssr: { resolve: { conditions, externalConditions: ['@secmon/source'] } },
      test: {
        include: ['test/**/*.test.ts'],
        reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
        testTimeout: 30_000,
        hookTimeout: 120_000,
        benchmark: { include: ['bench/**/*.bench.ts'] },
      },
    }),
    overrides,
  );
}
