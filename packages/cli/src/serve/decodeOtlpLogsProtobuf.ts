// A reader for exactly one protobuf message family: opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest
// (opentelemetry-proto v1.x, logs/v1/logs.proto and common/v1/common.proto). It walks the bytes once and builds
// LogEvents directly, without an intermediate object tree, which is what makes `serve` cheap per record.
// Unknown fields are skipped as protobuf requires, so newer producers still decode.
import type { AttributeValue, Attributes, LogEvent } from '../input/LogEvent.js';
import type { OtlpWalkCounts } from '../input/otlpJson.js';
import { LEGACY_EVENT_NAME_ATTRIBUTE } from '../input/otlpJson.js';

/** The body is not a valid ExportLogsServiceRequest. */
export class ProtobufDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufDecodeError';
  }
}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
const TWO_32 = 4294967296;

/** Maximum nesting of AnyValue arrays/kvlists: deeper input is refused rather than recursed into. */
const MAX_DEPTH = 32;

class Reader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Buffer, pos: number, end: number) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /** A varint up to 64 bits as a JS number: exact below 2^53; int64 negatives are two's complement. */
  varint(): number {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let b: number;
    let i = 0;
    // Bytes 0-3 carry bits 0-27, byte 4 straddles the 32-bit boundary, bytes 5-9 carry bits 35-63.
    for (; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufDecodeError('truncated varint');
      b = buf[this.pos++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if ((b & 0x80) === 0) break;
    }
    if (i === 10) throw new ProtobufDecodeError('varint longer than 10 bytes');
    lo >>>= 0;
    hi >>>= 0;
    if (hi < 0x80000000) return hi * TWO_32 + lo;
    // Negative int64: the value is -(~x + 1).
    let nlo = (~lo >>> 0) + 1;
    let nhi = ~hi >>> 0;
    if (nlo === TWO_32) {
      nlo = 0;
      nhi += 1;
    }
    return -(nhi * TWO_32 + nlo);
  }

  fixed64(): number {
    if (this.pos + 8 > this.end) throw new ProtobufDecodeError('truncated fixed64');
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    return hi * TWO_32 + lo;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new ProtobufDecodeError('truncated double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Length of a length-delimited field; checks it fits. */
  len(): number {
    const n = this.varint();
    if (n < 0 || this.pos + n > this.end)
      throw new ProtobufDecodeError('length-delimited field runs past its message');
    return n;
  }

  string(): string {
    const n = this.len();
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  hex(): string {
    const n = this.len();
    const s = this.buf.toString('hex', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_I64:
        this.pos += 8;
        break;
      case WIRE_LEN: {
        const n = this.len();
        this.pos += n;
        return;
      }
      case WIRE_I32:
        this.pos += 4;
        break;
      default:
        throw new ProtobufDecodeError(`unsupported wire type ${wire}`);
    }
    if (this.pos > this.end) throw new ProtobufDecodeError('truncated field');
  }
}

function anyValue(r: Reader, end: number, depth: number): AttributeValue | undefined {
  if (depth > MAX_DEPTH) throw new ProtobufDecodeError('AnyValue nested too deeply');
  let value: AttributeValue | undefined;
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === WIRE_LEN) value = r.string();
    else if (field === 2 && wire === WIRE_VARINT) value = r.varint() !== 0;
    else if (field === 3 && wire === WIRE_VARINT) value = r.varint();
    else if (field === 4 && wire === WIRE_I64) value = r.double();
    else if (field === 5 && wire === WIRE_LEN) {
      const n = r.len();
      const stop = r.pos + n;
      const out: Array<string | number | boolean | null> = [];
      while (r.pos < stop) {
        const t = r.varint();
        if (t >>> 3 === 1 && (t & 7) === WIRE_LEN) {
          const m = r.len();
          const x = anyValue(r, r.pos + m, depth + 1);
          out.push(x === undefined ? null : typeof x === 'object' ? JSON.stringify(x) : x);
        } else r.skip(t & 7);
      }
      value = out;
    } else if (field === 6 && wire === WIRE_LEN) {
      const n = r.len();
      const obj: Record<string, unknown> = {};
      keyValues(r, r.pos + n, depth + 1, obj);
      value = JSON.stringify(obj);
    } else if (field === 7 && wire === WIRE_LEN) {
      const n = r.len();
      value = r.buf.toString('base64', r.pos, r.pos + n);
      r.pos += n;
    } else r.skip(wire);
  }
  r.pos = end;
  return value;
}

/** `repeated KeyValue` entries (field 1) of the message ending at `end`, added to `out`. */
function keyValues(r: Reader, end: number, depth: number, out: Record<string, unknown>): void {
  while (r.pos < end) {
    const tag = r.varint();
    if (tag >>> 3 === 1 && (tag & 7) === WIRE_LEN) {
      const n = r.len();
      keyValue(r, r.pos + n, depth, out);
    } else r.skip(tag & 7);
  }
}

function keyValue(r: Reader, end: number, depth: number, out: Record<string, unknown>): void {
  let key: string | undefined;
  let value: AttributeValue | undefined;
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WIRE_LEN) key = r.string();
    else if (field === 2 && (tag & 7) === WIRE_LEN) {
      const n = r.len();
      value = anyValue(r, r.pos + n, depth);
    } else r.skip(tag & 7);
  }
  r.pos = end;
  if (key !== undefined && value !== undefined) out[key] = value;
}

function resource(r: Reader, end: number): Attributes {
  const out: Attributes = {};
  while (r.pos < end) {
    const tag = r.varint();
    if (tag >>> 3 === 1 && (tag & 7) === WIRE_LEN) {
      const n = r.len();
      keyValue(r, r.pos + n, 0, out);
    } else r.skip(tag & 7);
  }
  r.pos = end;
  return out;
}

function logRecord(
  r: Reader,
  end: number,
  res: Attributes,
  counts: OtlpWalkCounts,
  emit: (event: LogEvent) => void,
): void {
  let time = 0;
  let observed = 0;
  let severity = 0;
  let eventName = '';
  let traceId = '';
  let spanId = '';
  const attributes: Attributes = {};
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === WIRE_I64) time = r.fixed64();
    else if (field === 11 && wire === WIRE_I64) observed = r.fixed64();
    else if (field === 2 && wire === WIRE_VARINT) severity = r.varint();
    else if (field === 6 && wire === WIRE_LEN) {
      const n = r.len();
      keyValue(r, r.pos + n, 0, attributes);
    } else if (field === 12 && wire === WIRE_LEN) eventName = r.string();
    else if (field === 9 && wire === WIRE_LEN) traceId = r.hex();
    else if (field === 10 && wire === WIRE_LEN) spanId = r.hex();
    else r.skip(wire);
  }
  r.pos = end;
  counts.records++;
  if (eventName === '') {
    const legacy = attributes[LEGACY_EVENT_NAME_ATTRIBUTE];
    if (typeof legacy === 'string') eventName = legacy;
  }
  if (eventName === '') {
    counts.unnamed++;
    return;
  }
  if (time === 0) time = observed;
  if (time === 0) {
    counts.untimed++;
    return;
  }
  const event: LogEvent = { eventName, timeUnixNano: time, attributes, resource: res };
  if (severity !== 0) event.severityNumber = severity;
  if (traceId !== '' && !/^0+$/.test(traceId)) event.traceId = traceId;
  if (spanId !== '' && !/^0+$/.test(spanId)) event.spanId = spanId;
  const uid = attributes['log.record.uid'];
  if (typeof uid === 'string') event.recordUid = uid;
  emit(event);
}

/**
 * Decodes a protobuf ExportLogsServiceRequest and hands each named, timed log record to `emit`, exactly as
 * `walkExportLogsRequest` does for OTLP/JSON. Throws {@link ProtobufDecodeError} on malformed bytes.
 */
export function decodeOtlpLogsProtobuf(body: Buffer, emit: (event: LogEvent) => void): OtlpWalkCounts {
  const counts: OtlpWalkCounts = { records: 0, unnamed: 0, untimed: 0 };
  const r = new Reader(body, 0, body.length);
  try {
    while (r.pos < r.end) {
      const tag = r.varint();
      if (tag >>> 3 !== 1 || (tag & 7) !== WIRE_LEN) {
        r.skip(tag & 7);
        continue;
      }
      const rlLength = r.len();
      const rlEnd = r.pos + rlLength;
      let res: Attributes = {};
      // ScopeLogs may precede Resource on the wire; hold their positions until the resource is known.
      const scopes: Array<[number, number]> = [];
      while (r.pos < rlEnd) {
        const t = r.varint();
        const f = t >>> 3;
        if (f === 1 && (t & 7) === WIRE_LEN) {
          const n = r.len();
          res = resource(r, r.pos + n);
        } else if (f === 2 && (t & 7) === WIRE_LEN) {
          const n = r.len();
          scopes.push([r.pos, r.pos + n]);
          r.pos += n;
        } else r.skip(t & 7);
      }
      for (const [start, stop] of scopes) {
        r.pos = start;
        while (r.pos < stop) {
          const t = r.varint();
          if (t >>> 3 === 2 && (t & 7) === WIRE_LEN) {
            const n = r.len();
            logRecord(r, r.pos + n, res, counts, emit);
          } else r.skip(t & 7);
        }
      }
      r.pos = rlEnd;
    }
  } catch (err) {
    if (err instanceof ProtobufDecodeError) throw err;
    throw new ProtobufDecodeError(`malformed protobuf: ${(err as Error).message}`);
  }
  return counts;
}
