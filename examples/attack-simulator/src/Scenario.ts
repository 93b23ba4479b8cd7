import type { ShopClient } from './ShopClient.js';

/** benign: ordinary customers; audit: legitimate admin work (audited, some of it alerts by design); attack. */
export type ScenarioKind = 'benign' | 'audit' | 'attack';

/** What a scenario gets to work with. */
export interface ScenarioContext {
  /** A fresh client (own cookie jar) with a simulated address. */
  client(clientAddress: string, userAgent?: string): ShopClient;
  /** Reports progress (one short line, already safe to print). */
  step(message: string): void;
}

/** What a scenario did, as the attacker or user saw it. */
export interface ScenarioOutcome {
  requests: number;
  /** HTTP status -> count. */
  statuses: Record<number, number>;
  /** Short observations, e.g. "blocked (HTTP 403) after 9 attempts". */
  notes: string[];
}

/** One simulated story. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly kind: ScenarioKind;
  readonly description: string;
  /** Simulated addresses this scenario sends from (first = main actor). */
  readonly addresses: readonly string[];
  /**
   * Ids of the rules of the shop's default rule pack (`DEFAULT_RULES` of @secmon/processor) that this
   * scenario must trigger. Empty for benign traffic, which must trigger none.
   */
  readonly expectedRules: readonly string[];
  run(context: ScenarioContext, outcome: OutcomeRecorder): Promise<void>;
}

/** Counts responses while a scenario runs. */
export class OutcomeRecorder {
  readonly outcome: ScenarioOutcome = { requests: 0, statuses: {}, notes: [] };

  record(status: number): number {
    this.outcome.requests++;
    this.outcome.statuses[status] = (this.outcome.statuses[status] ?? 0) + 1;
    return status;
  }

  note(message: string): void {
    this.outcome.notes.push(message);
  }
}
