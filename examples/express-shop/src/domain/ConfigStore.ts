/** One configuration entry: which values are valid, and whether the value is a secret (never logged). */
interface ConfigEntry {
  value: string;
  readonly secret: boolean;
  readonly valid: (value: string) => boolean;
}

export type ConfigUpdate =
  | { ok: true; key: string; secret: boolean; previous: string; current: string }
  | { ok: false; reason: 'unknown_key' | 'invalid_value' };

/** The configuration entries and their defaults. */
const ENTRIES: readonly (readonly [string, ConfigEntry])[] = [
  ['payments.max_amount_cents', { value: '50000', secret: false, valid: (v) => /^\d{1,7}$/.test(v) }],
  ['shop.maintenance_mode', { value: 'false', secret: false, valid: (v) => v === 'true' || v === 'false' }],
  ['security.session_ttl_minutes', { value: '30', secret: false, valid: (v) => /^\d{1,4}$/.test(v) }],
  [
    'payments.gateway_api_key',
    { value: 'sk_test_demo', secret: true, valid: (v) => /^[\w-]{8,128}$/.test(v) },
  ],
];

/**
 * Keys whose values may appear in `config.change` events (`configValueKeys` of SecurityEvents): every key
 * that is not a secret. Values of the others are never logged.
 */
export const CONFIG_KEYS_WITH_LOGGABLE_VALUES: readonly string[] = ENTRIES.filter(([, e]) => !e.secret).map(
  ([k]) => k,
);

/** The shop's runtime configuration, changeable by admins. */
export class ConfigStore {
  private readonly _entries = new Map<string, ConfigEntry>(ENTRIES.map(([k, e]) => [k, { ...e }]));

  /** The configuration as an admin may read it: secrets masked. */
  snapshot(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, entry] of this._entries) out[key] = entry.secret ? '********' : entry.value;
    return out;
  }

  get(key: string): string | undefined {
    return this._entries.get(key)?.value;
  }

  set(key: string, value: string): ConfigUpdate {
    const entry = this._entries.get(key);
    if (!entry) return { ok: false, reason: 'unknown_key' };
    if (!entry.valid(value)) return { ok: false, reason: 'invalid_value' };
    const previous = entry.value;
    entry.value = value;
    return { ok: true, key, secret: entry.secret, previous, current: value };
  }
}
