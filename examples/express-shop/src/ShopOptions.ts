import { resolve } from 'node:path';

/** Everything the shop reads from its environment, resolved once at startup (STYLE.md rule 6). */
export interface ShopOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. `PORT`, default 3000. */
  port: number;
  /**
   * Demo mode: honour `X-Forwarded-For` from a loopback peer, so the attack simulator can play many client
   * addresses from one machine. `SHOP_DEMO_TRUST_FORWARDED=1`. Off by default: then the client address is the
   * TCP peer and the header is ignored (a spoofable header must never decide who the client is).
   */
  trustForwarded: boolean;
  /** log2 of the scrypt cost. `SHOP_SCRYPT_LOG2N`, default 17 (OWASP minimum); the demo uses 15. */
  scryptLog2Cost: number;
  /** Directory of the local OTLP JSON files when no OTLP endpoint is configured. `SECMON_OUTPUT_DIR`, default `./.secmon-demo`. */
  outputDir: string;
  /**
   * True when an OTLP endpoint is configured (`OTEL_EXPORTER_OTLP_ENDPOINT`, `..._LOGS_ENDPOINT`, or
   * `OTEL_LOGS_EXPORTER`): events and alerts then go there, not to local files.
   */
  otlpConfigured: boolean;
  /** Key of the HMAC pseudonyms (`user.hash`, `session.id`). `SECMON_PSEUDONYM_KEY`; a dev key when unset. */
  pseudonymKey: string | undefined;
  /** `service.name` (`OTEL_SERVICE_NAME`, default `express-shop`). */
  serviceName: string;
  /** Deployment environment (`NODE_ENV`): `production` makes a missing pseudonym key a loud error. */
  environment: string | undefined;
  /**
   * The export processor's settings from the standard `OTEL_BLRP_*` variables (`SCHEDULE_DELAY`,
   * `MAX_QUEUE_SIZE`, `MAX_EXPORT_BATCH_SIZE`, `EXPORT_TIMEOUT`); unset ones keep secmon's burst-sized
   * defaults (`DEFAULT_SECURITY_LOG_PROCESSOR_OPTIONS`).
   */
  logExport: BatchOptions;
  /**
   * The span batch processor's settings from `OTEL_BSP_*` (same four names). The SDK 3.x processors no
   * longer read the environment themselves; unset ones keep the SDK's defaults.
   */
  spanExport: BatchOptions;
}

/** Settings of a batch processor, from the standard `OTEL_BLRP_*` / `OTEL_BSP_*` variables. */
export interface BatchOptions {
  scheduledDelayMillis?: number;
  maxQueueSize?: number;
  maxExportBatchSize?: number;
  exportTimeoutMillis?: number;
}

/** `OTEL_<prefix>_SCHEDULE_DELAY`... as options; unset or invalid values are left out. */
function batchOptions(env: NodeJS.ProcessEnv, prefix: 'BLRP' | 'BSP'): BatchOptions {
  return Object.fromEntries(
    Object.entries({
      scheduledDelayMillis: positiveInt(env[`OTEL_${prefix}_SCHEDULE_DELAY`]),
      maxQueueSize: positiveInt(env[`OTEL_${prefix}_MAX_QUEUE_SIZE`]),
      maxExportBatchSize: positiveInt(env[`OTEL_${prefix}_MAX_EXPORT_BATCH_SIZE`]),
      exportTimeoutMillis: positiveInt(env[`OTEL_${prefix}_EXPORT_TIMEOUT`]),
    }).filter(([, v]) => v !== undefined),
  );
}

/** A positive integer from the environment, or undefined when unset or invalid. */
function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function flag(value: string | undefined): boolean {
  return value === '1' || value === 'true' || value === 'yes';
}

export function readShopOptions(env: NodeJS.ProcessEnv = process.env): ShopOptions {
  const port = Number(env.PORT ?? '3000');
  const log2 = Number(env.SHOP_SCRYPT_LOG2N ?? '17');
  return {
    port: Number.isInteger(port) && port >= 0 && port < 65536 ? port : 3000,
    trustForwarded: flag(env.SHOP_DEMO_TRUST_FORWARDED),
    scryptLog2Cost: Number.isInteger(log2) ? log2 : 17,
    outputDir: resolve(env.SECMON_OUTPUT_DIR ?? '.secmon-demo'),
    otlpConfigured: Boolean(
      env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT || env.OTEL_LOGS_EXPORTER,
    ),
    pseudonymKey: env.SECMON_PSEUDONYM_KEY || undefined,
    serviceName: env.OTEL_SERVICE_NAME || 'express-shop',
    environment: env.NODE_ENV || undefined,
    logExport: batchOptions(env, 'BLRP'),
    spanExport: batchOptions(env, 'BSP'),
  };
}
