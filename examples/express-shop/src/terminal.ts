// Printing attacker-controlled text to a terminal safely. Used by the shop's console alert action and by the
// demo runner (scripts/demo.mjs), so both print the same way.

// C0 controls (incl. ESC, CR, LF), DEL, C1 controls (incl. 8-bit CSI U+009B and NEL U+0085), line and
// paragraph separators, bidi marks, embeddings, overrides and isolates, and the backslash itself (so escapes
// stay unambiguous: a literal "\n" in the input prints as "\\n", a real newline as "\n").
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\\]/g;

/**
 * Makes a value safe to print: every character a terminal would interpret (escape sequences, line breaks,
 * bidi reordering) is shown escaped instead, and the result is cut to `max` characters.
 */
export function safe(value: unknown, max = 120): string {
  let s = String(value ?? '');
  if (s.length > max) s = `${s.slice(0, max)}…`;
  return s.replace(UNSAFE, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`;
  });
}
