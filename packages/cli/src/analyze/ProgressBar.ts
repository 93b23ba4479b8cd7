import { formatCount } from './formatTime.js';

/** Options of a {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** Where to draw (stderr). Must be a TTY: the caller decides. */
  write: (text: string) => void;
  /** Total bytes when known (sum of file sizes), else a running count is shown. */
  totalBytes: number | undefined;
  /** Terminal width in columns. Default 80. */
  columns?: number;
  /** Nothing is drawn before this many milliseconds: small inputs finish without a bar. Default 500. */
  delayMillis?: number;
  /** Redraw period in milliseconds. Default 100. */
  intervalMillis?: number;
}

/**
 * A one-line progress bar on stderr, redrawn with `\r` on an unref'd timer so it never keeps the process
 * alive and costs nothing per record. Drawn only for runs that last longer than `delayMillis`.
 */
export class ProgressBar {
  private readonly _write: (text: string) => void;
  private readonly _total: number | undefined;
  private readonly _columns: number;
  private readonly _started = Date.now();
  private readonly _timer: NodeJS.Timeout;
  private readonly _delay: number;
  private _bytes = 0;
  private _events = 0;
  private _drawn = false;

  constructor(options: ProgressBarOptions) {
    this._write = options.write;
    this._total = options.totalBytes;
    // A pty without a size reports 0 columns: assume 80.
    this._columns = options.columns !== undefined && options.columns > 0 ? options.columns : 80;
    this._delay = options.delayMillis ?? 500;
    this._timer = setInterval(() => this._draw(), options.intervalMillis ?? 100);
    this._timer.unref();
  }

  update(bytes: number, events: number): void {
    this._bytes = bytes;
    this._events = events;
  }

  /** Stops the timer and erases the bar. */
  stop(): void {
    clearInterval(this._timer);
    if (this._drawn) this._write('\r\u001b[2K');
    this._drawn = false;
  }

  private _draw(): void {
    const elapsed = Date.now() - this._started;
    if (elapsed < this._delay) return;
    const rate = Math.round(this._events / (elapsed / 1000));
    const total = this._total !== undefined && this._total > 0 ? this._total : undefined;
    const size = total === undefined ? `${mib(this._bytes)} MiB` : `${mib(this._bytes)}/${mib(total)} MiB`;
    const right = `${size}  ${formatCount(this._events)} events  ${formatCount(rate)}/s`;
    let line: string;
    if (total !== undefined) {
      const fraction = Math.min(1, this._bytes / total);
      const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`;
      // The bar takes what the terminal width leaves, up to 40 cells; on a narrow terminal only the numbers.
      const width = Math.min(40, this._columns - 1 - right.length - percent.length - 5);
      const filled = Math.floor(fraction * Math.max(width, 0));
      line =
        width >= 10
          ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}  ${right}`
          : `${percent}  ${right}`;
    } else {
      line = `reading  ${right}`;
    }
    this._write(`\r${line.slice(0, this._columns - 1)}\u001b[K`);
    this._drawn = true;
  }
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
