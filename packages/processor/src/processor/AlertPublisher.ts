import {
  logs,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  TraceFlags,
  type Attributes as OtelAttributes,
  type Link,
  type Logger,
  type LoggerProvider,
  type SeverityNumber,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import {
  ALERT_EVENT_NAME,
  ALERT_SEVERITY_TO_OCSF,
  ALERT_SEVERITY_TO_SEVERITY_NUMBER,
  ALERT_SPAN_NAME,
  ATTR_EVENT_ACTION,
  ATTR_EVENT_CATEGORY,
  ATTR_EVENT_KIND,
  ATTR_EVENT_RISK_SCORE,
  ATTR_EVENT_SEVERITY,
  ATTR_LOG_RECORD_UID,
  ATTR_SECMON_ALERT_COUNT,
  ATTR_SECMON_ALERT_DEGRADED,
  ATTR_SECMON_ALERT_FIRST_SEEN_UNIX_NANO,
  ATTR_SECMON_ALERT_GROUP,
  ATTR_SECMON_ALERT_GROUP_BY,
  ATTR_SECMON_ALERT_ID,
  ATTR_SECMON_ALERT_LAST_SEEN_UNIX_NANO,
  ATTR_SECMON_ALERT_RECORD_UIDS,
  ATTR_SECMON_ALERT_RESPONSE,
  ATTR_SECMON_ALERT_RULE_TYPE,
  ATTR_SECMON_ALERT_SEVERITY,
  ATTR_SECMON_ALERT_SUPPRESSED_COUNT,
  ATTR_SECMON_ALERT_THRESHOLD,
  ATTR_SECMON_ALERT_TRIGGER_EVENT_NAME,
  ATTR_SECMON_ALERT_WINDOW_MS,
  ATTR_SECURITY_RULE_CATEGORY,
  ATTR_SECURITY_RULE_DESCRIPTION,
  ATTR_SECURITY_RULE_NAME,
  ATTR_SECURITY_RULE_REFERENCE,
  ATTR_SECURITY_RULE_RULESET_NAME,
  ATTR_SECURITY_RULE_UUID,
  ATTR_SECURITY_RULE_VERSION,
  getEventDefinition,
} from '@secmon/semconv';
import type { AlertAction } from '../actions/AlertAction.js';
import {
  ActionDispatcher,
  type ActionDispatcherStats,
  type ActionFailure,
} from '../actions/ActionDispatcher.js';
import type { Alert } from '../engine/Alert.js';
import { WarnOnce } from '../internal/WarnOnce.js';
import type { BlockEntry, BlockList } from '../responses/BlockList.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';

/** Options of {@link AlertPublisher}. */
/** What the publisher did in response to an alert, handed to `onAlert`. */
export interface AlertResponse {
  /** The block the alert's `block_client` / `lock_user` response put in place; undefined when none was. */
  readonly block: BlockEntry | undefined;
}

export interface AlertPublisherOptions {
  /** Where alert spans go. Default: the global `TracerProvider`. */
  readonly tracerProvider?: TracerProvider;
  /** Where alert log records go. Default: the global `LoggerProvider`. */
  readonly loggerProvider?: LoggerProvider;
  /** Emit the `secmon.alert` span. Default true. */
  readonly emitSpans?: boolean;
  /** Emit the `secmon.alert` log record. Default true. */
  readonly emitLogs?: boolean;
  /** Links to contributing events' spans on the alert span (distinct span contexts). Default 32. */
  readonly maxLinks?: number;
  /** `security_rule.ruleset.name`. Default `secmon`. */
  readonly rulesetName?: string;
  /**
   * Called synchronously for every alert, after the block list (exceptions are caught and counted). `response.block`
   * is the block the alert put in place (a `block_client` / `lock_user` response applied to the block list), if any.
   */
  readonly onAlert?: (alert: Alert, response: AlertResponse) => void;
  /** Alert actions run in the background (see {@link ActionDispatcherOptions}). */
  readonly actions?: readonly AlertAction[];
  /** Applies `block_client` / `lock_user` responses. */
  readonly blockList?: BlockList;
  /** Deliveries queued at once. Default 1 000. */
  readonly actionQueueSize?: number;
  /** Deliveries in flight at once. Default 4. */
  readonly actionConcurrency?: number;
  /** Timeout per attempt, ms. Default 10 000. */
  readonly actionTimeoutMillis?: number;
  /** Attempts per delivery. Default 5. */
  readonly actionMaxAttempts?: number;
  /** First backoff, ms (doubles, jittered). Default 1 000. */
  readonly actionRetryBaseMillis?: number;
  /** Longest backoff, ms. Default 30 000. */
  readonly actionRetryMaxMillis?: number;
  /** See {@link ActionDispatcherOptions.onFailure}: every failed action attempt, with whether it is retried. */
  readonly onActionFailure?: (failure: ActionFailure) => void;
}

/** ECS `event.risk_score` per rule severity (the scores Elastic's detection rules use). */
const RISK_SCORE: Readonly<Record<string, number>> = {
  informational: 0,
  low: 21,
  medium: 47,
  high: 73,
  critical: 99,
};

/**
 * Turns alerts into telemetry and responses: a `secmon.alert` span linked to the evidence, a `secmon.alert`
 * log record, the block list, the `onAlert` callback and the queued actions. The processor uses one; so can
 * `secmon serve` with its own engine.
 */
export class AlertPublisher {
  private readonly _tracer: Tracer | undefined;
  private readonly _logger: Logger | undefined;
  private readonly _maxLinks: number;
  private readonly _ruleset: string;
  private readonly _onAlert: ((alert: Alert, response: AlertResponse) => void) | undefined;
  private readonly _blockList: BlockList | undefined;
  private readonly _dispatcher: ActionDispatcher;
  private readonly _warn = new WarnOnce();
  private _errors = 0;
  private _publishing = false;

  constructor(options: AlertPublisherOptions = {}) {
    this._tracer =
      options.emitSpans === false
        ? undefined
        : (options.tracerProvider ?? trace.getTracerProvider()).getTracer(PACKAGE_NAME, PACKAGE_VERSION);
    this._logger =
      options.emitLogs === false
        ? undefined
        : (options.loggerProvider ?? logs.getLoggerProvider()).getLogger(PACKAGE_NAME, PACKAGE_VERSION);
    this._maxLinks = Math.max(0, Math.floor(options.maxLinks ?? 32));
    this._ruleset = options.rulesetName ?? 'secmon';
    this._onAlert = options.onAlert;
    this._blockList = options.blockList;
    this._dispatcher = new ActionDispatcher({
      actions: options.actions ?? [],
      ...(options.actionQueueSize !== undefined ? { maxQueueSize: options.actionQueueSize } : {}),
      ...(options.actionConcurrency !== undefined ? { concurrency: options.actionConcurrency } : {}),
      ...(options.actionTimeoutMillis !== undefined ? { timeoutMillis: options.actionTimeoutMillis } : {}),
      ...(options.actionMaxAttempts !== undefined ? { maxAttempts: options.actionMaxAttempts } : {}),
      ...(options.actionRetryBaseMillis !== undefined
        ? { retryBaseMillis: options.actionRetryBaseMillis }
        : {}),
      ...(options.actionRetryMaxMillis !== undefined ? { retryMaxMillis: options.actionRetryMaxMillis } : {}),
      ...(options.onActionFailure !== undefined ? { onFailure: options.onActionFailure } : {}),
    });
  }

  /** True while an alert is being published (its log record must not be evaluated). */
  get publishing(): boolean {
    return this._publishing;
  }

  /** Errors caught while publishing (span, log, block list, `onAlert`). */
  get errors(): number {
    return this._errors;
  }

  /** Counters of the action queue. */
  actionStats(): ActionDispatcherStats {
    return this._dispatcher.stats();
  }

  /** Publishes one alert. Synchronous apart from the actions, which are queued. Never throws. */
  publish(alert: Alert): void {
    this._publishing = true;
    try {
      // Built only when a span or a record carries them (measured: a fifth of an alert's cost otherwise).
      const attributes =
        this._tracer !== undefined || this._logger !== undefined
          ? alertAttributes(alert, this._ruleset)
          : undefined;
      let spanContext;
      if (this._tracer !== undefined) {
        try {
          const span = this._tracer.startSpan(
            ALERT_SPAN_NAME,
            {
              kind: SpanKind.INTERNAL,
              startTime: nanoStringToHrTime(alert.firstSeenUnixNano),
              links: this._links(alert),
              attributes,
              root: true,
            },
            ROOT_CONTEXT,
          );
          spanContext = span.spanContext();
          span.end(nanoStringToHrTime(alert.detectedAtUnixNano));
        } catch (e) {
          this._fail('span', e);
        }
      }
      if (this._logger !== undefined) {
        try {
          const severityNumber = (ALERT_SEVERITY_TO_SEVERITY_NUMBER[alert.rule.severity] ??
            17) as SeverityNumber;
          this._logger.emit({
            eventName: ALERT_EVENT_NAME,
            timestamp: nanoStringToHrTime(alert.detectedAtUnixNano),
            severityNumber,
            severityText: severityNumber >= 21 ? 'FATAL' : 'ERROR',
            body: `secmon alert: ${alert.rule.title}`,
            attributes,
            // The log record carries the alert span's ids, so a SIEM can pivot from the record to the span.
            context:
              spanContext !== undefined ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : ROOT_CONTEXT,
          });
        } catch (e) {
          this._fail('log', e);
        }
      }
      let block: BlockEntry | undefined;
      if (this._blockList !== undefined) {
        try {
          block = this._blockList.applyAlert(alert);
        } catch (e) {
          this._fail('block-list', e);
        }
      }
      if (this._onAlert !== undefined) {
        try {
          this._onAlert(alert, { block });
        } catch (e) {
          this._fail('on-alert', e);
        }
      }
      if (this._dispatcher.active) this._dispatcher.enqueue(alert);
    } finally {
      this._publishing = false;
    }
  }

  /** Waits for queued actions (up to `timeoutMillis`). Never rejects. */
  flush(timeoutMillis?: number): Promise<void> {
    return this._dispatcher.flush(timeoutMillis);
  }

  /** Waits for queued actions, then drops what is left (counted). Never rejects. */
  shutdown(timeoutMillis?: number): Promise<void> {
    return this._dispatcher.shutdown(timeoutMillis);
  }

  private _links(alert: Alert): Link[] {
    const links: Link[] = [];
    if (this._maxLinks === 0) return links;
    const seen = new Set<string>();
    for (const e of alert.evidence) {
      if (links.length >= this._maxLinks) break;
      if (e.traceId === undefined || e.spanId === undefined) continue;
      const id = e.traceId + e.spanId;
      if (seen.has(id)) continue;
      seen.add(id);
      const spanContext = {
        traceId: e.traceId,
        spanId: e.spanId,
        traceFlags: TraceFlags.NONE,
        isRemote: false,
      };
      if (!trace.isSpanContextValid(spanContext)) continue;
      links.push({
        context: spanContext,
        ...(e.recordUid !== undefined ? { attributes: { [ATTR_LOG_RECORD_UID]: e.recordUid } } : {}),
      });
    }
    return links;
  }

  private _fail(what: string, e: unknown): void {
    this._errors++;
    this._warn.warn(
      what,
      `secmon processor: publishing an alert (${what}) failed: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** The attributes shared by the alert span and the alert log record (EVENTS.md §7). */
export function alertAttributes(alert: Alert, rulesetName = 'secmon'): OtelAttributes {
  const rule = alert.rule;
  const a: OtelAttributes = {
    [ATTR_SECURITY_RULE_NAME]: rule.title,
    [ATTR_SECURITY_RULE_UUID]: rule.id,
    [ATTR_SECURITY_RULE_RULESET_NAME]: rulesetName,
    [ATTR_EVENT_KIND]: 'alert',
    [ATTR_EVENT_ACTION]: rule.id,
    [ATTR_EVENT_SEVERITY]: ALERT_SEVERITY_TO_OCSF[rule.severity],
    [ATTR_EVENT_RISK_SCORE]: RISK_SCORE[rule.severity] ?? 0,
    [ATTR_SECMON_ALERT_ID]: alert.id,
    [ATTR_SECMON_ALERT_RULE_TYPE]: rule.type,
    [ATTR_SECMON_ALERT_SEVERITY]: ALERT_SEVERITY_TO_OCSF[rule.severity],
    [ATTR_SECMON_ALERT_COUNT]: alert.count,
    [ATTR_SECMON_ALERT_THRESHOLD]: alert.threshold,
    [ATTR_SECMON_ALERT_WINDOW_MS]: alert.windowMillis,
    [ATTR_SECMON_ALERT_TRIGGER_EVENT_NAME]: alert.triggerEventName,
    [ATTR_SECMON_ALERT_GROUP]: alert.groupKey,
    [ATTR_SECMON_ALERT_GROUP_BY]: Object.keys(alert.group),
    [ATTR_SECMON_ALERT_SUPPRESSED_COUNT]: alert.suppressedCount,
    [ATTR_SECMON_ALERT_FIRST_SEEN_UNIX_NANO]: alert.firstSeenUnixNano,
    [ATTR_SECMON_ALERT_LAST_SEEN_UNIX_NANO]: alert.lastSeenUnixNano,
    [ATTR_SECMON_ALERT_DEGRADED]: alert.degraded,
  };
  if (rule.version !== undefined) a[ATTR_SECURITY_RULE_VERSION] = rule.version;
  if (rule.category !== undefined) a[ATTR_SECURITY_RULE_CATEGORY] = rule.category;
  if (rule.description !== undefined) a[ATTR_SECURITY_RULE_DESCRIPTION] = rule.description;
  if (rule.reference !== undefined) a[ATTR_SECURITY_RULE_REFERENCE] = rule.reference;
  if (rule.response !== undefined) a[ATTR_SECMON_ALERT_RESPONSE] = rule.response.action;
  const def = getEventDefinition(alert.triggerEventName);
  if (def !== undefined) a[ATTR_EVENT_CATEGORY] = [...def.ecs.category];
  // Group-by keys are copied under their own names (client.address, user.id, ...), as EVENTS.md §7 asks.
  for (const [k, v] of Object.entries(alert.group)) if (a[k] === undefined) a[k] = v;
  const uids = alert.evidence.filter((e) => e.recordUid !== undefined).map((e) => e.recordUid as string);
  if (uids.length > 0) a[ATTR_SECMON_ALERT_RECORD_UIDS] = uids;
  return a;
}

/** Decimal Unix nanoseconds -> HrTime, without BigInt. */
function nanoStringToHrTime(nanos: string): [number, number] {
  if (nanos.length <= 9) return [0, Number(nanos)];
  return [Number(nanos.slice(0, -9)), Number(nanos.slice(-9))];
}
