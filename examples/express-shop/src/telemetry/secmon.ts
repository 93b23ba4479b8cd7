// secmon wiring of the shop.
//
// INTERIM: at the time of writing, @secmon/processor had published its RuleEngine and DEFAULT_RULES but not
// yet SecurityRulesProcessor/BlockList, and @secmon/instrumentation had no public API yet. This file wires
// the real RuleEngine with the real default rule pack through a minimal LogRecordProcessor, a minimal
// block list and a minimal event emitter that follows EVENTS.md (catalogue severities and ECS fields,
// request context, HMAC pseudonyms, visible escaping of control characters). Replace each piece with the
// package's own (SecurityEvents, its Express middleware, SecurityRulesProcessor, BlockList) as they land;
// the rest of the shop only sees the ShopSecurity interface and the middleware lists.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac, randomUUID } from 'node:crypto';
import { context, logs, trace, SpanKind } from '@opentelemetry/api';
import type { AttributeValue, Attributes, Context, Link } from '@opentelemetry/api';
import type { LogRecordExporter, LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { DEFAULT_RULES, RuleEngine } from '@secmon/processor';
import type { Alert } from '@secmon/processor';
import { ALERT_EVENT_NAME, ALERT_SEVERITY_TO_OCSF, ALERT_SEVERITY_TO_SEVERITY_NUMBER, getEventDefinition } from '@secmon/semconv';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ShopOptions } from '../ShopOptions.js';
import type { ShopSecurity } from '../ShopSecurity.js';
import { sendToDemo } from './DemoFeedProcessor.js';

export interface SecmonWiring {
  security: ShopSecurity;
  logRecordProcessors: LogRecordProcessor[];
  exportingProcessor?: LogRecordProcessor;
  feedSkip: string[];
  first: RequestHandler[];
  afterAuthentication: RequestHandler[];
  describe: string;
  ruleIds: string[];
  start(): void;
}

// CWE-117: C0, DEL, C1, U+2028/2029, bidi controls, escaped visibly (never deleted: the evidence stays).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const MAX_STRING = 256;
function neutralize(value: string): string {
  const capped = value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  return capped.replace(UNSAFE, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u{${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}}`;
  });
}

interface RequestFacts {
  clientAddress: string;
  userAgent: string;
  method: string;
  path: string;
  userId?: string;
  userRoles?: string[];
}

const SCOPE = 'express-shop';

export function createSecmon(options: ShopOptions, _exporter: LogRecordExporter): SecmonWiring {
  const key = options.pseudonymKey ?? 'secmon-dev-pseudonym-key';
  if (!options.pseudonymKey) console.warn('secmon: SECMON_PSEUDONYM_KEY is not set; using the development key (never in production)');
  const pseudonym = (value: string) => createHmac('sha256', key).update(value).digest('hex').slice(0, 32);
  const store = new AsyncLocalStorage<RequestFacts>();
  const logger = logs.getLogger(SCOPE);
  const tracer = trace.getTracer(SCOPE);

  function emit(eventName: string, attributes: Record<string, AttributeValue | undefined>): void {
    try {
      const definition = getEventDefinition(eventName);
      const facts = store.getStore();
      const out: Attributes = {
        'log.record.uid': randomUUID(),
        ...(definition
          ? {
              'event.action': definition.action,
              'event.kind': definition.ecs.kind,
              'event.category': [...definition.ecs.category],
              'event.type': [...definition.ecs.type],
              'event.outcome': definition.ecs.outcome,
            }
          : {}),
        ...(facts
          ? {
              'client.address': neutralize(facts.clientAddress),
              'user_agent.original': neutralize(facts.userAgent),
              'http.request.method': facts.method,
              'url.path': neutralize(facts.path),
              ...(facts.userId ? { 'user.id': facts.userId, 'user.roles': facts.userRoles ?? [] } : {}),
            }
          : {}),
      };
      for (const [k, v] of Object.entries(attributes)) {
        if (v === undefined) continue;
        out[k] = typeof v === 'string' ? neutralize(v) : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? neutralize(x) : x)) : v;
      }
      logger.emit({ eventName, severityNumber: definition?.severityNumber ?? 13, attributes: out });
    } catch {
      // never throw into the application
    }
  }

  // --- detection: the real RuleEngine and DEFAULT_RULES, behind a LogRecordProcessor -------------------
  const blocks = new Map<string, number>();
  const notFoundEvent = DEFAULT_RULES.find((r) => r.id === 'web.excessive_404')?.match.events[0] ?? 'secmon.access.not_found';

  function respond(alert: Alert): { action: string; target?: string; durationMillis?: number } | undefined {
    const response = alert.rule.response;
    if (!response) return undefined;
    const target =
      response.action === 'block_client'
        ? alert.group['client.address']
        : response.action === 'lock_user'
          ? (alert.group['user.id'] ?? alert.group['user.hash'])
          : undefined;
    if (target && response.durationMillis) blocks.set(`${response.action}:${target}`, Date.now() + response.durationMillis);
    return { action: response.action, ...(target ? { target } : {}), ...(response.durationMillis ? { durationMillis: response.durationMillis } : {}) };
  }

  function publish(alert: Alert): void {
    const response = respond(alert);
    const attributes: Attributes = {
      'security_rule.uuid': alert.rule.id,
      'security_rule.name': alert.rule.title,
      ...(alert.rule.reference ? { 'security_rule.reference': alert.rule.reference } : {}),
      ...(alert.rule.category ? { 'security_rule.category': alert.rule.category } : {}),
      'event.kind': 'alert',
      'event.action': alert.rule.id,
      'secmon.alert.id': alert.id,
      'secmon.alert.count': alert.count,
      'secmon.alert.threshold': alert.threshold,
      'secmon.alert.window_ms': alert.windowMillis,
      'secmon.alert.trigger_event_name': alert.triggerEventName,
      'secmon.alert.severity': ALERT_SEVERITY_TO_OCSF[alert.rule.severity],
      'secmon.alert.group': alert.groupKey,
      'secmon.alert.suppressed_count': alert.suppressedCount,
      'secmon.alert.record_uids': alert.evidence.map((e) => e.recordUid ?? '').filter(Boolean),
      ...(response ? { 'secmon.alert.response': response.action } : {}),
      ...Object.fromEntries(Object.entries(alert.group)),
    };
    const links: Link[] = alert.evidence
      .filter((e) => e.traceId && e.spanId)
      .map((e) => ({ context: { traceId: e.traceId ?? '', spanId: e.spanId ?? '', traceFlags: 1 } }));
    const firstMillis = Number(BigInt(alert.firstSeenUnixNano) / 1_000_000n);
    const span = tracer.startSpan(ALERT_EVENT_NAME, { kind: SpanKind.INTERNAL, startTime: firstMillis, links, attributes }, context.active());
    span.end();
    logger.emit({ eventName: ALERT_EVENT_NAME, severityNumber: ALERT_SEVERITY_TO_SEVERITY_NUMBER[alert.rule.severity], attributes });
    const group = Object.entries(alert.group).map(([k, v]) => `${k}=${neutralize(v)}`).join(' ');
    console.log(`secmon ALERT [${alert.rule.severity}] ${alert.rule.id} ${group} count=${alert.count}${response ? ` response=${response.action}` : ''}`);
    sendToDemo({
      type: 'alert',
      ruleId: alert.rule.id,
      title: alert.rule.title,
      severity: alert.rule.severity,
      group: { ...alert.group },
      count: alert.count,
      windowMillis: alert.windowMillis,
      ...(response ? { response } : {}),
    });
  }

  const engine = new RuleEngine({ rules: DEFAULT_RULES });
  const detector: LogRecordProcessor = {
    onEmit(record: ReadWriteLogRecord, _context?: Context): void {
      const name = record.eventName;
      if (!name || name === ALERT_EVENT_NAME || !engine.wants(name)) return;
      try {
        const alerts = engine.process({
          eventName: name,
          timeUnixNano: record.hrTime,
          attributes: { ...record.attributes } as Record<string, string>,
          resource: { ...record.resource.attributes } as Record<string, string>,
          ...(record.spanContext ? { traceId: record.spanContext.traceId, spanId: record.spanContext.spanId } : {}),
        });
        // Alerts are published after the current emit returns (never re-entering the SDK from onEmit).
        if (alerts.length > 0) queueMicrotask(() => alerts.forEach(publish));
      } catch {
        // never throw into the application
      }
    },
    forceFlush: () => new Promise((resolve) => setImmediate(resolve)),
    shutdown: () => Promise.resolve(),
  };

  // --- request context, automatic capture, block list ----------------------------------------------------
  const blocked = (k: string): boolean => {
    const until = blocks.get(k);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    blocks.delete(k);
    return false;
  };
  const refuse = (res: Response) => {
    emit('secmon.authz.fail', { 'error.type': 'blocked', 'http.response.status_code': 429 });
    res.status(429).json({ error: 'temporarily_blocked' });
  };
  const requestContext: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const facts: RequestFacts = {
      clientAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      userAgent: req.get('user-agent') ?? '',
      method: req.method,
      path: req.path,
    };
    res.once('finish', () => {
      if (res.statusCode === 404) store.run(facts, () => emit(notFoundEvent, { 'http.response.status_code': 404 }));
    });
    store.run(facts, () => {
      if (blocked(`block_client:${facts.clientAddress}`)) refuse(res);
      else next();
    });
  };
  const userContext: RequestHandler = (_req: Request, res: Response, next: NextFunction) => {
    const facts = store.getStore();
    const user = (res.locals as { user?: { id: string; role: string } }).user;
    if (facts && user) {
      facts.userId = user.id;
      facts.userRoles = [user.role];
      if (blocked(`lock_user:${user.id}`)) {
        refuse(res);
        return;
      }
    }
    next();
  };

  const security: ShopSecurity = {
    loginFailed: (d) =>
      emit('secmon.authn.login_fail', {
        'error.type': d.reason,
        'user.hash': pseudonym(d.username),
        ...(d.user ? { 'user.id': d.user.id } : {}),
        'secmon.user.exists': Boolean(d.user),
        'secmon.authn.method': 'password',
      }),
    loginSucceeded: (d) => {
      const facts = store.getStore();
      if (facts) {
        facts.userId = d.user.id;
        facts.userRoles = [d.user.role];
      }
      emit(d.failedAttempts > 0 ? 'secmon.authn.login_successafterfail' : 'secmon.authn.login_success', {
        'user.id': d.user.id,
        'user.hash': pseudonym(d.user.username),
        'secmon.authn.method': 'password',
        'session.id': pseudonym(d.sessionId),
        ...(d.failedAttempts > 0 ? { 'secmon.authn.failed_attempts': d.failedAttempts } : {}),
      });
    },
    loggedOut: (d) => emit('secmon.session.logout', { 'session.id': pseudonym(d.sessionId) }),
    sessionUsedAfterExpiry: () => emit('secmon.session.use_after_expire', { 'error.type': 'session_expired' }),
    accessDenied: (d) =>
      emit('secmon.authz.fail', {
        'error.type': 'forbidden',
        'secmon.resource.type': d.resourceType,
        'secmon.resource.id': d.resourceId,
        'http.response.status_code': 403,
      }),
    adminAction: (d) => emit('secmon.authz.admin', { 'secmon.resource.type': d.resourceType, 'secmon.resource.id': d.resourceId }),
    roleChanged: (d) =>
      emit('secmon.authz.change', { 'user.target.id': d.target.id, 'user.target.roles': [d.previous], 'user.changes.roles': [d.current] }),
    userDeleted: (d) => emit('secmon.user.deleted', { 'user.target.id': d.target.id }),
    configChanged: (d) =>
      emit('secmon.config.change', {
        'secmon.config.key': d.key,
        'secmon.config.secret': d.secret,
        ...(d.secret ? {} : { 'secmon.config.previous_value': d.previous, 'secmon.config.new_value': d.current }),
      }),
    paymentFailed: (d) =>
      emit('secmon.payment.fail', {
        'error.type': d.reason,
        'secmon.payment.provider': d.provider,
        'secmon.payment.amount': d.amountCents / 100,
        'secmon.payment.currency': d.currency,
      }),
    dataExported: (d) => emit('secmon.sensitive.read', { 'secmon.resource.type': d.resourceType, 'secmon.resource.name': `${d.records} records` }),
    invalidInput: (d) => emit('secmon.input.validation_fail', { 'secmon.input.fields': d.fields, 'error.type': 'validation_failed' }),
    unexpectedFields: (d) => emit('secmon.malicious.extraneous', { 'secmon.input.fields': d.fields }),
  };

  return {
    security,
    logRecordProcessors: [detector],
    feedSkip: [ALERT_EVENT_NAME],
    first: [requestContext],
    afterAuthentication: [userContext],
    describe: `secmon RuleEngine (${DEFAULT_RULES.length} default rules, interim wiring)`,
    ruleIds: DEFAULT_RULES.map((r) => r.id),
    start() {},
  };
}
