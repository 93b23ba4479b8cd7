import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressBar } from '../../src/analyze/ProgressBar.js';

describe('ProgressBar', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('should draw nothing before the delay, so small inputs finish without a bar', () => {
    const out: string[] = [];
    const bar = new ProgressBar({
      write: (t) => out.push(t),
      totalBytes: 100,
      delayMillis: 500,
      intervalMillis: 100,
    });
    bar.update(50, 10);
    vi.advanceTimersByTime(400);
    bar.stop();
    expect(out).toEqual([]);
  });

  it('should redraw one line in place with the share read, and erase it on stop', () => {
    const out: string[] = [];
    const bar = new ProgressBar({
      write: (t) => out.push(t),
      totalBytes: 4 * 1024 * 1024,
      columns: 100,
      delayMillis: 0,
      intervalMillis: 100,
    });
    bar.update(1024 * 1024, 25_000);
    vi.advanceTimersByTime(1000);
    const last = out.at(-1)!;
    expect(last.startsWith('\r[')).toBe(true);
    expect(last).toContain(' 25%  1.0/4.0 MiB  25,000 events');
    expect(last.endsWith('\u001b[K')).toBe(true);
    expect(last.length - '\r\u001b[K'.length).toBeLessThan(100);
    bar.stop();
    expect(out.at(-1)).toBe('\r\u001b[2K');
  });

  it('should fit a narrow terminal by dropping the bar, and show a count when the size is unknown', () => {
    const narrow: string[] = [];
    const a = new ProgressBar({ write: (t) => narrow.push(t), totalBytes: 100, columns: 40, delayMillis: 0 });
    a.update(10, 5);
    vi.advanceTimersByTime(200);
    a.stop();
    expect(narrow[0]).toMatch(/^\r {1}10% {2}0\.0\/0\.0 MiB {2}5 events/);
    const stdin: string[] = [];
    const b = new ProgressBar({ write: (t) => stdin.push(t), totalBytes: undefined, delayMillis: 0 });
    b.update(3 * 1024 * 1024, 7);
    vi.advanceTimersByTime(200);
    b.stop();
    expect(stdin[0]).toMatch(/^\rreading {2}3\.0 MiB {2}7 events/);
  });
});
