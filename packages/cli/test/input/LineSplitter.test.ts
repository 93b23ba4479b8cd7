import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/input/LineSplitter.js';

function collect(
  chunks: string[],
  max = 1024,
): { lines: Array<[string, number, boolean]>; oversize: Array<[number, number]> } {
  const lines: Array<[string, number, boolean]> = [];
  const oversize: Array<[number, number]> = [];
  const s = new LineSplitter(
    { line: (t, n, term) => lines.push([t, n, term]), oversize: (n, b) => oversize.push([n, b]) },
    max,
  );
  for (const c of chunks) s.push(Buffer.from(c));
  s.end();
  return { lines, oversize };
}

describe('LineSplitter', () => {
  it('should split lines across chunk boundaries with their numbers', () => {
    const { lines } = collect(['ab', 'c\nde', 'f\n\ng']);
    expect(lines).toEqual([
      ['abc', 1, true],
      ['def', 2, true],
      ['', 3, true],
      ['g', 4, false],
    ]);
  });

  it('should keep multi-byte characters split between chunks intact', () => {
    const bytes = Buffer.from('é€\n');
    const s: string[] = [];
    const splitter = new LineSplitter({ line: (t) => s.push(t), oversize: () => {} }, 100);
    for (const b of bytes) splitter.push(Buffer.from([b]));
    splitter.end();
    expect(s).toEqual(['é€']);
  });

  it('should skip a line over the limit without buffering it, and report its number and size', () => {
    const { lines, oversize } = collect(['ok\n', 'x'.repeat(30), 'y'.repeat(30), 'z\nnext\n'], 16);
    expect(oversize).toEqual([[2, 61]]);
    expect(lines).toEqual([
      ['ok', 1, true],
      ['next', 3, true],
    ]);
  });

  it('should report an oversize last line without a newline', () => {
    const { oversize } = collect(['a\n', 'b'.repeat(40)], 16);
    expect(oversize).toEqual([[2, 40]]);
  });

  it('should report a line over the limit found within one chunk', () => {
    const { lines, oversize } = collect([`${'q'.repeat(20)}\nfine\n`], 16);
    expect(oversize).toEqual([[1, 20]]);
    expect(lines).toEqual([['fine', 2, true]]);
  });
});
