/** Receives the lines of one input, in order. */
export interface LineSink {
  /**
   * One line without its `\n` (a trailing `\r` is left: JSON.parse treats it as whitespace). `terminated` is
   * false for a last line that had no newline, which is how a file cut mid-write looks.
   */
  line(text: string, lineNumber: number, terminated: boolean): void;
  /** A line longer than the limit: skipped without being buffered, reported with its number and size. */
  oversize(lineNumber: number, bytes: number): void;
}

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into UTF-8 lines without ever holding more than one line (capped at `maxLineBytes`)
 * plus the current chunk. `Buffer.indexOf` finds newlines in native code; this is the same work a parse-only
 * loop does, so the splitter costs nothing the anchor does not.
 */
export class LineSplitter {
  private readonly _sink: LineSink;
  private readonly _maxLineBytes: number;
  private _pending: Buffer[] = [];
  private _pendingBytes = 0;
  private _skipping = false;
  private _skippedBytes = 0;
  private _lineNumber = 0;

  constructor(sink: LineSink, maxLineBytes: number) {
    this._sink = sink;
    this._maxLineBytes = maxLineBytes;
  }

  /** Number of lines seen so far (complete or not). */
  get lineCount(): number {
    return this._lineNumber;
  }

  push(chunk: Buffer): void {
    const max = this._maxLineBytes;
    const sink = this._sink;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) break;
      const lineNumber = ++this._lineNumber;
      if (this._skipping) {
        sink.oversize(lineNumber, this._skippedBytes + nl - start);
        this._skipping = false;
        this._skippedBytes = 0;
      } else if (this._pendingBytes > 0) {
        const bytes = this._pendingBytes + nl - start;
        if (bytes > max) {
          sink.oversize(lineNumber, bytes);
        } else {
          this._pending.push(chunk.subarray(start, nl));
          sink.line(Buffer.concat(this._pending, bytes).toString('utf8'), lineNumber, true);
        }
        this._pending = [];
        this._pendingBytes = 0;
      } else if (nl - start > max) {
        sink.oversize(lineNumber, nl - start);
      } else {
        sink.line(chunk.toString('utf8', start, nl), lineNumber, true);
      }
      start = nl + 1;
    }
    if (start >= chunk.length) return;
    const rest = chunk.length - start;
    if (this._skipping) {
      this._skippedBytes += rest;
    } else if (this._pendingBytes + rest > max) {
      // Too long already: drop what we hold and skip to the next newline instead of buffering a huge line.
      this._skipping = true;
      this._skippedBytes = this._pendingBytes + rest;
      this._pending = [];
      this._pendingBytes = 0;
    } else {
      // Copy: the caller may reuse the chunk's memory (zlib output buffers are recycled).
      this._pending.push(Buffer.from(chunk.subarray(start)));
      this._pendingBytes += rest;
    }
  }

  /** Flushes a last line that had no newline. */
  end(): void {
    if (this._skipping) {
      this._sink.oversize(++this._lineNumber, this._skippedBytes);
    } else if (this._pendingBytes > 0) {
      const text = Buffer.concat(this._pending, this._pendingBytes).toString('utf8');
      this._sink.line(text, ++this._lineNumber, false);
    }
    this._skipping = false;
    this._skippedBytes = 0;
    this._pending = [];
    this._pendingBytes = 0;
  }
}
