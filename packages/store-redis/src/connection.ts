import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** What the stores accept as a connection: an ioredis client or cluster (yours), or how to create one (ours). */
export type RedisConnection = Redis | Cluster | RedisOptions | string;

/**
 * ioredis options for a client that must never hold the application up: commands fail at once while the
 * connection is down (no offline queue, no retry of in-flight commands, no resend on reconnect) and a command
 * Redis does not answer within a second fails; reconnection goes on in the background with a bounded,
 * jittered backoff. The stores apply these to the clients they create; use them for a client or cluster you
 * create yourself (`new Redis({ ...REDIS_CLIENT_DEFAULTS, host, port })`).
 */
export const REDIS_CLIENT_DEFAULTS: Readonly<RedisOptions> = Object.freeze({
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  commandTimeout: 1_000,
  connectTimeout: 2_000,
  retryStrategy: backoff(2_000),
});

/** Reconnect delay: 50 ms doubling up to `maxMillis`, with ±20% jitter so a fleet does not reconnect in step. */
export function backoff(maxMillis: number): (times: number) => number {
  return (times: number) => {
    const base = Math.min(maxMillis, 50 * 2 ** Math.min(Math.max(0, times - 1), 16));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  };
}

export function isCluster(client: Redis | Cluster): client is Cluster {
  return client instanceof Cluster || (client as { isCluster?: boolean }).isCluster === true;
}

/** Resolves a {@link RedisConnection}: a client we own (created with our defaults) or the caller's. */
export function openConnection(
  connection: RedisConnection,
  overrides: { commandTimeoutMillis: number; maxReconnectDelayMillis: number },
): { client: Redis | Cluster; owned: boolean } {
  if (connection instanceof Redis || connection instanceof Cluster)
    return { client: connection, owned: false };
  if (
    typeof connection === 'object' &&
    typeof (connection as { pipeline?: unknown }).pipeline === 'function'
  ) {
    // An ioredis client from another copy of the package (instanceof fails across copies).
    return { client: connection as unknown as Redis, owned: false };
  }
  const defaults: RedisOptions = {
    ...REDIS_CLIENT_DEFAULTS,
    commandTimeout: overrides.commandTimeoutMillis,
    retryStrategy: backoff(overrides.maxReconnectDelayMillis),
  };
  const client =
    typeof connection === 'string'
      ? new Redis(connection, defaults)
      : new Redis({ ...defaults, ...connection });
  return { client, owned: true };
}

/**
 * Undoes what a store did to a client: removes the listeners it added and, when the store created the client,
 * quits it (or disconnects it when it is not connected). Never throws.
 */
export async function releaseConnection(
  client: Redis | Cluster,
  owned: boolean,
  listeners: readonly (readonly [string, (...args: unknown[]) => void])[],
): Promise<void> {
  for (const [event, fn] of listeners) client.off(event, fn);
  if (!owned) return;
  try {
    if (client.status === 'ready') await client.quit();
    else client.disconnect();
  } catch {
    client.disconnect();
  }
}
