#!/usr/bin/env node
// Runs the simulator from its TypeScript sources on Node >= 24 (type stripping), no build step.
// Relative `.js` specifiers of the sources name `.ts` files on disk: the repository's resolve hook maps them.
await import('../../../scripts/source-hooks.mjs');
await import('../src/cli.ts');
