import { OutcomeRecorder } from './Scenario.js';
import type { Scenario, ScenarioOutcome } from './Scenario.js';
import { SCENARIOS } from './scenarios.js';
import { ShopClient } from './ShopClient.js';

/** Progress notifications, for a live display. */
export interface SimulatorListener {
  scenarioStart?(scenario: Scenario): void;
  step?(scenario: Scenario, message: string): void;
  scenarioEnd?(scenario: Scenario, outcome: ScenarioOutcome): void | Promise<void>;
}

/** Options of {@link Simulator}. */
export interface SimulatorOptions {
  /** Base URL of the shop. Must be a loopback address: the simulator refuses anything else. */
  target: string;
  /** Scenario ids to run, in the given order. Default: all of {@link SCENARIOS}. */
  only?: readonly string[];
  listener?: SimulatorListener;
}

/** One scenario's result. */
export interface ScenarioResult {
  scenario: Scenario;
  outcome: ScenarioOutcome;
  error?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Plays the scenarios against the shop, one after the other. */
export class Simulator {
  private readonly _target: string;
  private readonly _scenarios: readonly Scenario[];
  private readonly _listener: SimulatorListener;

  constructor(options: SimulatorOptions) {
    const url = new URL(options.target);
    if (!LOOPBACK.has(url.hostname)) {
      throw new Error(`attack-simulator: target must be a loopback address, got ${url.hostname}`);
    }
    this._target = url.origin;
    const only = options.only;
    if (only && only.length > 0) {
      const unknown = only.filter((id) => !SCENARIOS.some((s) => s.id === id));
      if (unknown.length > 0) throw new Error(`attack-simulator: unknown scenario(s): ${unknown.join(', ')}`);
      this._scenarios = only.map((id) => SCENARIOS.find((s) => s.id === id)).filter((s) => s !== undefined);
    } else {
      this._scenarios = SCENARIOS;
    }
    this._listener = options.listener ?? {};
  }

  get scenarios(): readonly Scenario[] {
    return this._scenarios;
  }

  async run(): Promise<ScenarioResult[]> {
    const results: ScenarioResult[] = [];
    for (const scenario of this._scenarios) {
      this._listener.scenarioStart?.(scenario);
      const recorder = new OutcomeRecorder();
      const result: ScenarioResult = { scenario, outcome: recorder.outcome };
      try {
        await scenario.run(
          {
            client: (clientAddress, userAgent) =>
              new ShopClient({ target: this._target, clientAddress, ...(userAgent ? { userAgent } : {}) }),
            step: (message) => this._listener.step?.(scenario, message),
          },
          recorder,
        );
      } catch (error) {
        result.error = error instanceof Error ? error.message : String(error);
      }
      results.push(result);
      await this._listener.scenarioEnd?.(scenario, recorder.outcome);
    }
    return results;
  }
}
