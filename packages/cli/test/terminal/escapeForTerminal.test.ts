import { describe, expect, it } from 'vitest';
import { escapeForTerminal, terminalSafeJson } from '../../src/terminal/escapeForTerminal.js';

describe('escapeForTerminal', () => {
  it('should escape ANSI sequences, newlines and C1 controls visibly', () => {
    expect(escapeForTerminal('a\u001b[2J\u001b]0;pwned\u0007b')).toBe(
      'a\\u{001b}[2J\\u{001b}]0;pwned\\u{0007}b',
    );
    expect(escapeForTerminal('line1\nline2\r\t')).toBe('line1\\nline2\\r\\t');
    expect(escapeForTerminal('x\u009b31my')).toBe('x\\u{009b}31my');
  });

  it('should escape bidi overrides and invisible characters (Trojan Source)', () => {
    expect(escapeForTerminal('admin\u202e\u2066txt.exe\u200b')).toBe(
      'admin\\u{202e}\\u{2066}txt.exe\\u{200b}',
    );
    expect(escapeForTerminal('a\u2028b')).toBe('a\\u{2028}b');
  });

  it('should double backslashes so that escapes are unambiguous', () => {
    expect(escapeForTerminal('C:\\n')).toBe('C:\\\\n');
  });

  it('should cut long values', () => {
    const out = escapeForTerminal('x'.repeat(500), 10);
    expect(out).toHaveLength(10);
    expect(out.endsWith('…')).toBe(true);
  });

  it('should leave ordinary text alone', () => {
    expect(escapeForTerminal('Mozilla/5.0 (X11; Linux) 203.0.113.7 ünïcödé')).toBe(
      'Mozilla/5.0 (X11; Linux) 203.0.113.7 ünïcödé',
    );
  });
});

describe('terminalSafeJson', () => {
  it('should keep valid JSON with the same value while escaping what JSON.stringify leaves raw', () => {
    const value = { ua: 'a\u009b2Jb\u202ec\u2028d\u007f', esc: '\u001b[1m' };
    const json = terminalSafeJson(value);
    expect(
      [...json].some(
        (ch) => ch === '\u001b' || ch === '\u202e' || ch === '\u2028' || (ch >= '\u007f' && ch <= '\u009f'),
      ),
    ).toBe(false);
    expect(JSON.parse(json)).toEqual(value);
  });
});
