import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnReaped } from './internal/spawnReaped.js';
import type { WaitOptions } from './OtlpCaptureServer.js';
import { freePort } from './RedisServer.js';

/** The Kafka version `scripts/kafka-fetch.sh` fetches by default (keep the two in step). */
export const KAFKA_VERSION = '4.4.0';

/** Options of {@link KafkaServer.start} (and, for the two paths, {@link KafkaServer.check}). */
export interface KafkaServerOptions {
  /**
   * Directory of the broker's jars, as `scripts/kafka-fetch.sh` writes it. Default: `SECMON_KAFKA_LIB_DIR`, else
   * `<repo>/node_modules/.cache/secmon-kafka/<KAFKA_VERSION>/lib`.
   */
  libDir?: string;
  /** The `java` to run (17 or newer). Default: `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` on PATH. */
  java?: string;
  /** Extra broker properties, e.g. `{ 'num.partitions': '3' }`; they override the defaults. */
  properties?: Readonly<Record<string, string>>;
  /** How long to wait for "Kafka Server started" and an open listener, ms. Default 60 000. */
  startTimeoutMs?: number;
}

/** One record read by a {@link KafkaTopicReader}. */
export interface KafkaRecord {
  readonly partition: number;
  readonly offset: number;
  /** The value, decoded as UTF-8. */
  readonly value: string;
}

/** A console consumer reading one topic from its beginning, returned by {@link KafkaServer.consume}. */
export interface KafkaTopicReader {
  readonly topic: string;
  /** Every record read so far, in the order the consumer printed them. */
  records(): KafkaRecord[];
  /** Resolves with every record once at least `count` have been read; rejects after `timeoutMs` (default 10 000). */
  waitForRecords(count: number, options?: WaitOptions): Promise<KafkaRecord[]>;
  /** Stops the consumer (idempotent, also `await using`). */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Bounded: the broker prints its whole configuration at start; the tail is what explains a failure. */
const OUTPUT_TAIL_CHARS = 32_768;
const STARTED = 'Kafka Server started';

/**
 * log4j2 for the broker and the tools: warnings only, on stderr, except the line that says the broker is up.
 * Without a configuration log4j2 prints its own "no configuration found" error on every start.
 */
const LOG4J2 = `status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
logger.started.name = kafka.server.KafkaRaftServer
logger.started.level = INFO
`;

function resolveLibDir(options: KafkaServerOptions): string {
  return (
    options.libDir ??
    process.env['SECMON_KAFKA_LIB_DIR'] ??
    join(REPO_ROOT, 'node_modules', '.cache', 'secmon-kafka', KAFKA_VERSION, 'lib')
  );
}

function resolveJava(options: KafkaServerOptions): string {
  if (options.java !== undefined) return options.java;
  const home = process.env['JAVA_HOME'];
  return home !== undefined && home !== '' ? join(home, 'bin', 'java') : 'java';
}

/** The major version `java -version` reports (`"17.0.15"` -> 17, `"1.8.0_402"` -> 8), or undefined. */
function javaMajor(java: string): number | undefined {
  const r = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr ?? ''}${r.stdout ?? ''}`);
  if (m === null) return undefined;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major;
}

/**
 * A real Apache Kafka broker (KRaft, broker and controller in one process) run as a child process of the test from
 * the jars `scripts/kafka-fetch.sh` takes from Maven Central (`.ci/run` fetches them): both listeners on
 * 127.0.0.1 only, on free ports, storage formatted with a random cluster id in a temporary directory, one
 * replica for the internal topics, topics created on first use. `consume(topic)` reads a topic with Kafka's own
 * console consumer from the same jars, so a test sees what any Kafka consumer (a SIEM connector) would get. Use
 * `describeWithServices(title, { kafka: () => KafkaServer.check() }, body)` for the suite (skip locally, fail
 * in CI).
 *
 * @example
 * await using kafka = await KafkaServer.start();       // kafka.bootstrap = '127.0.0.1:PORT'
 * await using reader = kafka.consume('secmon.alerts');
 * // ... produce to kafka.bootstrap ...
 * const [record] = await reader.waitForRecords(1);
 */
export class KafkaServer {
  readonly host = '127.0.0.1';
  readonly port: number;
  /** The KRaft controller listener (also 127.0.0.1). */
  readonly controllerPort: number;
  /** Temporary directory: configuration and log segments. */
  readonly dir: string;
  /** The random cluster id the storage was formatted with. */
  readonly clusterId: string;
  private readonly _libDir: string;
  private readonly _java: string;
  private readonly _readers = new Set<KafkaTopicReader>();
  private _child: ChildProcess | undefined;
  private _output = '';

  private constructor(port: number, controllerPort: number, dir: string, libDir: string, java: string) {
    this.port = port;
    this.controllerPort = controllerPort;
    this.dir = dir;
    this.clusterId = randomClusterId();
    this._libDir = libDir;
    this._java = java;
  }

  /**
   * A {@link ServiceCheck} for `describeWithServices`: true when Java 17+ and the fetched jars are there, else the
   * reason (what to install or run).
   */
  static check(options: KafkaServerOptions = {}): true | string {
    const java = resolveJava(options);
    const major = javaMajor(java);
    if (major === undefined) return `no Java found (${java}); Kafka ${KAFKA_VERSION} needs Java 17 or newer`;
    if (major < 17) return `${java} is Java ${major}; Kafka ${KAFKA_VERSION} needs Java 17 or newer`;
    const libDir = resolveLibDir(options);
    if (!existsSync(join(libDir, `.secmon-kafka-${KAFKA_VERSION}`)))
      return `Kafka ${KAFKA_VERSION} jars not found in ${libDir}: run scripts/kafka-fetch.sh`;
    return true;
  }

  /** Formats fresh storage, starts the broker and waits until it has started and accepts connections. */
  static async start(options: KafkaServerOptions = {}): Promise<KafkaServer> {
    const libDir = resolveLibDir(options);
    const java = resolveJava(options);
    for (let attempt = 0; ; attempt++) {
      const dir = await mkdtemp(join(tmpdir(), 'secmon-kafka-'));
      const server = new KafkaServer(await freePort(), await freePort(), dir, libDir, java);
      try {
        await server._format(options.properties ?? {});
        await server._spawn(options.startTimeoutMs ?? 60_000);
        return server;
      } catch (err) {
        await server._terminate('SIGKILL');
        await rm(dir, { recursive: true, force: true });
        // Another process took a port between the probe and the bind: try other ports, on fresh storage.
        if (attempt < 3 && /address already in use/i.test(server._output)) continue;
        throw err;
      }
    }
  }

  /** `127.0.0.1:PORT`, the bootstrap server list for clients. */
  get bootstrap(): string {
    return `${this.host}:${this.port}`;
  }

  /** True while the broker process runs. */
  get running(): boolean {
    return this._child !== undefined && this._child.exitCode === null && this._child.signalCode === null;
  }

  /** The last 32 KiB the broker printed (warnings and errors), for failure messages. */
  output(): string {
    return this._output;
  }

  /**
   * Reads `topic` from its beginning with Kafka's console consumer (a child process, its own consumer group),
   * until `close()`. A topic that does not exist yet is read once it is created.
   */
  consume(topic: string): KafkaTopicReader {
    const child = spawnReaped(
      this._java,
      [
        ...this._jvmArgs('256m'),
        'org.apache.kafka.tools.consumer.ConsoleConsumer',
        '--bootstrap-server',
        this.bootstrap,
        '--topic',
        topic,
        '--from-beginning',
        '--group',
        `secmon-test-${randomBytes(6).toString('hex')}`,
        '--formatter-property',
        'print.partition=true',
        '--formatter-property',
        'print.offset=true',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );

    // Values are OTLP/JSON or test strings; the formatter writes `Partition:N\tOffset:N\t<value>\n`.
    const records: KafkaRecord[] = [];
    let pending = '';
    let errors = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      pending += chunk;
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const m = /^Partition:(\d+)\tOffset:(\d+)\t/.exec(line);
        if (m !== null)
          records.push({ partition: Number(m[1]), offset: Number(m[2]), value: line.slice(m[0].length) });
        nl = pending.indexOf('\n');
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    });

    const close = async (): Promise<void> => {
      this._readers.delete(reader);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL'); // nothing to commit: every reader has its own group
      await exited;
    };
    const reader: KafkaTopicReader = {
      topic,
      records: () => [...records],
      async waitForRecords(count: number, waitOptions: WaitOptions = {}): Promise<KafkaRecord[]> {
        const deadline = Date.now() + (waitOptions.timeoutMs ?? 10_000);
        for (;;) {
          if (records.length >= count) return [...records];
          if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
            throw new Error(
              `expected ${count} records on topic ${topic}, got ${records.length}` +
                (child.exitCode !== null ? ` (the consumer exited ${child.exitCode})` : '') +
                `: ${errors.trim().split('\n').slice(-5).join('\n')}`,
            );
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      close,
      [Symbol.asyncDispose]: close,
    };
    this._readers.add(reader);
    return reader;
  }

  /** Writes `values` to `topic` (one record each, no key) with Kafka's console producer, acks=all. */
  async produce(topic: string, values: readonly string[]): Promise<void> {
    if (values.some((v) => v.includes('\n'))) throw new Error('produce: values are sent one per line');
    const child = spawnReaped(
      this._java,
      [
        ...this._jvmArgs('256m'),
        'org.apache.kafka.tools.ConsoleProducer',
        '--bootstrap-server',
        this.bootstrap,
        '--topic',
        topic,
        '--command-property',
        'acks=all',
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.stdin?.end(values.map((v) => `${v}\n`).join(''));
    const code = await exited;
    if (code !== 0) throw new Error(`console producer exited ${code}: ${errors.trim()}`);
  }

  /** Stops the broker (SIGTERM: a controlled shutdown; SIGKILL after 15 s) and its readers. */
  async stop(): Promise<void> {
    await this._closeReaders();
    await this._terminate('SIGTERM');
  }

  /** Kills the broker and its readers at once and removes the directory (idempotent, also `await using`). */
  async close(): Promise<void> {
    await this._closeReaders();
    await this._terminate('SIGKILL');
    await rm(this.dir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private _jvmArgs(heap: string): string[] {
    return [
      `-Xmx${heap}`,
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.properties')}`,
      '-cp',
      `${this._libDir}/*`,
    ];
  }

  private async _format(extra: Readonly<Record<string, string>>): Promise<void> {
    const properties: Record<string, string> = {
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': `1@${this.host}:${this.controllerPort}`,
      listeners: `PLAINTEXT://${this.host}:${this.port},CONTROLLER://${this.host}:${this.controllerPort}`,
      'advertised.listeners': `PLAINTEXT://${this.host}:${this.port}`,
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'log.dirs': join(this.dir, 'data'),
      'num.partitions': '1',
      // One broker: the internal topics cannot have more replicas than that.
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'share.coordinator.state.topic.replication.factor': '1',
      'share.coordinator.state.topic.min.isr': '1',
      // The default 3 s pause before a new group's first assignment would be 3 s added to every reader.
      'group.initial.rebalance.delay.ms': '0',
      'auto.create.topics.enable': 'true',
      ...extra,
    };
    await writeFile(
      join(this.dir, 'server.properties'),
      Object.entries(properties)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    await writeFile(join(this.dir, 'log4j2.properties'), LOG4J2);
    const child = spawnReaped(
      this._java,
      [
        ...this._jvmArgs('256m'),
        'kafka.tools.StorageTool',
        'format',
        '--cluster-id',
        this.clusterId,
        '--config',
        join(this.dir, 'server.properties'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const onData = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`kafka-storage format exited ${code}: ${output.trim()}`);
  }

  private async _spawn(startTimeoutMs: number): Promise<void> {
    this._output = '';
    const child = spawnReaped(
      this._java,
      [...this._jvmArgs('512m'), 'kafka.Kafka', join(this.dir, 'server.properties')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this._child = child;
    let started = false;
    const onData = (chunk: Buffer): void => {
      this._output = (this._output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
      if (!started && this._output.includes(STARTED)) started = true;
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);

    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`kafka exited (${child.exitCode ?? child.signalCode}): ${this._output.trim()}`);
      }
      if (started && (await accepts(this.host, this.port))) return;
      if (Date.now() > deadline) {
        throw new Error(
          `kafka did not start on ${this.bootstrap} within ${startTimeoutMs} ms: ${this._output.trim()}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async _closeReaders(): Promise<void> {
    await Promise.all([...this._readers].map((r) => r.close()));
  }

  private async _terminate(signal: NodeJS.Signals): Promise<void> {
    const child = this._child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Kafka's Uuid text form: 16 random bytes, URL-safe base64. Like Kafka's own `Uuid.randomUuid()`, never one that
 * starts with '-': the format command's argument parser would take it for an option.
 */
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => done(true));
  });
}
