/** redis-server instances for tests: free loopback ports, no persistence, killed after. */
import { findBinary, freePort, missingServer, removeDir, ServerProcess, throwawayDir } from './server-process.js';

export interface RedisServerOptions {
  /** requirepass; the URL then carries it */
  readonly password?: string;
  /** extra redis-server arguments, e.g. ['--cluster-enabled', 'yes'] */
  readonly args?: readonly string[];
}

/** One redis-server. `url` is what a scenario would use. */
export class RedisServer extends ServerProcess {
  constructor(
    port: number,
    readonly dir: string,
    readonly password?: string,
    args: readonly string[] = [],
  ) {
    super({
      command: findBinary('redis-server')!,
      port,
      cwd: dir,
      args: [
        '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
        '--save', '', '--appendonly', 'no', '--protected-mode', 'no',
        ...(password ? ['--requirepass', password] : []),
        ...args,
      ],
    });
  }

  get url(): string {
    return `redis://${this.password ? `:${encodeURIComponent(this.password)}@` : ''}127.0.0.1:${this.port}`;
  }

  async remove(): Promise<void> {
    await this.kill();
    removeDir(this.dir);
  }
}

/** `{ skip }` when redis-server is missing (throws under LOCKBENCH_REQUIRE_BACKENDS=1). */
export function redisMissing(): { skip: string } | undefined {
  return findBinary('redis-server') ? undefined : missingServer('redis-server', 'Debian package redis-server');
}

/** Starts `count` independent redis-servers (Redlock nodes, or one). */
export async function startRedisServers(count: number, options: RedisServerOptions = {}): Promise<RedisServer[]> {
  const servers: RedisServer[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = new RedisServer(await freePort(), throwawayDir('redis'), options.password, options.args);
      servers.push(server);
      await server.start();
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.remove()));
    throw error;
  }
  return servers;
}
