import type { Attributes } from '@opentelemetry/api';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/input/LogEvent.js';
import { decodeOtlpLogsProtobuf, ProtobufDecodeError } from '../../src/serve/decodeOtlpLogsProtobuf.js';

function serialize(emit: (logger: ReturnType<LoggerProvider['getLogger']>) => void): Buffer {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  emit(provider.getLogger('test'));
  return Buffer.from(ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords())!);
}

describe('decodeOtlpLogsProtobuf', () => {
  it('should decode what the SDK protobuf serializer writes, every AnyValue kind included', () => {
    const attributes: Attributes = {
      'client.address': '203.0.113.7',
      int: 42,
      negative: -7,
      big: 2 ** 40,
      double: 1.5,
      bool: true,
      list: ['a', 'b'],
      'log.record.uid': 'r-1',
    };
    const body = serialize((logger) => {
      logger.emit({
        eventName: 'secmon.authn.login_fail',
        timestamp: [1741939830, 123_000_000],
        severityNumber: 13,
        attributes,
      });
    });
    const events: LogEvent[] = [];
    const counts = decodeOtlpLogsProtobuf(body, (e) => events.push(e));
    expect(counts).toEqual({ records: 1, unnamed: 0, untimed: 0 });
    expect(events).toEqual([
      {
        eventName: 'secmon.authn.login_fail',
        timeUnixNano: 1741939830123000000,
        severityNumber: 13,
        attributes,
        resource: { 'service.name': 'shop' },
        recordUid: 'r-1',
      },
    ]);
  });

  it('should carry the trace context as lowercase hex', () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const spanId = 'b7ad6b7169203331';
    const body = serialize((logger) => {
      logger.emit({
        eventName: 'secmon.authz.fail',
        timestamp: Date.now(),
        context: {
          getValue: () => ({ spanContext: () => ({ traceId, spanId, traceFlags: 1 }) }),
          setValue: () => {
            throw new Error('unused');
          },
          deleteValue: () => {
            throw new Error('unused');
          },
        } as never,
      });
    });
    const events: LogEvent[] = [];
    decodeOtlpLogsProtobuf(body, (e) => events.push(e));
    expect(events[0]).toMatchObject({ traceId, spanId });
  });

  it('should count records without a name and without any time', () => {
    const body = serialize((logger) => {
      logger.emit({ body: 'plain application log' });
      logger.emit({ attributes: { 'event.name': 'secmon.legacy' }, timestamp: 1000 });
    });
    const events: LogEvent[] = [];
    const counts = decodeOtlpLogsProtobuf(body, (e) => events.push(e));
    expect(counts.unnamed).toBe(1);
    expect(events.map((e) => e.eventName)).toEqual(['secmon.legacy']);
  });

  it('should refuse truncated or garbage bytes with a ProtobufDecodeError', () => {
    const body = serialize((logger) => logger.emit({ eventName: 'x', timestamp: Date.now() }));
    expect(() => decodeOtlpLogsProtobuf(body.subarray(0, body.length - 5), () => {})).toThrow(
      ProtobufDecodeError,
    );
    expect(() => decodeOtlpLogsProtobuf(Buffer.from('{"resourceLogs":[]}'), () => {})).toThrow(
      ProtobufDecodeError,
    );
  });

  it('should accept an empty request', () => {
    expect(decodeOtlpLogsProtobuf(Buffer.alloc(0), () => {})).toEqual({ records: 0, unnamed: 0, untimed: 0 });
  });
});
