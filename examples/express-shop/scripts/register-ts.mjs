// Run the workspace's TypeScript sources directly on Node 24 (type stripping), without a build step.
//
// The monorepo's sources import each other with `.js` extensions (`import { X } from './X.js'`), as
// TypeScript's `nodenext` resolution requires, but on disk the files are `X.ts`. Node's type stripping
// does not rewrite those specifiers, so this hook retries a failed relative `.js` import from a `.ts`
// file with the `.ts` extension. Workspace packages resolve to their sources through the
// `@secmon/source` export condition (`node --conditions=@secmon/source`). Third-party packages in
// node_modules are untouched: Node never strips types there.
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
