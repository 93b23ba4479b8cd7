// OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding) to LogEvents: lowerCamelCase
// keys, int64 as decimal strings or numbers, trace and span ids as hex, enums as integers.
import type { AttributeValue, Attributes, LogEvent } from './LogEvent.js';

type Obj = Record<string, unknown>;

/** The attribute that carried the event name before the LogRecord EventName field existed (deprecated). */
export const LEGACY_EVENT_NAME_ATTRIBUTE = 'event.name';
const RECORD_UID_ATTRIBUTE = 'log.record.uid';

/** An OTLP AnyValue as an attribute value; kvlists become JSON text, bytes stay base64. */
export function fromAnyValue(value: unknown): AttributeValue | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Obj;
  const s = v['stringValue'];
  if (typeof s === 'string') return s;
  const i = v['intValue'];
  if (i !== undefined) return typeof i === 'number' ? i : Number(i);
  const b = v['boolValue'];
  if (typeof b === 'boolean') return b;
  const d = v['doubleValue'];
  if (d !== undefined) return typeof d === 'number' ? d : Number(d);
  const a = v['arrayValue'];
  if (a !== undefined) {
    const values = (a as Obj | null)?.['values'];
    const out: Array<string | number | boolean | null> = [];
    if (Array.isArray(values)) {
      for (const item of values) {
        const x = fromAnyValue(item);
        out.push(x === undefined ? null : typeof x === 'object' ? JSON.stringify(x) : x);
      }
    }
    return out;
  }
  const kv = v['kvlistValue'];
  if (kv !== undefined) {
    const values = (kv as Obj | null)?.['values'];
    const out: Record<string, unknown> = {};
    if (Array.isArray(values)) {
      for (const item of values as Obj[]) {
        if (item !== null && typeof item === 'object' && typeof item['key'] === 'string') {
          out[item['key']] = fromAnyValue(item['value']) ?? null;
        }
      }
    }
    return JSON.stringify(out);
  }
  const bytes = v['bytesValue'];
  if (typeof bytes === 'string') return bytes;
  return undefined;
}

/** An OTLP `repeated KeyValue` as a flat attribute map. */
export function fromKeyValues(list: unknown): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(list)) return out;
  for (let i = 0; i < list.length; i++) {
    const kv = list[i] as Obj | null;
    if (kv === null || typeof kv !== 'object') continue;
    const key = kv['key'];
    if (typeof key !== 'string') continue;
    const value = fromAnyValue(kv['value']);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Nanoseconds from an OTLP fixed64 (decimal string or number); 0 when absent or invalid. */
export function toNanos(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : 0;
  if (typeof value === 'string' && value.length > 0) {
    const n = Number(value);
    return Number.isFinite(n) && n > 0 ? n : 0;
  }
  return 0;
}

/** What the walk over one request found, besides the events. */
export interface OtlpWalkCounts {
  records: number;
  unnamed: number;
  untimed: number;
}

/**
 * Walks `resourceLogs[].scopeLogs[].logRecords[]` of an ExportLogsServiceRequest and hands each named, timed
 * record to `emit`. The event name is the record's `eventName` field (what the collector's file exporter
 * writes), or the legacy `event.name` attribute for older producers.
 */
export function walkExportLogsRequest(request: Obj, emit: (event: LogEvent) => void): OtlpWalkCounts {
  const counts: OtlpWalkCounts = { records: 0, unnamed: 0, untimed: 0 };
  const resourceLogs = request['resourceLogs'];
  if (!Array.isArray(resourceLogs)) return counts;
  for (const rl of resourceLogs as Array<Obj | null>) {
    if (rl === null || typeof rl !== 'object') continue;
    const resourceObj = rl['resource'] as Obj | undefined;
    const resource = fromKeyValues(resourceObj?.['attributes']);
    const scopeLogs = rl['scopeLogs'];
    if (!Array.isArray(scopeLogs)) continue;
    for (const sl of scopeLogs as Array<Obj | null>) {
      const records = sl?.['logRecords'];
      if (!Array.isArray(records)) continue;
      for (const rec of records as Array<Obj | null>) {
        if (rec === null || typeof rec !== 'object') continue;
        counts.records++;
        const attributes = fromKeyValues(rec['attributes']);
        let eventName = rec['eventName'];
        if (typeof eventName !== 'string' || eventName === '') {
          const legacy = attributes[LEGACY_EVENT_NAME_ATTRIBUTE];
          eventName = typeof legacy === 'string' ? legacy : '';
        }
        if (eventName === '') {
          counts.unnamed++;
          continue;
        }
        let time = toNanos(rec['timeUnixNano']);
        if (time === 0) time = toNanos(rec['observedTimeUnixNano']);
        if (time === 0) {
          counts.untimed++;
          continue;
        }
        const event: LogEvent = { eventName: eventName as string, timeUnixNano: time, attributes, resource };
        const severity = rec['severityNumber'];
        if (typeof severity === 'number') event.severityNumber = severity;
        const traceId = rec['traceId'];
        if (typeof traceId === 'string' && traceId !== '') event.traceId = traceId.toLowerCase();
        const spanId = rec['spanId'];
        if (typeof spanId === 'string' && spanId !== '') event.spanId = spanId.toLowerCase();
        const uid = attributes[RECORD_UID_ATTRIBUTE];
        if (typeof uid === 'string') event.recordUid = uid;
        emit(event);
      }
    }
  }
  return counts;
}
