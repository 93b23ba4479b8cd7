import { logs, SeverityNumber, type LoggerProvider } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_EVENT_ACTION,
  ATTR_EVENT_CATEGORY,
  ATTR_EVENT_KIND,
  ATTR_EVENT_OUTCOME,
  ATTR_EVENT_REASON,
  ATTR_EVENT_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SECURITY_RULE_UUID,
  ATTR_URL_PATH,
  ATTR_USER_ID,
  EVENTS,
  getEventDefinition,
} from '@secmon/semconv';
import { neutralize } from '../internal/neutralize.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';
import type { BlockEntry, BlockList } from './BlockList.js';

/** The parts of an incoming request the middleware reads (Express, Connect and node:http requests fit). */
export interface BlockListRequest {
  /** Express's client address (honours `trust proxy`). */
  readonly ip?: string | undefined;
  readonly method?: string | undefined;
  readonly path?: string | undefined;
  readonly url?: string | undefined;
  readonly socket?: { readonly remoteAddress?: string | undefined } | undefined;
}

/** The parts of the response the middleware writes (node:http `ServerResponse` and Express's `Response` fit). */
export interface BlockListResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(chunk: string): unknown;
}

/** Options of {@link blockListMiddleware}. */
export interface BlockListMiddlewareOptions<Req extends BlockListRequest = BlockListRequest> {
  /** Where the refusal event goes. Default: the global `LoggerProvider`. */
  readonly loggerProvider?: LoggerProvider;
  /**
   * The client address, as the instrumentation records it in `client.address`. Default `req.ip` (Express,
   * which honours `trust proxy`), else the socket's peer address.
   */
  readonly clientAddress?: (req: Req) => string | undefined;
  /** The authenticated user id (`user.id`), to enforce `lock_user` blocks. Default: none (client blocks only). */
  readonly userId?: (req: Req) => string | undefined;
  /** Status of the refusal. Default 403. */
  readonly statusCode?: number;
  /**
   * Reports a refusal instead of the built-in event. Use it to emit the refusal through the application's
   * `SecurityEvents` (e.g. `security.authz.fail({ reason: 'blocked' })`): the record then carries the whole request
   * context (user agent, route, session, `log.record.uid`), and the instrumentation's automatic 403 capture knows
   * the request was already reported, so a refusal is never counted twice. Errors it throws are swallowed.
   * Default: a `secmon.authz.fail` record with `error.type = blocked` through the OTel Logs API.
   */
  readonly onRefuse?: (req: Req, entry: BlockEntry) => void;
}

/**
 * Express/Connect middleware enforcing a {@link BlockList}: a request from a blocked client address (or by a
 * blocked user) is refused with 403 and a `Retry-After` header, and a `secmon.authz.fail` event with
 * `error.type = blocked` is emitted through the OTel Logs API (the default `authz.failure_burst` rule ignores
 * these, so refusals do not feed the rule that caused the block).
 *
 * @example
 * const blockList = new BlockList();
 * app.use(blockListMiddleware(blockList, { userId: (req) => req.user?.id }));
 * new SecurityRulesProcessor({ blockList });
 */
export function blockListMiddleware<Req extends BlockListRequest = BlockListRequest>(
  blockList: BlockList,
  options: BlockListMiddlewareOptions<Req> = {},
): (req: Req, res: BlockListResponse, next: (err?: unknown) => void) => void {
  const provider = options.loggerProvider;
  const logger = (provider ?? logs.getLoggerProvider()).getLogger(PACKAGE_NAME, PACKAGE_VERSION);
  const getClient = options.clientAddress ?? ((req: Req) => req.ip ?? req.socket?.remoteAddress);
  const getUser = options.userId;
  const status = options.statusCode ?? 403;
  const onRefuse = options.onRefuse;
  const def = getEventDefinition(EVENTS.AUTHZ_FAIL);

  return (req, res, next) => {
    let entry: BlockEntry | undefined;
    let client: string | undefined;
    let user: string | undefined;
    try {
      client = getClient(req);
      if (client !== undefined) entry = blockList.isBlocked('client', client);
      if (entry === undefined && getUser !== undefined) {
        user = getUser(req);
        if (user !== undefined) entry = blockList.isBlocked('user', user);
      }
    } catch {
      // Fail open on our own bug rather than take the application down; the block list is a response, not auth.
      next();
      return;
    }
    if (entry === undefined) {
      next();
      return;
    }
    const retryAfter = Math.max(1, Math.ceil((entry.expiresAtMillis - Date.now()) / 1000));
    res.statusCode = status;
    res.setHeader('Retry-After', String(retryAfter));
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('Forbidden\n');
    if (onRefuse !== undefined) {
      try {
        onRefuse(req, entry);
      } catch {
        // A failing report must not turn a refusal into a crash (STYLE.md rule 9).
      }
      return;
    }
    try {
      const attributes: Record<string, string | number | string[]> = {
        [ATTR_EVENT_ACTION]: def?.action ?? 'authz_fail',
        [ATTR_EVENT_KIND]: 'event',
        [ATTR_EVENT_CATEGORY]: [...(def?.ecs.category ?? ['api'])],
        [ATTR_EVENT_TYPE]: [...(def?.ecs.type ?? ['access', 'denied'])],
        [ATTR_EVENT_OUTCOME]: 'failure',
        [ATTR_ERROR_TYPE]: 'blocked',
        [ATTR_EVENT_REASON]: `blocked by secmon response (${entry.kind})`,
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: status,
      };
      if (client !== undefined) attributes[ATTR_CLIENT_ADDRESS] = neutralize(client, 64);
      if (user !== undefined) attributes[ATTR_USER_ID] = neutralize(user, 256);
      if (req.method !== undefined) attributes[ATTR_HTTP_REQUEST_METHOD] = neutralize(req.method, 16);
      const path = req.path ?? req.url?.split('?')[0];
      if (path !== undefined) attributes[ATTR_URL_PATH] = neutralize(path, 1024);
      if (entry.ruleId !== undefined) attributes[ATTR_SECURITY_RULE_UUID] = entry.ruleId;
      logger.emit({
        eventName: EVENTS.AUTHZ_FAIL,
        severityNumber: (def?.severityNumber ?? SeverityNumber.ERROR) as SeverityNumber,
        severityText: def?.severityText ?? 'ERROR',
        attributes,
      });
    } catch {
      // Never throw into the application (STYLE.md rule 9).
    }
  };
}
