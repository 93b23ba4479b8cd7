// Runs the workspace's TypeScript sources directly on Node 24 (type stripping), without a build step:
//   node --conditions=@secmon/source --import <repo>/scripts/source-hooks.mjs some/file.ts
// The sources import each other with `.js` extensions (`import { X } from './X.js'`), as TypeScript's `nodenext`
// resolution requires, while the files on disk are `X.ts`; Node's type stripping does not rewrite specifiers, so
// this resolve hook retries a relative `.js` import that is not found from a `.ts` file with the `.ts` extension.
// Workspace packages resolve to their `src/index.ts` through the `@secmon/source` export condition. Packages in
// node_modules are untouched (Node never strips types there). The one hook of the repository: the CLI, the demo,
// the fleet tests and the benchmarks all load it.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      const parent = context.parentURL ?? '';
      if (
        error?.code === 'ERR_MODULE_NOT_FOUND' &&
        specifier.endsWith('.js') &&
        (specifier.startsWith('./') || specifier.startsWith('../')) &&
        parent.endsWith('.ts')
      ) {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      }
      throw error;
    }
  },
});
