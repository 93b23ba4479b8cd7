import { existsSync, readFileSync } from 'node:fs';

/** An OTLP JSON AnyValue. */
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: { key: string; value: AnyValue }[] };
  bytesValue?: string;
}

type Plain = string | number | boolean | Plain[] | { [key: string]: Plain } | undefined;

function plain(value: AnyValue | undefined): Plain {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plain);
  if (value.kvlistValue)
    return Object.fromEntries((value.kvlistValue.values ?? []).map((kv) => [kv.key, plain(kv.value)]));
  return value.bytesValue;
}

/** A log record from an OTLP JSON file, attributes flattened to plain values. */
export interface FileLogRecord {
  eventName: string;
  severityNumber?: number;
  body: Plain;
  attributes: Record<string, Plain>;
  resource: Record<string, Plain>;
  traceId?: string;
  spanId?: string;
}

/** A span from an OTLP JSON file. */
export interface FileSpan {
  name: string;
  traceId: string;
  spanId: string;
  attributes: Record<string, Plain>;
  links: { traceId: string; spanId: string }[];
}

type KeyValues = { key: string; value: AnyValue }[] | undefined;
const attrs = (kvs: KeyValues): Record<string, Plain> =>
  Object.fromEntries((kvs ?? []).map((kv) => [kv.key, plain(kv.value)]));

function lines(path: string): unknown[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/** Reads a file of ExportLogsServiceRequest lines (our file exporter's or the collector's). */
export function readLogRecords(path: string): FileLogRecord[] {
  const out: FileLogRecord[] = [];
  for (const request of lines(path) as {
    resourceLogs?: {
      resource?: { attributes?: KeyValues };
      scopeLogs?: {
        logRecords?: {
          eventName?: string;
          severityNumber?: number;
          body?: AnyValue;
          attributes?: KeyValues;
          traceId?: string;
          spanId?: string;
        }[];
      }[];
    }[];
  }[]) {
    for (const rl of request.resourceLogs ?? []) {
      const resource = attrs(rl.resource?.attributes);
      for (const sl of rl.scopeLogs ?? []) {
        for (const r of sl.logRecords ?? []) {
          out.push({
            eventName: r.eventName ?? '',
            ...(r.severityNumber !== undefined ? { severityNumber: r.severityNumber } : {}),
            body: plain(r.body),
            attributes: attrs(r.attributes),
            resource,
            ...(r.traceId ? { traceId: r.traceId } : {}),
            ...(r.spanId ? { spanId: r.spanId } : {}),
          });
        }
      }
    }
  }
  return out;
}

/** Reads a file of ExportTraceServiceRequest lines. */
export function readSpans(path: string): FileSpan[] {
  const out: FileSpan[] = [];
  for (const request of lines(path) as {
    resourceSpans?: {
      scopeSpans?: {
        spans?: {
          name: string;
          traceId: string;
          spanId: string;
          attributes?: KeyValues;
          links?: { traceId: string; spanId: string }[];
        }[];
      }[];
    }[];
  }[]) {
    for (const rs of request.resourceSpans ?? []) {
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          out.push({
            name: s.name,
            traceId: s.traceId,
            spanId: s.spanId,
            attributes: attrs(s.attributes),
            links: s.links ?? [],
          });
        }
      }
    }
  }
  return out;
}

/** Every string inside a plain value (attribute values, nested arrays and maps). */
export function strings(value: Plain): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}
