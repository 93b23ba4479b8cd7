import { describe, expect, it } from 'vitest';
import { InputStats } from '../../src/input/InputStats.js';
import type { LogEvent } from '../../src/input/LogEvent.js';
import { LineSplitter } from '../../src/input/LineSplitter.js';
import { RecordDecoder, StrictModeError } from '../../src/input/RecordDecoder.js';
import { toOtlpJsonLines } from '../support/writers.js';

function decode(text: string, strict = false): { events: LogEvent[]; stats: InputStats } {
  const events: LogEvent[] = [];
  const stats = new InputStats();
  const decoder = new RecordDecoder({ source: 'in.jsonl', stats, emit: (e) => events.push(e), strict });
  const splitter = new LineSplitter(decoder, 1024 * 1024);
  splitter.push(Buffer.from(text));
  splitter.end();
  decoder.end();
  return { events, stats };
}

const flat = {
  timeUnixNano: '1741939830000000000',
  eventName: 'secmon.authn.login_fail',
  severityNumber: 13,
  attributes: { 'client.address': '203.0.113.7', 'log.record.uid': 'r1' },
  resource: { 'service.name': 'shop' },
};

describe('RecordDecoder', () => {
  it('should read the flat JSON-lines form', () => {
    const { events, stats } = decode(`${JSON.stringify(flat)}\n`);
    // Handed over as parsed (the engine reads the string time and log.record.uid itself).
    expect(events).toEqual([flat]);
    expect(stats.records).toBe(1);
    expect(stats.minTimeUnixNano).toBe(1741939830000000000);
  });

  it('should read OTLP/JSON lines written by the SDK serializer, resource and all', () => {
    const lines = toOtlpJsonLines(
      [
        flat,
        { ...flat, timeUnixNano: '1741939831000000000', attributes: { n: 42, ok: true, roles: ['a', 'b'] } },
      ],
      512,
    );
    const { events } = decode(lines.join('\n') + '\n');
    expect(events).toHaveLength(2);
    expect(events[0]!.eventName).toBe('secmon.authn.login_fail');
    expect(events[0]!.resource?.['service.name']).toBe('shop');
    expect(events[0]!.recordUid).toBe('r1');
    expect(events[1]!.attributes).toEqual({ n: 42, ok: true, roles: ['a', 'b'] });
    expect(events[1]!.timeUnixNano).toBe(1741939831000000000);
  });

  it('should take the legacy event.name attribute when the record has no eventName field', () => {
    const req = {
      resourceLogs: [
        {
          resource: { attributes: [] },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: '1741939830000000000',
                  attributes: [{ key: 'event.name', value: { stringValue: 'secmon.authz.fail' } }],
                },
                { observedTimeUnixNano: '1741939830000000000', body: { stringValue: 'GET / 200' } },
              ],
            },
          ],
        },
      ],
    };
    const { events, stats } = decode(`${JSON.stringify(req)}\n`);
    expect(events.map((e) => e.eventName)).toEqual(['secmon.authz.fail']);
    expect(stats.unnamed).toBe(1);
  });

  it('should read one pretty-printed OTLP/JSON document', () => {
    const doc = JSON.stringify(JSON.parse(toOtlpJsonLines([flat])[0]!), null, 2);
    const { events, stats } = decode(doc);
    expect(events).toHaveLength(1);
    expect(stats.malformed.count).toBe(0);
  });

  it('should count malformed and truncated lines with their numbers and go on', () => {
    const good = JSON.stringify(flat);
    const { events, stats } = decode(`${good}\nnot json\n{"foo":1}\n${good}\n${good.slice(0, 40)}`);
    expect(events).toHaveLength(2);
    expect(stats.malformed.samples.map((p) => p.line)).toEqual([2, 3]);
    expect(stats.truncated.samples.map((p) => p.line)).toEqual([5]);
  });

  it('should count spans in a shared archive as other signals, not as errors', () => {
    const { stats } = decode('{"resourceSpans":[]}\n');
    expect(stats.otherSignals).toBe(1);
    expect(stats.badLines).toBe(0);
  });

  it('should stop at the first bad line under strict', () => {
    expect(() => decode(`${JSON.stringify(flat)}\n{bad\n`, true)).toThrow(StrictModeError);
  });

  it('should fall back to line by line when a first line that opens an object is not a document', () => {
    const good = JSON.stringify(flat);
    const { events, stats } = decode(`{"broken": \n${good}\n${good}\n`);
    expect(events).toHaveLength(2);
    expect(stats.malformed.samples.map((p) => p.line)).toEqual([1]);
    expect(stats.lines).toBe(3);
  });
});
