// Lets a child process run the workspace's TypeScript sources on Node 24 (type stripping), without a build:
//   node --conditions=@secmon/source --import ./scripts/source-hooks.mjs test/support/fleetApp.ts
// Sources import siblings as `./X.js` (TypeScript's nodenext convention) while the file on disk is `X.ts`:
// this resolve hook retries such a relative specifier with `.ts`. Workspace packages resolve to their
// `src/index.ts` through the `@secmon/source` export condition; node_modules are untouched.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (err) {
      const relative = specifier.startsWith('./') || specifier.startsWith('../');
      if (relative && specifier.endsWith('.js') && err?.code === 'ERR_MODULE_NOT_FOUND') {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      }
      throw err;
    }
  },
});
