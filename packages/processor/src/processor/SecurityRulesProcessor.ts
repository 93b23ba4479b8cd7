import { diag, metrics, type Context, type MeterProvider } from '@opentelemetry/api';
import { BindOnceFuture } from '@opentelemetry/core';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { Alert } from '../engine/Alert.js';
import { RuleEngine, type RuleEngineStats } from '../engine/RuleEngine.js';
import { validateRule } from '../internal/validateRule.js';
import { WarnOnce } from '../internal/WarnOnce.js';
import { DEFAULT_RULES } from '../rules/defaultRules.js';
import { formatPath } from '../rules/defineRule.js';
import type { Rule } from '../rules/Rule.js';
import type { RuleDefinition } from '../rules/RuleDefinition.js';
import type { StateStore } from '../store/StateStore.js';
import type { Clock } from '../types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';
import { AlertPublisher, type AlertPublisherOptions } from './AlertPublisher.js';
import { resourceAttributes } from '../internal/resourceAttributes.js';

/** Options of {@link SecurityRulesProcessor}: the engine's, the publisher's, and the self-metrics' provider. */
export interface SecurityRulesProcessorOptions extends AlertPublisherOptions {
  /**
   * Rules: validated `Rule`s (from `defineRule`, `parseRules`, `DEFAULT_RULES`) or plain definitions, which are
   * validated here; an invalid one is reported with `diag.error` and left out (STYLE.md rule 10).
   * Default: {@link DEFAULT_RULES}.
   */
  readonly rules?: readonly (Rule | RuleDefinition)[];
  /** Shared detection state (see `StateStore`). Default: local state only. */
  readonly store?: StateStore;
  /** Wall clock (detection times). Default `Date.now`. */
  readonly clock?: Clock;
  /** Self-metrics go here. Default: the global `MeterProvider`. */
  readonly meterProvider?: MeterProvider;
  /** Engine option, see `RuleEngineOptions`. Default 10 000. */
  readonly maxGroupsPerRule?: number;
  /** Engine option, see `RuleEngineOptions`. Default 10 000 ms. */
  readonly outOfOrderToleranceMillis?: number;
  /** Engine option, see `RuleEngineOptions`. Default 20. */
  readonly maxEvidence?: number;
  /** Engine option, see `RuleEngineOptions`. Default 1 000. */
  readonly maxDistinctValuesPerGroup?: number;
  /** Engine option, see `RuleEngineOptions`. Default 256. */
  readonly maxEventsPerStep?: number;
  /** How long `shutdown()` waits for queued alert actions, ms. Default 30 000. */
  readonly shutdownTimeoutMillis?: number;
}

function isRule(r: Rule | RuleDefinition): r is Rule {
  return typeof (r as Rule).windowMillis === 'number' && typeof (r as Rule).definition === 'object';
}

/**
 * Real-time detection inside the OpenTelemetry Logs SDK: add it to a `LoggerProvider` (or `NodeSDK`) next to the
 * exporting processors. `onEmit` copies what it needs out of the record (never keeps it) and returns at once
 * for events no rule wants (one `Map` lookup). Detections become a `secmon.alert` span linked to the
 * contributing events' spans and a `secmon.alert` log record, apply the block list, call `onAlert` and queue
 * the alert actions. Alerts are never fed back into the rules. Never throws into the application.
 *
 * @example
 * const provider = new LoggerProvider({
 *   processors: [
 *     new SecurityRulesProcessor({ rules: DEFAULT_RULES, blockList, onAlert: (a) => console.warn(a.rule.id) }),
 *     new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() }),
 *   ],
 * });
 */
export class SecurityRulesProcessor implements LogRecordProcessor {
  private readonly _engine: RuleEngine;
  private readonly _publisher: AlertPublisher;
  private readonly _shutdownTimeout: number;
  private readonly _shutdownOnce: BindOnceFuture<void>;
  private readonly _warn = new WarnOnce();
  private _isShutdown = false;
  private _invalidRules = 0;

  constructor(options: SecurityRulesProcessorOptions = {}) {
    const rules: Rule[] = [];
    for (const r of options.rules ?? DEFAULT_RULES) {
      if (isRule(r)) {
        rules.push(r);
        continue;
      }
      const { rule, problems } = validateRule(r, 'ts');
      if (rule !== undefined) rules.push(rule);
      else {
        this._invalidRules++;
        const id = typeof (r as { id?: unknown }).id === 'string' ? r.id : '<no id>';
        for (const p of problems)
          diag.error(
            `secmon processor: rule "${id}" left out: ${p.path.length > 0 ? `${formatPath(p.path)}: ` : ''}${p.message}`,
          );
      }
    }
    this._publisher = new AlertPublisher(options);
    this._engine = new RuleEngine({
      rules,
      ...(options.store !== undefined ? { store: options.store } : {}),
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
      ...(options.maxGroupsPerRule !== undefined ? { maxGroupsPerRule: options.maxGroupsPerRule } : {}),
      ...(options.outOfOrderToleranceMillis !== undefined
        ? { outOfOrderToleranceMillis: options.outOfOrderToleranceMillis }
        : {}),
      ...(options.maxEvidence !== undefined ? { maxEvidence: options.maxEvidence } : {}),
      ...(options.maxDistinctValuesPerGroup !== undefined
        ? { maxDistinctValuesPerGroup: options.maxDistinctValuesPerGroup }
        : {}),
      ...(options.maxEventsPerStep !== undefined ? { maxEventsPerStep: options.maxEventsPerStep } : {}),
      onAlert: (alert: Alert) => this._publisher.publish(alert),
    });
    this._shutdownTimeout = options.shutdownTimeoutMillis ?? 30_000;
    this._shutdownOnce = new BindOnceFuture(this._shutdown, this);
    this._registerMetrics(options.meterProvider ?? metrics.getMeterProvider());
  }

  /** The engine (e.g. to read `stats()` or evaluate replayed events). */
  get engine(): RuleEngine {
    return this._engine;
  }

  onEmit(logRecord: ReadWriteLogRecord, _context?: Context): void {
    const name = logRecord.eventName;
    // The budget to protect (STYLE.md rule 16): an event no rule wants costs one Map lookup, nothing else.
    if (name === undefined || !this._engine.wants(name)) return;
    // Our own alert record never reaches here (no rule may match secmon.alert), but an onAlert callback that
    // logs a security event while we publish must not recurse into the rules.
    if (this._isShutdown || this._publisher.publishing) return;
    try {
      // The record's fields as arguments: no event object per record, and nothing of the record is kept
      // (STYLE.md rule 7; the engine copies what it stores).
      const sc = logRecord.spanContext;
      this._engine.processFields(
        name,
        logRecord.hrTime,
        logRecord.attributes,
        resourceAttributes(logRecord.resource),
        sc?.traceId,
        sc?.spanId,
      );
    } catch (e) {
      this._warn.warn(
        'on-emit',
        `secmon processor: evaluating a record failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  /** Waits for queued alert actions and the store's queue. Never rejects. */
  async forceFlush(): Promise<void> {
    await Promise.all([
      this._publisher.flush(this._shutdownTimeout),
      this._engine.store.forceFlush().catch(() => undefined),
    ]);
  }

  /** Idempotent; waits for queued actions up to `shutdownTimeoutMillis`, then shuts the store down. Never rejects. */
  shutdown(): Promise<void> {
    return this._shutdownOnce.call();
  }

  private async _shutdown(): Promise<void> {
    this._isShutdown = true;
    await this._publisher.shutdown(this._shutdownTimeout).catch(() => undefined);
    await this._engine.store.shutdown().catch(() => undefined);
  }

  private _registerMetrics(meterProvider: MeterProvider): void {
    try {
      const meter = meterProvider.getMeter(PACKAGE_NAME, PACKAGE_VERSION);
      // Observable instruments read plain counters at collection time: a synchronous Counter.add() on the
      // emit path would cost more than the whole rule evaluation.
      const counter = (name: string, description: string, unit: string) =>
        meter.createObservableCounter(name, { description, unit });
      const evaluated = counter(
        'secmon.processor.events.evaluated',
        'Events that matched a rule and updated its state',
        '{event}',
      );
      const alerts = counter('secmon.processor.alerts', 'Alerts raised', '{alert}');
      const suppressed = counter(
        'secmon.processor.alerts.suppressed',
        'Would-be alerts withheld by a cooldown',
        '{alert}',
      );
      const degraded = counter(
        'secmon.processor.alerts.degraded',
        'Alerts raised on local state while the shared store was unreachable',
        '{alert}',
      );
      const evictions = counter(
        'secmon.processor.evictions',
        'Groups (and capped values) evicted by the memory bounds',
        '{group}',
      );
      const late = counter(
        'secmon.processor.events.late',
        'Events older than the out-of-order tolerance, dropped',
        '{event}',
      );
      const malformed = counter(
        'secmon.processor.events.malformed',
        'Events with an unusable time, dropped',
        '{event}',
      );
      const ruleErrors = counter(
        'secmon.processor.rule.errors',
        'Errors caught while evaluating rules or publishing alerts',
        '{error}',
      );
      const actionFailures = counter(
        'secmon.processor.action.failures',
        'Failed alert action attempts',
        '{attempt}',
      );
      const actionDropped = counter(
        'secmon.processor.action.dropped',
        'Alert deliveries dropped (queue full) or abandoned',
        '{delivery}',
      );
      const groups = meter.createObservableGauge('secmon.processor.groups', {
        description: 'Groups held by the rule engine',
        unit: '{group}',
      });
      meter.addBatchObservableCallback(
        (r) => {
          const s: RuleEngineStats = this._engine.stats();
          const a = this._publisher.actionStats();
          r.observe(evaluated, s.eventsEvaluated);
          r.observe(alerts, s.alerts);
          r.observe(suppressed, s.suppressed);
          r.observe(degraded, s.degradedAlerts);
          r.observe(evictions, s.evictions);
          r.observe(late, s.lateEvents);
          r.observe(malformed, s.malformedEvents);
          r.observe(ruleErrors, s.ruleErrors + this._publisher.errors + this._invalidRules);
          r.observe(actionFailures, a.failures);
          r.observe(actionDropped, a.dropped + a.abandoned);
          r.observe(groups, s.groups);
        },
        [
          evaluated,
          alerts,
          suppressed,
          degraded,
          evictions,
          late,
          malformed,
          ruleErrors,
          actionFailures,
          actionDropped,
          groups,
        ],
      );
    } catch (e) {
      this._warn.warn(
        'metrics',
        `secmon processor: self-metrics unavailable: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
}
