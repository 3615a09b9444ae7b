/** etcd servers for tests: one member on free loopback ports, a throwaway data dir, killed after. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { findBinary, freePorts, missingServer, removeDir, ServerProcess, startInDir, throwawayDir } from './server-process.js';

/**
 * Raft timings of the test server: a 500 ms election timeout makes etcd's
 * minimum lease TTL 1 s (1.5 × election timeout, rounded up to whole seconds)
 * instead of the default 2 s, so the conformance suite's 1 s leases are kept
 * as asked.
 */
const HEARTBEAT_MS = 50;
const ELECTION_TIMEOUT_MS = 500;

/** One etcd member. `url` is what a scenario would use. */
export class EtcdServer extends ServerProcess {
  constructor(
    port: number,
    readonly peerPort: number,
    readonly dir: string,
  ) {
    const client = `http://127.0.0.1:${port}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    super({
      command: findBinary('etcd')!,
      port,
      cwd: dir,
      args: [
        '--name', 'default',
        '--data-dir', join(dir, 'data'),
        '--listen-client-urls', client, '--advertise-client-urls', client,
        '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
        '--initial-cluster', `default=${peer}`,
        '--heartbeat-interval', String(HEARTBEAT_MS), '--election-timeout', String(ELECTION_TIMEOUT_MS),
        '--logger', 'zap', '--log-level', 'warn',
      ],
      // readiness: a real request (the port opens before the member has a leader)
      ready: async () => (await etcdctl(client, ['endpoint', 'health'])).status === 0,
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async remove(): Promise<void> {
    await this.kill();
    removeDir(this.dir);
  }
}

/** Runs etcdctl against `url` (v3 API, short timeouts). */
export function etcdctl(url: string, args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const command = findBinary('etcdctl') ?? 'etcdctl';
  const argv = ['--endpoints', url, '--dial-timeout', '1s', '--command-timeout', '2s', ...args];
  return new Promise((resolve) => {
    execFile(command, argv, { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' } }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

/** `{ skip }` when etcd or etcdctl is missing (throws under LOCKBENCH_REQUIRE_BACKENDS=1). */
export function etcdMissing(): { skip: string } | undefined {
  if (!findBinary('etcd')) return missingServer('etcd', 'Debian package etcd-server');
  if (!findBinary('etcdctl')) return missingServer('etcdctl', 'Debian package etcd-client');
  return undefined;
}

/** Starts one etcd member on free client and peer ports. */
export async function startEtcdServer(): Promise<EtcdServer> {
  const [port, peerPort] = await freePorts(2);
  return startInDir(new EtcdServer(port, peerPort, throwawayDir('etcd')));
}
