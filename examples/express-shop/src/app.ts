import express from 'express';
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import { sessionMiddleware } from './http/session.js';
import { adminRoutes } from './routes/adminRoutes.js';
import { authRoutes } from './routes/authRoutes.js';
import { shopRoutes } from './routes/shopRoutes.js';
import type { ShopContext } from './routes/ShopContext.js';

/** Options of {@link createShopApp}. */
export interface ShopAppOptions {
  context: ShopContext;
  /**
   * Express `trust proxy` value. `false` (the default) means `X-Forwarded-For` is ignored and the client
   * address is the TCP peer. The demo passes `'loopback'` so the simulator's header is honoured from 127.0.0.1.
   */
  trustProxy?: boolean | string;
  /** Middleware that runs first, before any parsing (request span, secmon request context, client block list). */
  first?: RequestHandler[];
  /** Middleware that runs once the user is known (user block list). */
  afterAuthentication?: RequestHandler[];
}

/** The shop as an Express 5 app (no listening; see main.ts). */
export function createShopApp(options: ShopAppOptions): Express {
  const { context } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  for (const handler of options.first ?? []) app.use(handler);
  app.use(express.json({ limit: '16kb' }));
  app.use(sessionMiddleware(context.sessions, context.users, context.security));
  for (const handler of options.afterAuthentication ?? []) app.use(handler);

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(authRoutes(context));
  app.use(shopRoutes(context));
  app.use('/admin', adminRoutes(context));

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    const status =
      typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    if (status === 400 && (err as { type?: unknown }).type === 'entity.parse.failed') {
      context.security.input.validationFail({ fields: ['(body)'] });
    }
    // Never echo the error (it may quote the request); the status says enough.
    res.status(status).json({ error: status === 500 ? 'internal_error' : 'bad_request' });
  };
  app.use(onError);
  return app;
}
