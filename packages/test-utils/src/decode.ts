// Decoding of OTLP/HTTP export requests (protobuf or JSON) into plain objects, and flattening into the
// CapturedLogRecord / CapturedSpan shapes. Both encodings go through one normaliser so that tests see the
// same values whatever the exporter used.
import { otlpTypes } from './internal/otlpProtos.js';
import type { CapturedLogRecord, CapturedScope, CapturedSpan } from './types.js';

type Obj = Record<string, unknown>;

/** The OTLP content types the server accepts. */
export type OtlpEncoding = 'protobuf' | 'json';

/** Which encoding a Content-Type header names; `undefined` for anything else. */
export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct === 'application/x-protobuf' || ct === 'application/protobuf') return 'protobuf';
  if (ct === 'application/json') return 'json';
  return undefined;
}

function decodeWith(
  kind: 'logsRequest' | 'traceRequest' | 'metricsRequest',
  buf: Uint8Array,
  contentType: string,
): Obj {
  const encoding = otlpEncodingOf(contentType);
  if (encoding === 'json') {
    const parsed: unknown = JSON.parse(Buffer.from(buf).toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new TypeError('OTLP/JSON body is not an object');
    }
    return parsed as Obj;
  }
  if (encoding === 'protobuf') {
    const type = otlpTypes()[kind];
    // longs as decimal strings (nanosecond timestamps exceed 2^53); bytes stay Uint8Array, turned into hex below.
    return type.toObject(type.decode(buf), {
      longs: String,
      enums: Number,
      defaults: false,
      arrays: true,
    }) as Obj;
  }
  throw new TypeError(`unsupported OTLP content type: ${contentType}`);
}

/** Decode an `ExportLogsServiceRequest` body (protobuf or JSON, already decompressed) into a plain object. */
export function decodeExportLogsServiceRequest(buf: Uint8Array, contentType: string): Obj {
  return decodeWith('logsRequest', buf, contentType);
}

/** Decode an `ExportTraceServiceRequest` body into a plain object. */
export function decodeExportTraceServiceRequest(buf: Uint8Array, contentType: string): Obj {
  return decodeWith('traceRequest', buf, contentType);
}

/** Decode an `ExportMetricsServiceRequest` body into a plain object (int64 as strings, bytes as Uint8Array). */
export function decodeExportMetricsServiceRequest(buf: Uint8Array, contentType: string): Obj {
  return decodeWith('metricsRequest', buf, contentType);
}

// ---------------------------------------------------------------------------------------------------------

function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? (v as Obj[]) : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') return Number(v);
  return 0;
}

/** int64 as a JS number when it is exact, else the decimal string. */
function int64(v: unknown): number | string {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) {
    // protobufjs Long-like object, should not happen with `longs: String` but JSON producers may send it.
    const l = v as { low: number; high: number };
    return l.high * 2 ** 32 + (l.low >>> 0);
  }
  return 0;
}

function nanos(v: unknown): string {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v)).toString();
  return '0';
}

/**
 * Trace and span ids: protobuf gives bytes; OTLP/JSON gives hex (the spec) or, from some producers, base64.
 * Empty ids (no parent, no context) become `undefined`.
 */
export function idToHex(v: unknown): string | undefined {
  if (v instanceof Uint8Array) return v.length === 0 ? undefined : Buffer.from(v).toString('hex');
  if (typeof v !== 'string' || v === '') return undefined;
  if (/^[0-9a-fA-F]+$/.test(v) && (v.length === 32 || v.length === 16)) return v.toLowerCase();
  const b = Buffer.from(v, 'base64');
  return b.length === 0 ? undefined : b.toString('hex');
}

/** Decode an OTLP AnyValue (either encoding) into a plain JS value. */
export function anyValueToJs(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return undefined;
  const o = v as Obj;
  if ('stringValue' in o) return str(o['stringValue']) ?? '';
  if ('boolValue' in o) return o['boolValue'] === true;
  if ('intValue' in o) return int64(o['intValue']);
  if ('doubleValue' in o) return num(o['doubleValue']);
  if ('arrayValue' in o) return arr((o['arrayValue'] as Obj | undefined)?.['values']).map(anyValueToJs);
  if ('kvlistValue' in o) return keyValuesToObject((o['kvlistValue'] as Obj | undefined)?.['values']);
  if ('bytesValue' in o) {
    const b = o['bytesValue'];
    return b instanceof Uint8Array ? Buffer.from(b) : Buffer.from(String(b), 'base64');
  }
  return undefined;
}

/** A repeated KeyValue as a plain object. */
export function keyValuesToObject(kvs: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of arr(kvs)) {
    const key = str(kv['key']);
    if (key !== undefined) out[key] = anyValueToJs(kv['value']);
  }
  return out;
}

function scopeOf(v: unknown): CapturedScope {
  const o = (v ?? {}) as Obj;
  const scope: CapturedScope = { name: str(o['name']) ?? '' };
  const version = str(o['version']);
  if (version !== undefined && version !== '') scope.version = version;
  return scope;
}

function resourceOf(v: unknown): Record<string, unknown> {
  return keyValuesToObject(((v ?? {}) as Obj)['attributes']);
}

/** Flatten a decoded logs request into one entry per log record. */
export function flattenLogs(request: Obj): CapturedLogRecord[] {
  const out: CapturedLogRecord[] = [];
  for (const rl of arr(request['resourceLogs'])) {
    const resource = resourceOf(rl['resource']);
    for (const sl of arr(rl['scopeLogs'])) {
      const scope = scopeOf(sl['scope']);
      for (const lr of arr(sl['logRecords'])) {
        const rec: CapturedLogRecord = {
          resource,
          scope,
          timeUnixNano: nanos(lr['timeUnixNano']),
          observedTimeUnixNano: nanos(lr['observedTimeUnixNano']),
          severityNumber: num(lr['severityNumber']),
          attributes: keyValuesToObject(lr['attributes']),
          droppedAttributesCount: num(lr['droppedAttributesCount']),
          flags: num(lr['flags']),
        };
        const severityText = str(lr['severityText']);
        if (severityText !== undefined && severityText !== '') rec.severityText = severityText;
        if (lr['body'] !== undefined && lr['body'] !== null) rec.body = anyValueToJs(lr['body']);
        const eventName = str(lr['eventName']);
        if (eventName !== undefined && eventName !== '') rec.eventName = eventName;
        const traceId = idToHex(lr['traceId']);
        if (traceId !== undefined) rec.traceId = traceId;
        const spanId = idToHex(lr['spanId']);
        if (spanId !== undefined) rec.spanId = spanId;
        out.push(rec);
      }
    }
  }
  return out;
}

/** Flatten a decoded trace request into one entry per span. */
export function flattenSpans(request: Obj): CapturedSpan[] {
  const out: CapturedSpan[] = [];
  for (const rs of arr(request['resourceSpans'])) {
    const resource = resourceOf(rs['resource']);
    for (const ss of arr(rs['scopeSpans'])) {
      const scope = scopeOf(ss['scope']);
      for (const sp of arr(ss['spans'])) {
        const status = (sp['status'] ?? {}) as Obj;
        const span: CapturedSpan = {
          resource,
          scope,
          name: str(sp['name']) ?? '',
          kind: num(sp['kind']),
          traceId: idToHex(sp['traceId']) ?? '',
          spanId: idToHex(sp['spanId']) ?? '',
          startTimeUnixNano: nanos(sp['startTimeUnixNano']),
          endTimeUnixNano: nanos(sp['endTimeUnixNano']),
          attributes: keyValuesToObject(sp['attributes']),
          events: arr(sp['events']).map((e) => ({
            name: str(e['name']) ?? '',
            timeUnixNano: nanos(e['timeUnixNano']),
            attributes: keyValuesToObject(e['attributes']),
          })),
          links: arr(sp['links']).map((l) => ({
            traceId: idToHex(l['traceId']) ?? '',
            spanId: idToHex(l['spanId']) ?? '',
            attributes: keyValuesToObject(l['attributes']),
          })),
          status: { code: num(status['code']) },
        };
        const message = str(status['message']);
        if (message !== undefined && message !== '') span.status.message = message;
        const parent = idToHex(sp['parentSpanId']);
        if (parent !== undefined) span.parentSpanId = parent;
        out.push(span);
      }
    }
  }
  return out;
}
