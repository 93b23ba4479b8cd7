import { defineSecmonConfig } from '../vitest.shared.ts';

// Cross-package suites start real services (collector containers, Redis): run files one at a time.
export default defineSecmonConfig({
  test: { include: ['**/*.test.ts'], exclude: ['node_modules/**'], fileParallelism: false },
});
