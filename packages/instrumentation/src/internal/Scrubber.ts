import {
  API_KEYS,
  AUTH_SCHEME,
  DIGIT_HINT,
  JWT,
  KEY_VALUE_SECRET,
  PAN_CANDIDATE,
  SECRET_HINT,
  UNSAFE_CHARS,
  URL_CREDENTIALS,
  compileQueryParamPattern,
  containsPan,
  escapeCodeUnit,
  isEscapedCodeUnit,
  isSecretKey,
  maskPan,
} from './patterns.js';

/** Why a value was changed while sanitising; one self-metric series each. */
export const SANITIZE_REASONS = [
  'control_chars',
  'invalid_unicode',
  'truncated',
  'coerced',
  'invalid_type',
] as const;
export type SanitizeReason = (typeof SANITIZE_REASONS)[number];

/** Why a value was redacted; one self-metric series each. */
export const REDACT_REASONS = [
  'secret_key',
  'card_number',
  'auth_scheme',
  'jwt',
  'api_key',
  'url_credentials',
  'query_param',
  'key_value',
  'custom_pattern',
] as const;
export type RedactReason = (typeof REDACT_REASONS)[number];

/** The replacement for a redacted value. */
export const REDACTED = 'REDACTED';

const SANITIZE_INDEX: Readonly<Record<SanitizeReason, number>> = Object.freeze(
  Object.fromEntries(SANITIZE_REASONS.map((r, i) => [r, i])) as Record<SanitizeReason, number>,
);
const REDACT_INDEX: Readonly<Record<RedactReason, number>> = Object.freeze(
  Object.fromEntries(REDACT_REASONS.map((r, i) => [r, i])) as Record<RedactReason, number>,
);

interface WellFormedString {
  isWellFormed(): boolean;
}

/** Resolved configuration of a {@link Scrubber}. */
export interface ScrubberConfig {
  readonly redact: boolean;
  readonly sensitiveQueryParams: readonly string[];
  readonly sensitiveKeys: readonly RegExp[];
  readonly redactPatterns: readonly RegExp[];
}

const KEY_CACHE_MAX = 4096;

/**
 * Sanitises (CWE-117) and redacts (CWE-532) untrusted values. One instance per SecurityEvents; counters are
 * plain numbers read by the self-metrics callbacks, and `recordSanitized`/`recordRedacted` count what
 * happened to the record being built (reset by the caller per event).
 */
export class Scrubber {
  /** Totals per {@link SANITIZE_REASONS} index. */
  readonly sanitized: number[] = SANITIZE_REASONS.map(() => 0);
  /** Totals per {@link REDACT_REASONS} index. */
  readonly redacted: number[] = REDACT_REASONS.map(() => 0);
  recordSanitized = 0;
  recordRedacted = 0;

  private readonly _redact: boolean;
  private readonly _query: RegExp;
  private readonly _sensitiveKeys: readonly RegExp[];
  private readonly _patterns: readonly RegExp[];
  private readonly _keyCache = new Map<string, boolean>();

  constructor(config: ScrubberConfig) {
    this._redact = config.redact;
    this._query = compileQueryParamPattern(config.sensitiveQueryParams);
    this._sensitiveKeys = config.sensitiveKeys;
    this._patterns = config.redactPatterns.map(
      (re) => new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`),
    );
    // Bound once: String#replace callbacks, not closures created per value.
    this._onUrlCredentials = this._onUrlCredentials.bind(this);
    this._onQuery = this._onQuery.bind(this);
    this._onAuthScheme = this._onAuthScheme.bind(this);
    this._onJwt = this._onJwt.bind(this);
    this._onApiKey = this._onApiKey.bind(this);
    this._onKeyValue = this._onKeyValue.bind(this);
    this._onPan = this._onPan.bind(this);
    this._onCustom = this._onCustom.bind(this);
  }

  countSanitized(reason: SanitizeReason): void {
    this.sanitized[SANITIZE_INDEX[reason]]!++;
    this.recordSanitized++;
  }

  countRedacted(reason: RedactReason, n = 1): void {
    this.redacted[REDACT_INDEX[reason]]! += n;
    this.recordRedacted += n;
  }

  /** Is this (user-supplied) attribute key a secret? Cached per key; keys are low-cardinality constants. */
  isSecretKey(key: string): boolean {
    if (!this._redact) return false;
    let hit = this._keyCache.get(key);
    if (hit === undefined) {
      hit = isSecretKey(key, this._sensitiveKeys);
      if (this._keyCache.size >= KEY_CACHE_MAX) this._keyCache.clear();
      this._keyCache.set(key, hit);
    }
    return hit;
  }

  /**
   * The full pipeline for one untrusted string: bound the work, redact secrets in the value, escape unsafe
   * characters visibly, repair lone surrogates, cap the length. Clean strings return unchanged after three
   * regex tests and one native well-formedness check.
   */
  scrub(value: string, maxLength: number): string {
    let s = value;
    // Bound the regex work on huge values. The final cap below is at most maxLength output characters, which
    // come from at most maxLength input characters, so nothing past 4x is ever visible; the trailing digits
    // are dropped so that a card number cut in half cannot escape the Luhn check and survive.
    const hardCap = maxLength * 4 + 64;
    if (s.length > hardCap) {
      s = `${cutHard(s, hardCap)}…`;
      this.countSanitized('truncated');
    }
    if (this._redact) {
      if (SECRET_HINT.test(s) || DIGIT_HINT.test(s) || this._patterns.length > 0) s = this._redactValue(s);
    }
    if (UNSAFE_CHARS.test(s) || !(s as unknown as WellFormedString).isWellFormed()) s = this._escape(s);
    if (s.length > maxLength) {
      s = truncate(s, maxLength);
      this.countSanitized('truncated');
    }
    return s;
  }

  /** Mask a number that holds a Luhn-valid card number (e.g. `{ ref: 4111111111111111 }`); else return it. */
  scrubNumber(n: number): number | string {
    if (this.isPanNumber(n)) {
      this.countRedacted('card_number');
      return maskPan(String(n));
    }
    return n;
  }

  /** True for integers of 13+ digits that hold a card number (for numeric fields, which cannot be masked). */
  isPanNumber(n: number): boolean {
    return this._redact && n >= 1e12 && Number.isSafeInteger(n) && containsPan(String(n));
  }

  private _redactValue(input: string): string {
    let s = input;
    if (s.includes('@')) s = s.replace(URL_CREDENTIALS, this._onUrlCredentials);
    if (s.includes('=')) s = s.replace(this._query, this._onQuery);
    s = s.replace(AUTH_SCHEME, this._onAuthScheme);
    if (s.includes('eyJ')) s = s.replace(JWT, this._onJwt);
    s = s.replace(API_KEYS, this._onApiKey);
    if (s.includes('=') || s.includes(':')) s = s.replace(KEY_VALUE_SECRET, this._onKeyValue);
    if (DIGIT_HINT.test(s)) s = s.replace(PAN_CANDIDATE, this._onPan);
    for (const re of this._patterns) s = s.replace(re, this._onCustom);
    return s;
  }

  private _onUrlCredentials(_match: string, scheme: string): string {
    this.countRedacted('url_credentials');
    return `${scheme}${REDACTED}:${REDACTED}@`;
  }

  private _onQuery(match: string, prefix: string): string {
    if (match.length === prefix.length || match.endsWith(REDACTED)) return match;
    this.countRedacted('query_param');
    return prefix + REDACTED;
  }

  private _onAuthScheme(match: string, scheme: string, space: string, credentials: string): string {
    // "Basic authentication failed" is prose, "Basic dXNlcjpwYXNz" is a credential: Basic needs base64 shape.
    if (
      scheme.toLowerCase() === 'basic' &&
      (credentials.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(credentials))
    ) {
      return match;
    }
    if (credentials === REDACTED) return match;
    this.countRedacted('auth_scheme');
    return scheme + space + REDACTED;
  }

  private _onJwt(): string {
    this.countRedacted('jwt');
    return REDACTED;
  }

  private _onApiKey(): string {
    this.countRedacted('api_key');
    return REDACTED;
  }

  private _onKeyValue(
    match: string,
    key: string,
    separator: string,
    scheme: string | undefined,
    value: string,
  ): string {
    if (value === REDACTED || value === `"${REDACTED}"` || value === `'${REDACTED}'`) return match;
    this.countRedacted('key_value');
    return key + separator + (scheme ?? '') + REDACTED;
  }

  private _onPan(match: string): string {
    if (!containsPan(match)) return match;
    this.countRedacted('card_number');
    return maskPan(match);
  }

  private _onCustom(): string {
    this.countRedacted('custom_pattern');
    return REDACTED;
  }

  /** Escape unsafe code units visibly and replace lone surrogates with U+FFFD. */
  private _escape(s: string): string {
    let out = '';
    let last = 0;
    let escaped = false;
    let repaired = false;
    const len = s.length;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdfff) {
        if (c <= 0xdbff && i + 1 < len) {
          const d = s.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) {
            i++;
            continue;
          }
        }
        out += s.slice(last, i) + '\ufffd';
        last = i + 1;
        repaired = true;
      } else if (isEscapedCodeUnit(c)) {
        out += s.slice(last, i) + escapeCodeUnit(c);
        last = i + 1;
        escaped = true;
      }
    }
    if (escaped) this.countSanitized('control_chars');
    if (repaired) this.countSanitized('invalid_unicode');
    return last === 0 ? s : out + s.slice(last);
  }
}

/**
 * Cut a huge value before any regex runs, then drop the trailing partial word and any trailing digits,
 * spaces and dashes: a token or card number cut in half would no longer match its redactor. A backward loop,
 * not `/\S*$/`, which is quadratic on long runs without whitespace.
 */
function cutHard(value: string, n: number): string {
  const s = value.slice(0, n);
  let end = s.length;
  while (end > 0 && !isSpace(s.charCodeAt(end - 1))) end--;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if ((c >= 48 && c <= 57) || c === 32 || c === 45) end--;
    else break;
  }
  return s.slice(0, end);
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x2028 || c === 0x2029;
}

/** Cut to `max` characters including a trailing `…`, never splitting a surrogate pair. */
function truncate(s: string, max: number): string {
  let end = Math.max(0, max - 1);
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}
