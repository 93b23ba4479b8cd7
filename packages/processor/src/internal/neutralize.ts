// CR, LF, other C0 controls, DEL, C1 controls, U+2028/2029 and bidi overrides (EVENTS.md §8, CWE-117).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Escapes control and bidi characters visibly (`\n`, `\u{1b}`) and caps the length: for the few untrusted
 * strings the processor itself writes (the block-list middleware's `url.path`, alert texts in Slack and email).
 */
export function neutralize(value: string, maxLength = 1024): string {
  const escaped = value.replace(UNSAFE, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return `\\u{${(ch.codePointAt(0) as number).toString(16)}}`;
  });
  return escaped.length > maxLength ? `${escaped.slice(0, maxLength)}…` : escaped;
}
