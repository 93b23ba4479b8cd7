import { CATALOGUE, EVENTS } from '@secmon/semconv';
import type { EventDefinition } from '@secmon/semconv';

/** Request flags: which failure kinds the app already reported, so automatic capture does not repeat them. */
export const FLAG_AUTHN_FAILURE = 1;
export const FLAG_AUTHZ_FAILURE = 2;
export const FLAG_RATE_LIMITED = 4;
export const FLAG_NOT_FOUND = 8;

/** One catalogue event, flattened for the hot path: everything static is computed here, once. */
export interface CompiledEvent {
  readonly name: string;
  readonly action: string;
  readonly kind: string;
  readonly category: readonly string[];
  readonly type: readonly string[];
  readonly outcome: string;
  readonly severityNumber: number;
  readonly severityText: string;
  /** Passed to `logger.enabled()` as is: no allocation per call. */
  readonly enabledOptions: { readonly severityNumber: number; readonly eventName: string };
  /** `error.type` when the event fails and the caller gave no reason. */
  readonly defaultErrorType: string;
  /** Index of the emitted counter. */
  readonly slot: number;
  /** Request flag set when the event is emitted inside a request. */
  readonly flag: number;
}

const DEFAULT_ERROR_TYPE: Readonly<Record<string, string>> = {
  [EVENTS.AUTHZ_FAIL]: 'forbidden',
  [EVENTS.EXCESS_RATE_LIMIT_EXCEEDED]: 'rate_limited',
  [EVENTS.INPUT_VALIDATION_FAIL]: 'validation_failed',
  [EVENTS.INPUT_VALIDATION_DISCRETE_FAIL]: 'validation_failed',
  [EVENTS.AUTHN_TOKEN_REUSE]: 'token_revoked',
  [EVENTS.SESSION_USE_AFTER_EXPIRE]: 'session_expired',
  [EVENTS.ACCESS_NOT_FOUND]: 'not_found',
  [EVENTS.CRYPT_DECRYPT_FAIL]: 'decryption_failed',
  [EVENTS.CRYPT_ENCRYPT_FAIL]: 'encryption_failed',
};

const FLAGS: Readonly<Record<string, number>> = {
  [EVENTS.AUTHN_LOGIN_FAIL]: FLAG_AUTHN_FAILURE,
  [EVENTS.AUTHN_LOGIN_FAIL_MAX]: FLAG_AUTHN_FAILURE,
  [EVENTS.AUTHN_TOKEN_REUSE]: FLAG_AUTHN_FAILURE,
  [EVENTS.SESSION_USE_AFTER_EXPIRE]: FLAG_AUTHN_FAILURE,
  [EVENTS.AUTHZ_FAIL]: FLAG_AUTHZ_FAILURE,
  [EVENTS.MALICIOUS_DIRECT_REFERENCE]: FLAG_AUTHZ_FAILURE,
  [EVENTS.MALICIOUS_CSRF]: FLAG_AUTHZ_FAILURE,
  [EVENTS.MALICIOUS_CORS]: FLAG_AUTHZ_FAILURE,
  [EVENTS.SEQUENCE_FAIL]: FLAG_AUTHZ_FAILURE,
  [EVENTS.EXCESS_RATE_LIMIT_EXCEEDED]: FLAG_RATE_LIMITED,
  [EVENTS.EXCESS_SESSIONS_EXCEEDED]: FLAG_RATE_LIMITED,
  [EVENTS.ACCESS_NOT_FOUND]: FLAG_NOT_FOUND,
  [EVENTS.MALICIOUS_EXCESS_404]: FLAG_NOT_FOUND,
};

const SEVERITY_TEXT: Readonly<Record<number, string>> = { 9: 'INFO', 13: 'WARN', 17: 'ERROR' };

/** Severity of each custom-event level. */
export const LEVEL_SEVERITY: Readonly<Record<string, number>> = { INFO: 9, WARN: 13, CRITICAL: 17 };

export function severityText(n: number): string {
  return SEVERITY_TEXT[n] ?? (n >= 17 ? 'ERROR' : n >= 13 ? 'WARN' : 'INFO');
}

export function compileEvent(d: EventDefinition, slot: number): CompiledEvent {
  return Object.freeze({
    name: d.name,
    action: d.action,
    kind: d.ecs.kind,
    category: d.ecs.category,
    type: d.ecs.type,
    outcome: d.ecs.outcome,
    severityNumber: d.severityNumber,
    severityText: d.severityText,
    enabledOptions: Object.freeze({ severityNumber: d.severityNumber, eventName: d.name }),
    defaultErrorType: DEFAULT_ERROR_TYPE[d.name] ?? 'other',
    slot,
    flag: FLAGS[d.name] ?? 0,
  });
}

/** Every catalogue event, compiled, by name. Slots follow catalogue order. */
export const COMPILED_EVENTS: ReadonlyMap<string, CompiledEvent> = new Map(
  CATALOGUE.map((d, i) => [d.name, compileEvent(d, i)]),
);

/** Event names by slot, for the self-metrics. */
export const SLOT_NAMES: readonly string[] = CATALOGUE.map((d) => d.name);

export function compiled(name: string): CompiledEvent {
  const c = COMPILED_EVENTS.get(name);
  if (c === undefined) throw new Error(`secmon-instrumentation: ${name} is not in the catalogue`);
  return c;
}
