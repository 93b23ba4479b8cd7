#!/usr/bin/env node
// Runs the simulator from its TypeScript sources on Node >= 24 (type stripping), no build step.
// Relative `.js` specifiers of the sources name `.ts` files on disk: map them (see express-shop/scripts/register-ts.mjs).
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (error?.code === 'ERR_MODULE_NOT_FOUND' && specifier.startsWith('.') && specifier.endsWith('.js')) {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      }
      throw error;
    }
  },
});
await import('../src/cli.ts');
