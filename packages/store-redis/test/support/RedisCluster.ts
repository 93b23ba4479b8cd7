// A real three-master Redis Cluster on loopback, from Debian's redis-server and redis-cli: three RedisServer
// children in cluster mode (client and bus ports chosen free), joined with `redis-cli --cluster create`.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort, RedisServer } from '@secmon/test-utils';
import { Redis } from 'ioredis';

const run = promisify(execFile);

export class RedisCluster {
  readonly nodes: readonly RedisServer[];

  private constructor(nodes: readonly RedisServer[]) {
    this.nodes = nodes;
  }

  static async start(): Promise<RedisCluster> {
    const nodes: RedisServer[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        nodes.push(
          await RedisServer.start({
            args: [
              '--cluster-enabled',
              'yes',
              '--cluster-config-file',
              'nodes.conf',
              '--cluster-node-timeout',
              '2000',
              '--cluster-port',
              String(await freePort()),
            ],
          }),
        );
      }
      await run(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...nodes.map((n) => `${n.host}:${n.port}`),
          '--cluster-replicas',
          '0',
          '--cluster-yes',
        ],
        { timeout: 30_000 },
      );
      const deadline = Date.now() + 30_000;
      for (const n of nodes) {
        const c = new Redis({ host: n.host, port: n.port, lazyConnect: true });
        await c.connect();
        try {
          for (;;) {
            const info = String(await c.call('CLUSTER', 'INFO'));
            if (info.includes('cluster_state:ok') && info.includes('cluster_known_nodes:3')) break;
            if (Date.now() > deadline) throw new Error(`cluster not ready: ${info}`);
            await new Promise((r) => setTimeout(r, 50));
          }
        } finally {
          c.disconnect();
        }
      }
      return new RedisCluster(nodes);
    } catch (e) {
      await Promise.all(nodes.map((n) => n.close()));
      throw e;
    }
  }

  /** Startup nodes for an ioredis `Cluster`. */
  get startupNodes(): { host: string; port: number }[] {
    return this.nodes.map((n) => ({ host: n.host, port: n.port }));
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.close()));
  }
}

/** True when redis-cli (Debian's redis-tools, a dependency of redis-server) can build a cluster. */
export function clusterCheck(): true | string {
  const server = RedisServer.check();
  return server === true ? true : server;
}
