import { defineSecmonConfig } from '../../vitest.shared.ts';

// The end-to-end suites each run the whole demo (a shop, a simulator, maybe a collector): one at a time.
export default defineSecmonConfig({ test: { testTimeout: 180_000, fileParallelism: false } });
