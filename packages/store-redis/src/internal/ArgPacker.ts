/**
 * Packs the observations of a script call into one binary argument (layout in scripts.ts): one argument to
 * serialise and for Redis to parse instead of four to six per observation, where the per-argument work of
 * ioredis and of the server dominated the cost of a small state update. One packer per store, reused: `take()`
 * copies the bytes out, so the pipeline keeps its own.
 */
export class ArgPacker {
  private _buf = Buffer.allocUnsafe(64 * 1024);
  private _len = 0;

  reset(): void {
    this._len = 0;
  }

  u8(v: number): void {
    this._ensure(1);
    this._buf[this._len++] = v;
  }

  u32(v: number): void {
    this._ensure(4);
    this._buf.writeUInt32LE(v, this._len);
    this._len += 4;
  }

  i32(v: number): void {
    this._ensure(4);
    this._buf.writeInt32LE(v, this._len);
    this._len += 4;
  }

  f64(v: number): void {
    this._ensure(8);
    this._buf.writeDoubleLE(v, this._len);
    this._len += 8;
  }

  /** A length-prefixed UTF-8 string. */
  str(s: string): void {
    const at = this.begin();
    this.raw(s);
    this.end(at);
  }

  /** Starts a length-prefixed string written in pieces with `raw()`; returns what `end()` needs. */
  begin(): number {
    this._ensure(4);
    const at = this._len;
    this._len += 4;
    return at;
  }

  raw(s: string): void {
    this._ensure(s.length * 3);
    this._len += this._buf.write(s, this._len, 'utf8');
  }

  end(at: number): void {
    this._buf.writeUInt32LE(this._len - at - 4, at);
  }

  take(): Buffer {
    return Buffer.from(this._buf.subarray(0, this._len));
  }

  private _ensure(n: number): void {
    if (this._len + n <= this._buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this._buf.length * 2, this._len + n));
    this._buf.copy(next, 0, 0, this._len);
    this._buf = next;
  }
}
