// Writers of the two input formats. OTLP/JSON is produced by the OpenTelemetry SDK itself (LoggerProvider +
// the otlp-transformer JSON serializer the OTLP/HTTP JSON exporter uses), batched like the collector's file
// exporter writes it: one ExportLogsServiceRequest per line.
import type { Writable } from 'node:stream';
import type { Attributes } from '@opentelemetry/api';
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { TrafficRecord } from './traffic.js';

/** `{"timeUnixNano","eventName","severityNumber","attributes","resource"}` per line. */
export function toJsonLine(r: TrafficRecord): string {
  return JSON.stringify(r);
}

function hrTime(nanos: string): [number, number] {
  return [Number(nanos.slice(0, -9)), Number(nanos.slice(-9))];
}

/**
 * Serialises records into OTLP/JSON lines with the real SDK, `batchSize` records per line. All records of one
 * writer share the resource of the first record (one service, as in one collector pipeline).
 */
export class OtlpJsonLineWriter {
  private readonly _exporter = new InMemoryLogRecordExporter();
  private readonly _provider: LoggerProvider;
  private readonly _logger;
  private readonly _batchSize: number;
  private _count = 0;

  constructor(resource: Record<string, string>, batchSize = 512) {
    this._provider = new LoggerProvider({
      resource: resourceFromAttributes(resource),
      processors: [new SimpleLogRecordProcessor({ exporter: this._exporter })],
    });
    this._logger = this._provider.getLogger('@secmon/instrumentation', '0.1.0');
    this._batchSize = batchSize;
  }

  /** Adds a record; returns a line when a batch is complete. */
  add(r: TrafficRecord): string | undefined {
    this._logger.emit({
      eventName: r.eventName,
      timestamp: hrTime(r.timeUnixNano),
      severityNumber: r.severityNumber,
      attributes: r.attributes as Attributes,
    });
    this._count++;
    return this._count % this._batchSize === 0 ? this.flush() : undefined;
  }

  /** The pending records as one line (undefined when none). */
  flush(): string | undefined {
    const records = this._exporter.getFinishedLogRecords();
    if (records.length === 0) return undefined;
    const line = Buffer.from(JsonLogsSerializer.serializeRequest(records)!).toString('utf8');
    this._exporter.reset();
    return line;
  }
}

/** All records as OTLP/JSON lines. */
export function toOtlpJsonLines(records: readonly TrafficRecord[], batchSize = 512): string[] {
  if (records.length === 0) return [];
  const writer = new OtlpJsonLineWriter(records[0]!.resource, batchSize);
  const lines: string[] = [];
  for (const r of records) {
    const line = writer.add(r);
    if (line !== undefined) lines.push(line);
  }
  const last = writer.flush();
  if (last !== undefined) lines.push(last);
  return lines;
}

/** Writes text to a stream, waiting for drain. */
export async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise((resolve) => stream.once('drain', resolve));
}
