// The broker needs Java 17+ and the jars scripts/kafka-fetch.sh fetches: skipped locally with the reason printed
// when either is missing, a failure when CI=true (describeWithServices).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServices, KAFKA_VERSION, KafkaServer } from '../src/index.js';

/** True when nothing accepts a TCP connection on 127.0.0.1:port. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', () => resolve(true));
  });
}

describe('KafkaServer', () => {
  describe('check', () => {
    it('should name the fetch script when the jars are missing', () => {
      const empty = mkdtempSync(join(tmpdir(), 'secmon-kafka-nolib-'));
      try {
        const result = KafkaServer.check({ libDir: empty });
        // Without Java the reason is Java's; with it, the missing jars and how to get them.
        expect(result).toMatch(/scripts\/kafka-fetch\.sh|Java/);
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    });

    it('should name the Java it could not run', () => {
      expect(KafkaServer.check({ java: '/nonexistent/bin/java' })).toBe(
        `no Java found (/nonexistent/bin/java); Kafka ${KAFKA_VERSION} needs Java 17 or newer`,
      );
    });
  });
});

await describeWithServices('KafkaServer with a broker', { kafka: () => KafkaServer.check() }, () => {
  let kafka: KafkaServer;

  beforeAll(async () => {
    kafka = await KafkaServer.start({ properties: { 'num.partitions': '2' } });
  });

  afterAll(async () => {
    await kafka?.close();
  });

  describe('start', () => {
    it('should listen on 127.0.0.1 on a free port, with a random cluster id', async () => {
      expect(kafka.host).toBe('127.0.0.1');
      expect(kafka.bootstrap).toBe(`127.0.0.1:${kafka.port}`);
      expect(kafka.running).toBe(true);
      expect(kafka.clusterId).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(await refused(kafka.port)).toBe(false);
      expect(await refused(kafka.controllerPort)).toBe(false);
    });
  });

  describe('consume', () => {
    it('should read what was produced, from the beginning, with partition and offset', async () => {
      await kafka.produce('roundtrip', ['{"a":1}', 'tab\tinside', 'third']);
      await using reader = kafka.consume('roundtrip');
      const records = await reader.waitForRecords(3, { timeoutMs: 30_000 });
      expect(records.map((r) => r.value).sort()).toEqual(['tab\tinside', 'third', '{"a":1}']);
      for (const r of records) {
        expect([0, 1]).toContain(r.partition); // the broker property took effect: two partitions
        expect(r.offset).toBeGreaterThanOrEqual(0);
      }
    });

    it('should read a topic created after the reader started', async () => {
      await using reader = kafka.consume('late');
      await kafka.produce('late', ['x']);
      const [record] = await reader.waitForRecords(1, { timeoutMs: 30_000 });
      expect(record!.value).toBe('x');
    });
  });

  describe('waitForRecords', () => {
    it('should reject after timeoutMs with the count so far', async () => {
      await using reader = kafka.consume('empty');
      await expect(reader.waitForRecords(1, { timeoutMs: 200 })).rejects.toThrow(
        'expected 1 records on topic empty, got 0',
      );
    });
  });

  describe('close', () => {
    it('should stop the broker, remove its directory, and be idempotent', async () => {
      const other = await KafkaServer.start();
      const reader = other.consume('t');
      await other.close();
      await other.close();
      expect(other.running).toBe(false);
      expect(await refused(other.port)).toBe(true);
      expect(reader.records()).toEqual([]);
      expect(existsSync(other.dir)).toBe(false);
    });
  });
});
