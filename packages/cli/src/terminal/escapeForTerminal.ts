// Strings read from logs are attacker-controlled (a user agent, a login name, a route). Printed raw to a
// terminal they can move the cursor, rewrite earlier lines, change the window title or reorder text with bidi
// overrides (CVE-2021-42574 "Trojan Source"). Everything from the input goes through here before it is printed.

// C0 controls, DEL, C1 controls (U+009B is a one-character CSI on some terminals), line/paragraph separators,
// bidi embeddings/overrides/isolates and marks, and the BOM/zero-width characters that hide text.
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point of this pattern
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\\]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

function replace(ch: string): string {
  return NAMED[ch] ?? `\\u{${ch.codePointAt(0)!.toString(16).padStart(4, '0')}}`;
}

/**
 * Makes an untrusted string safe to print on a terminal: control characters, bidi controls and invisible
 * characters are escaped visibly (`\n`, `\u{001b}`), backslashes are doubled so the escaping is unambiguous,
 * and the result is cut to `maxLength` characters with a trailing `…`.
 */
export function escapeForTerminal(value: string, maxLength = 200): string {
  const escaped = value.replace(UNSAFE, replace);
  return escaped.length > maxLength ? `${escaped.slice(0, maxLength - 1)}…` : escaped;
}

// Characters JSON.stringify leaves raw but a terminal may still act on: DEL, C1, separators, bidi controls.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function jsonEscape(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `JSON.stringify` escapes C0 controls but leaves DEL, C1, U+2028/2029 and bidi controls raw. This escapes them
 * too, as `\uXXXX`, which keeps the line valid JSON with the same value.
 */
export function terminalSafeJson(value: unknown): string {
  const json = JSON.stringify(value);
  JSON_UNSAFE.lastIndex = 0;
  return JSON_UNSAFE.test(json) ? json.replace(JSON_UNSAFE, jsonEscape) : json;
}
