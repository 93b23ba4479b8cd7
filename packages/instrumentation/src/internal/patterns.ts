// Precompiled tables and patterns for sanitising (CWE-117) and redaction (CWE-532). Everything here is
// built once at module load; the per-value path only runs `.test()` on the two fast-path patterns below and
// touches the others only when one of them matches.

/**
 * Characters that must not reach a log unescaped (EVENTS.md §8 "Log injection"): C0 controls (incl. CR, LF,
 * TAB), DEL, C1 controls (incl. NEL U+0085 and CSI U+009B), U+2028/U+2029, and bidi controls (U+061C,
 * U+200E, U+200F, U+202A–U+202E, U+2066–U+2069). ESC (U+001B) is a C0 control, so every ANSI escape
 * sequence is neutralised by escaping its ESC. Lone surrogates are found by `String#isWellFormed`.
 */
export const UNSAFE_CHARS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * Fast-path prefilters: a clean value (a route, a user agent, an id) fails both and skips every redactor;
 * a false positive only costs time. They are two patterns, not one, on purpose: measured on a 101-char user
 * agent (Node 24), the keyword test takes ~65 ns and the digit test ~55 ns, but their union in one
 * alternation ~600 ns (irregexp loses its literal-prefix scan when digit classes join the alternation).
 * Every value redactor below needs `=`, `@`, `:`, an auth scheme, a token prefix, or 4 consecutive digits.
 */
export const SECRET_HINT =
  /[=@:]|[BbDd](?:earer|asic|igest)|BEARER|BASIC|eyJ|_(?:live|test)_|gh[pousr]_|github_pat_|AKIA|xox[abprs]-|AIza/;
/** Card numbers as written (contiguous, 4-4-4-4, 4-6-5) always contain a run of 4 digits. */
export const DIGIT_HINT = /\d{4}/;

/** `scheme://user:password@` (any userinfo) → `scheme://REDACTED:REDACTED@` (OTel `url.full` rule). */
export const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/?#]{1,2048}@/gi;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `?token=abc&x=1` → `?token=REDACTED&x=1`; also `;jsessionid=...` and a bare leading `token=...`. */
export function compileQueryParamPattern(names: readonly string[]): RegExp {
  const alternatives = [...new Set(names)].map(escapeRegExp).join('|');
  return new RegExp(`((?:^|[?&;])(?:${alternatives})=)[^&#\\s]*`, 'gi');
}

/** `Bearer <token>`, `Digest <...>` auth schemes in free text. Basic is checked for base64 shape by the caller. */
export const AUTH_SCHEME = /\b(bearer|basic|digest)(\s+)([A-Za-z0-9\-._~+/]{8,}=*)/gi;

/** JSON Web Tokens (header.payload.signature, header starts with `{"` = `eyJ`). */
export const JWT = /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;

/** Well-known API key formats: Stripe, GitHub, AWS access key ids, Slack, Google. */
export const API_KEYS =
  /\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}|\bAKIA[0-9A-Z]{16}\b|\bxox[abprs]-[A-Za-z0-9-]{10,}|\bAIza[0-9A-Za-z_-]{35}/g;

/**
 * Bounded quantifiers ({0,32}, {0,256}, {1,2048}) keep every pattern linear in the value length: unbounded
 * ones backtrack quadratically on inputs such as `a.a.a.a…` (ReDoS), and these run on attacker input.
 *
 * `password=hunter2`, `"api_key": "..."`, `Cookie: sid=...`, `Authorization: Bearer x` in free text: the
 * value after a secret-looking key is replaced (after an auth scheme, if any), the key kept.
 */
export const KEY_VALUE_SECRET =
  /\b([\w.-]{0,32}?(?:passw(?:or)?d|pwd|passphrase|secret|token|api[_-]?key|apikey|authorization|cookie|session(?:[_-]?id)?|credentials?|private[_-]?key|cvv2?|cvc2?))(["']?\s*[=:]\s*)((?:bearer|basic|digest)\s+)?("[^"]{0,256}"|'[^']{0,256}'|[^\s&;,]+)/gi;

/**
 * Candidate card numbers: a run of 13 or more digits, single spaces or dashes allowed between digits, not
 * part of a longer digit run. Whether it holds a card number is decided by {@link containsPan}.
 */
export const PAN_CANDIDATE = /(?<!\d)\d(?:[ -]?\d){12,}(?!\d)/g;

/** Luhn checksum over the digits of `s` (separators ignored), for 13 to 19 digits. */
export function luhnValid(s: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    digits++;
    let d = c;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits >= 13 && digits <= 19 && sum % 10 === 0;
}

function luhnWindow(ds: string, start: number, len: number): boolean {
  let sum = 0;
  let double = false;
  for (let i = start + len - 1; i >= start; i--) {
    let d = ds.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Does a digit run hold a card number? True when any window of 13–19 consecutive digits starting with 2–6
 * (Mastercard 2-series, Amex/JCB/Diners 3, Visa 4, Mastercard 5, Discover/UnionPay 6) is Luhn-valid, so that
 * `qty 2 4111 1111 1111 1111` is caught although the whole run is not a card number. Runs of more than 64
 * digits are treated as holding one (cheaper, and such blobs carry nothing worth keeping).
 * False positives (a long numeric id) are masked too: over-masking is the safe side.
 */
export function containsPan(run: string): boolean {
  const ds = run.replace(/[ -]/g, '');
  const n = ds.length;
  if (n > 64) return true;
  for (let i = 0; i + 13 <= n; i++) {
    const first = ds.charCodeAt(i);
    if (first < 50 || first > 54) continue;
    for (let len = 13; len <= 19 && i + len <= n; len++) if (luhnWindow(ds, i, len)) return true;
  }
  return false;
}

/** Mask every digit but the last four, keeping separators: `4111 1111 1111 1111` → `**** **** **** 1111`. */
export function maskPan(s: string): string {
  let remaining = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) remaining++;
  }
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      out += remaining > 4 ? '*' : s[i];
      remaining--;
    } else {
      out += s[i];
    }
  }
  return out;
}

// --- attribute keys ------------------------------------------------------------------------------------

/** Substrings that make any key secret (low false-positive rate as substrings). */
const STRONG_SECRET_KEY =
  /passw|pwd|passphrase|secret|token|api[-_. ]?key|apikey|access[-_. ]?key|authoriz|cookie|credential|private[-_. ]?key|cvv|cvc|cvn|card[-_. ]?num|cardnumber|ssn|iban|session[-_. ]?id|sessionid|jwt|bearer|signature|otp|totp|mfa[-_. ]?code|security[-_. ]?answer|recovery[-_. ]?code/i;

/** Words that make a key secret only as a whole word (`pan` but not `company`, `pin` but not `shipping`). */
const WEAK_SECRET_WORDS: ReadonlySet<string> = new Set([
  'session',
  'sess',
  'sid',
  'pan',
  'pin',
  'card',
  'cc',
  'pass',
  'cred',
  'creds',
  'auth',
  'sig',
  'expiry',
  'exp',
  'track',
  'account',
]);

const WORD_SPLIT = /[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])/;

/** Does this attribute key name a secret? Pure; callers cache the answer per key. */
export function isSecretKey(key: string, extra: readonly RegExp[]): boolean {
  if (STRONG_SECRET_KEY.test(key)) return true;
  for (const word of key.split(WORD_SPLIT)) {
    if (WEAK_SECRET_WORDS.has(word.toLowerCase())) return true;
  }
  for (const re of extra) if (re.test(key)) return true;
  return false;
}

// --- escaping -------------------------------------------------------------------------------------------

/** Visible escape of one unsafe code unit: `\n`, `\r`, `\t`, else `\u{1b}`. */
export function escapeCodeUnit(c: number): string {
  if (c === 0x0a) return '\\n';
  if (c === 0x0d) return '\\r';
  if (c === 0x09) return '\\t';
  return `\\u{${c.toString(16)}}`;
}

/** True for code units escaped by {@link escapeCodeUnit} (surrogates are handled separately). */
export function isEscapedCodeUnit(c: number): boolean {
  return (
    c < 0x20 ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0x061c ||
    c === 0x200e ||
    c === 0x200f ||
    c === 0x2028 ||
    c === 0x2029 ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069)
  );
}
