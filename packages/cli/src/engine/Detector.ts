import type { Alert, Rule, RuleEngineStats } from '@secmon/processor';
import { RuleEngine } from '@secmon/processor';
import type { AlertRecord } from '../analyze/AlertRecord.js';
import type { LogEvent } from '../input/LogEvent.js';

/** The processor's alert as the CLI reports it. */
export function toAlertRecord(alert: Alert): AlertRecord {
  const evidence: string[] = [];
  for (const e of alert.evidence) if (e.recordUid !== undefined) evidence.push(e.recordUid);
  const record: AlertRecord = {
    ruleId: alert.rule.id,
    title: alert.rule.title,
    severity: alert.rule.severity,
    group: { ...alert.group },
    count: alert.count,
    firstTimeUnixNano: Number(alert.firstSeenUnixNano),
    lastTimeUnixNano: Number(alert.lastSeenUnixNano),
    evidenceCount: alert.evidenceCount,
    evidence,
  };
  if (alert.rule.reference !== undefined) record.reference = alert.rule.reference;
  return record;
}

/** Options of a {@link Detector}. */
export interface DetectorOptions {
  /** Also receives the processor's own alert objects (serve exports them as telemetry). */
  onEngineAlert?: (alert: Alert) => void;
  /**
   * How far behind the newest event of its group an event may arrive and still count, in milliseconds.
   * Default: the engine's (10 000).
   */
  outOfOrderToleranceMillis?: number;
}

/**
 * The rule engine of `@secmon/processor` bound to the CLI's event shape: one engine, the same one the
 * in-process processor runs (DESIGN.md "one engine, three placements"), on event time.
 */
export class Detector {
  private readonly _engine: RuleEngine;

  constructor(rules: readonly Rule[], onAlert: (alert: AlertRecord) => void, options: DetectorOptions = {}) {
    const onEngineAlert = options.onEngineAlert;
    this._engine = new RuleEngine({
      rules,
      ...(options.outOfOrderToleranceMillis === undefined
        ? {}
        : { outOfOrderToleranceMillis: options.outOfOrderToleranceMillis }),
      onAlert: (alert) => {
        onAlert(toAlertRecord(alert));
        onEngineAlert?.(alert);
      },
    });
  }

  /** Feeds one event (synchronous; alerts arrive through the callback). Bound, so it can be passed around. */
  readonly process = (event: LogEvent): void => {
    this._engine.process(event);
  };

  /** End of input. The engine fires on arrival, so nothing is pending; kept for engines that buffer. */
  finish(): void {}

  /** The engine's counters (late events, evictions...), for the report. */
  stats(): RuleEngineStats {
    return this._engine.stats();
  }

  get engine(): RuleEngine {
    return this._engine;
  }
}
