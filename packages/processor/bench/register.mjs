// Lets `node` run the TypeScript sources directly (Node >= 22.18 strips types): relative `./x.js` imports
// resolve to `./x.ts` when only the .ts exists, as TypeScript's nodenext resolution assumes.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (e?.code === 'ERR_MODULE_NOT_FOUND' && specifier.startsWith('.') && specifier.endsWith('.js')) {
      return next(specifier.slice(0, -3) + '.ts', context);
    }
    throw e;
  }
}`),
);
