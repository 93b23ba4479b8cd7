import type { Meter, MeterProvider, ObservableResult } from '@opentelemetry/api';
import { metrics } from '@opentelemetry/api';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';
import { REDACT_REASONS, SANITIZE_REASONS } from './Scrubber.js';
import type { Scrubber } from './Scrubber.js';

/** Why an event was not emitted; one series each of `secmon.events.dropped`. */
export const DROP_REASONS = ['invalid_name', 'internal_error'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Distinct custom event names tracked by name; more are counted under `_OTHER` (bounded memory). */
const MAX_CUSTOM_NAMES = 256;

/**
 * Self-metrics of the instrumentation (OTel metrics API). The hot path only increments plain numbers;
 * observable counters report them at collection time, so an app without a MeterProvider pays nothing and an
 * app with one pays no per-event attribute hashing.
 */
export class SelfMetrics {
  /** Emitted count per catalogue slot (index = compiled event slot). */
  readonly emitted: number[];
  readonly dropped: number[] = DROP_REASONS.map(() => 0);
  private readonly _slotNames: readonly string[];
  private readonly _custom = new Map<string, number>();
  private _customOther = 0;

  constructor(slotNames: readonly string[], scrubber: Scrubber, meterProvider: MeterProvider | undefined) {
    this._slotNames = slotNames;
    this.emitted = slotNames.map(() => 0);
    const meter: Meter = (meterProvider ?? metrics).getMeter(PACKAGE_NAME, PACKAGE_VERSION);
    meter
      .createObservableCounter('secmon.events.emitted', {
        description: 'Security events emitted, by event name.',
        unit: '{event}',
      })
      .addCallback((result: ObservableResult) => {
        for (let i = 0; i < this.emitted.length; i++) {
          const n = this.emitted[i]!;
          if (n > 0) result.observe(n, { 'event.name': this._slotNames[i]! });
        }
        for (const [name, n] of this._custom) result.observe(n, { 'event.name': name });
        if (this._customOther > 0) result.observe(this._customOther, { 'event.name': '_OTHER' });
      });
    meter
      .createObservableCounter('secmon.events.dropped', {
        description: 'Security events not emitted because of misuse or an internal error, by reason.',
        unit: '{event}',
      })
      .addCallback((result: ObservableResult) => {
        for (let i = 0; i < DROP_REASONS.length; i++)
          result.observe(this.dropped[i]!, { reason: DROP_REASONS[i]! });
      });
    meter
      .createObservableCounter('secmon.values.sanitized', {
        description: 'Attribute values neutralised (CWE-117), truncated, coerced or dropped, by reason.',
        unit: '{value}',
      })
      .addCallback((result: ObservableResult) => {
        for (let i = 0; i < SANITIZE_REASONS.length; i++) {
          result.observe(scrubber.sanitized[i]!, { reason: SANITIZE_REASONS[i]! });
        }
      });
    meter
      .createObservableCounter('secmon.values.redacted', {
        description: 'Secrets redacted from attribute values (CWE-532), by reason.',
        unit: '{value}',
      })
      .addCallback((result: ObservableResult) => {
        for (let i = 0; i < REDACT_REASONS.length; i++) {
          result.observe(scrubber.redacted[i]!, { reason: REDACT_REASONS[i]! });
        }
      });
  }

  countCustom(name: string): void {
    const n = this._custom.get(name);
    if (n !== undefined) this._custom.set(name, n + 1);
    else if (this._custom.size < MAX_CUSTOM_NAMES) this._custom.set(name, 1);
    else this._customOther++;
  }

  countDropped(reason: DropReason): void {
    this.dropped[DROP_REASONS.indexOf(reason)]!++;
  }

  /** Total emitted per event name (catalogue and custom). */
  emittedByName(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < this.emitted.length; i++)
      if (this.emitted[i]! > 0) out[this._slotNames[i]!] = this.emitted[i]!;
    for (const [name, n] of this._custom) out[name] = n;
    if (this._customOther > 0) out['_OTHER'] = this._customOther;
    return out;
  }
}
