import { defineSecmonConfig } from '../../vitest.shared.ts';

export default defineSecmonConfig();
