import type { InputStats } from './InputStats.js';
import type { LineSink } from './LineSplitter.js';
import type { Attributes, LogEvent } from './LogEvent.js';
import { LEGACY_EVENT_NAME_ATTRIBUTE, toNanos, walkExportLogsRequest } from './otlpJson.js';

type Obj = Record<string, unknown>;

/** Thrown under `--strict` at the first line that is not a usable record. */
export class StrictModeError extends Error {
  readonly source: string;
  readonly line: number;

  constructor(source: string, line: number, reason: string) {
    super(line > 0 ? `${source}:${line}: ${reason}` : `${source}: ${reason}`);
    this.name = 'StrictModeError';
    this.source = source;
    this.line = line;
  }
}

/** Options of a {@link RecordDecoder}. */
export interface RecordDecoderOptions {
  /** Name of the input in messages (a path or `-`). */
  source: string;
  stats: InputStats;
  emit: (event: LogEvent) => void;
  /** Stop at the first bad line. Default false: count and go on. */
  strict?: boolean;
  /**
   * Largest single JSON document read when the input is not JSON lines (a pretty-printed OTLP export), in
   * bytes. Default 64 MiB.
   */
  maxDocumentBytes?: number;
}

const SIGNAL_KEYS = ['resourceSpans', 'resourceMetrics', 'resourceProfiles'] as const;

/**
 * Turns the lines of one input into LogEvents. Each line is either an OTLP/JSON ExportLogsServiceRequest (the
 * collector file exporter writes one per line) or a flat secmon record
 * `{"timeUnixNano","eventName","severityNumber","attributes":{…},"resource":{…}}`, detected per line so mixed
 * files work. When the first line is not valid JSON but opens an object or array, the input is read as one
 * JSON document (bounded by `maxDocumentBytes`), so a pretty-printed export is accepted too.
 */
export class RecordDecoder implements LineSink {
  private readonly _source: string;
  private readonly _stats: InputStats;
  private readonly _emit: (event: LogEvent) => void;
  private readonly _strict: boolean;
  private readonly _maxDocumentBytes: number;
  private _sawContent = false;
  private _probe: Array<{ text: string; line: number; terminated: boolean }> | undefined;
  private _probeBytes = 0;

  constructor(options: RecordDecoderOptions) {
    this._source = options.source;
    this._stats = options.stats;
    this._emit = options.emit;
    this._strict = options.strict ?? false;
    this._maxDocumentBytes = options.maxDocumentBytes ?? 64 * 1024 * 1024;
  }

  line(text: string, lineNumber: number, terminated: boolean): void {
    this._stats.lines++;
    if (this._probe !== undefined) {
      this._probe.push({ text, line: lineNumber, terminated });
      this._probeBytes += text.length + 1;
      if (this._probeBytes > this._maxDocumentBytes) this._replayProbe();
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      if (isBlank(text)) return;
      if (!this._sawContent && opensDocument(text)) {
        this._sawContent = true;
        this._probe = [{ text, line: lineNumber, terminated }];
        this._probeBytes = text.length + 1;
        return;
      }
      this._sawContent = true;
      this._bad(lineNumber, terminated, `invalid JSON: ${(err as Error).message}`);
      return;
    }
    this._sawContent = true;
    this._value(value, lineNumber, terminated);
  }

  oversize(lineNumber: number, bytes: number): void {
    this._stats.lines++;
    this._sawContent = true;
    const reason = `line of ${bytes} bytes is over the limit; skipped`;
    if (this._strict) throw new StrictModeError(this._source, lineNumber, reason);
    this._stats.oversize.add(this._source, lineNumber, reason);
  }

  /** Call after the last line: finishes a document read in one piece. */
  end(): void {
    const probe = this._probe;
    if (probe === undefined) return;
    let value: unknown;
    try {
      value = JSON.parse(probe.map((p) => p.text).join('\n'));
    } catch {
      this._replayProbe();
      return;
    }
    this._probe = undefined;
    this._value(value, probe[0]!.line, true);
  }

  /** The document guess was wrong (or too big): handle the held lines one by one. */
  private _replayProbe(): void {
    const probe = this._probe ?? [];
    this._probe = undefined;
    this._probeBytes = 0;
    this._stats.lines -= probe.length;
    for (const p of probe) this.line(p.text, p.line, p.terminated);
  }

  private _value(value: unknown, lineNumber: number, terminated: boolean): void {
    if (value === null || typeof value !== 'object') {
      this._bad(lineNumber, terminated, 'not a log record: expected a JSON object');
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) this._value(item, lineNumber, terminated);
      return;
    }
    const obj = value as Obj;
    if (obj['resourceLogs'] !== undefined) {
      if (!Array.isArray(obj['resourceLogs'])) {
        this._bad(lineNumber, terminated, 'resourceLogs is not an array');
        return;
      }
      const counts = walkExportLogsRequest(obj, this._emitAndTrack);
      this._stats.records += counts.records;
      this._stats.unnamed += counts.unnamed;
      this._stats.untimed += counts.untimed;
      return;
    }
    if (
      obj['eventName'] !== undefined ||
      obj['timeUnixNano'] !== undefined ||
      obj['attributes'] !== undefined
    ) {
      this._flat(obj, lineNumber, terminated);
      return;
    }
    for (const key of SIGNAL_KEYS) {
      if (obj[key] !== undefined) {
        this._stats.otherSignals++;
        return;
      }
    }
    this._bad(
      lineNumber,
      terminated,
      'not a log record: neither an OTLP ExportLogsServiceRequest nor a JSON-lines record',
    );
  }

  /**
   * A flat record is already the engine's event shape: it is checked and handed over as parsed, without a
   * copy (allocation is most of what analyze adds to JSON.parse).
   */
  private _flat(obj: Obj, lineNumber: number, terminated: boolean): void {
    this._stats.records++;
    const attributes = obj['attributes'];
    if (attributes === undefined || attributes === null) {
      obj['attributes'] = {};
    } else if (typeof attributes !== 'object' || Array.isArray(attributes)) {
      this._bad(lineNumber, terminated, 'attributes is not an object');
      return;
    }
    const eventName = obj['eventName'];
    if (typeof eventName !== 'string' || eventName === '') {
      const legacy = (obj['attributes'] as Attributes)[LEGACY_EVENT_NAME_ATTRIBUTE];
      if (typeof legacy !== 'string' || legacy === '') {
        this._stats.unnamed++;
        return;
      }
      obj['eventName'] = legacy;
    }
    let time = toNanos(obj['timeUnixNano']);
    if (time === 0) {
      time = toNanos(obj['observedTimeUnixNano']);
      if (time === 0) {
        this._stats.untimed++;
        return;
      }
      obj['timeUnixNano'] = obj['observedTimeUnixNano'];
    }
    // Fields the engine reads must have their documented types; anything else is dropped, not trusted.
    const resource = obj['resource'];
    if (
      resource !== undefined &&
      (resource === null || typeof resource !== 'object' || Array.isArray(resource))
    ) {
      delete obj['resource'];
    }
    if (obj['traceId'] !== undefined && typeof obj['traceId'] !== 'string') delete obj['traceId'];
    if (obj['spanId'] !== undefined && typeof obj['spanId'] !== 'string') delete obj['spanId'];
    if (obj['recordUid'] !== undefined && typeof obj['recordUid'] !== 'string') delete obj['recordUid'];
    this._track(time);
    this._emit(obj as unknown as LogEvent);
  }

  private _track(t: number): void {
    const stats = this._stats;
    stats.events++;
    // NaN compares false both ways, so the first event sets both bounds.
    if (!(t >= stats.minTimeUnixNano)) stats.minTimeUnixNano = t;
    if (!(t <= stats.maxTimeUnixNano)) stats.maxTimeUnixNano = t;
  }

  // The OTLP walk and the protobuf reader build events with numeric times.
  private readonly _emitAndTrack = (event: LogEvent): void => {
    this._track(event.timeUnixNano as number);
    this._emit(event);
  };

  private _bad(lineNumber: number, terminated: boolean, reason: string): void {
    const kind = terminated ? 'malformed' : 'truncated';
    const why = terminated ? reason : `last line has no newline (cut off?): ${reason}`;
    if (this._strict) throw new StrictModeError(this._source, lineNumber, why);
    this._stats[kind].add(this._source, lineNumber, why);
  }
}

function isBlank(text: string): boolean {
  return text.trim() === '';
}

function opensDocument(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('{') || t.startsWith('[');
}
