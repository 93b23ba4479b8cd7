import { defineSecmonConfig } from '../../vitest.shared.ts';

export default defineSecmonConfig({ test: { testTimeout: 60_000 } });
