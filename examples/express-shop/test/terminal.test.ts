import { describe, expect, it } from 'vitest';
import { safe } from '../src/terminal.js';

describe('safe (terminal output)', () => {
  it('should show control characters, ANSI escapes and bidi overrides escaped', () => {
    const printed = safe('a\r\nb\u001b[2Jc\u0085d\u009be\u202ef\u2028g\u200eh');
    expect(printed).toBe('a\\r\\nb\\u{1b}[2Jc\\u{85}d\\u{9b}e\\u{202e}f\\u{2028}g\\u{200e}h');
    // eslint-disable-next-line no-control-regex -- asserting their absence
    expect(printed).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  });

  it('should escape backslashes so a typed "\\n" cannot pass for an escaped newline', () => {
    expect(safe('a\\nb')).toBe('a\\\\nb');
  });

  it('should cap the length', () => {
    expect(safe('x'.repeat(500), 10)).toBe(`${'x'.repeat(10)}…`);
  });
});
