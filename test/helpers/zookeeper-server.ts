/**
 * ZooKeeper servers for tests: Debian's zookeeper package run standalone
 * (`java … ZooKeeperServerMain zoo.cfg`) on a free loopback port with a
 * throwaway data dir; killed and removed after. One server per test file.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { findBinary, freePort, missingServer, removeDir, ServerProcess, startInDir, throwawayDir } from './server-process.js';

/** Where Debian's zookeeper package puts the server classes. */
export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';

/** `{ skip }` when java or the ZooKeeper jar is missing (throws under LOCKBENCH_REQUIRE_BACKENDS=1). */
export function zookeeperMissing(): { skip: string } | undefined {
  return findBinary('java') && existsSync(ZOOKEEPER_JAR) ? undefined : missingServer(`ZooKeeper (java and ${ZOOKEEPER_JAR})`, 'Debian package zookeeper');
}

/**
 * The server's config: short ticks so sessions of 1–4 s are allowed (the
 * server clamps session timeouts to 2–20 ticks unless told otherwise), no
 * admin HTTP server, the `srvr` four-letter word for the readiness check and `wchp` (watches by path) for tests.
 */
function zooCfg(port: number, dataDir: string): string {
  return [
    'tickTime=500',
    'minSessionTimeout=1000',
    'maxSessionTimeout=60000',
    `dataDir=${dataDir}`,
    `clientPort=${port}`,
    'clientPortAddress=127.0.0.1',
    'admin.enableServer=false',
    '4lw.commands.whitelist=srvr,wchp',
    // many clients of one test run come from one address
    'maxClientCnxns=0',
    '',
  ].join('\n');
}

/** Sends a four-letter word and returns the answer ('' on failure). */
export function fourLetterWord(port: number, word: string, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(word));
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', () => resolve(''));
    socket.on('close', () => resolve(answer));
  });
}

/** One standalone ZooKeeper on 127.0.0.1:port; kill() and start() keep the port and data. */
export class ZooKeeperServer extends ServerProcess {
  constructor(
    port: number,
    /** throwaway dir: zoo.cfg and data/ */
    readonly dir: string,
  ) {
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const config = join(dir, 'zoo.cfg');
    writeFileSync(config, zooCfg(port, dataDir));
    super({
      command: findBinary('java')!,
      args: [
        '-Xms64m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1',
        // throwaway data: skip the fsync per transaction
        '-Dzookeeper.forceSync=no',
        '-cp', ZOOKEEPER_JAR, 'org.apache.zookeeper.server.ZooKeeperServerMain', config,
      ],
      port,
      cwd: dir,
      startTimeoutMs: 60_000,
      // `ruok` says imok as soon as the process runs; `srvr` shows the mode once it serves clients
      ready: async () => (await fourLetterWord(port, 'srvr')).includes('Mode:'),
    });
  }

  /** What a scenario's `connect` would be. */
  get connect(): string {
    return `127.0.0.1:${this.port}`;
  }

  /**
   * Sends `signal` to this server's JVM (SIGSTOP: it stops answering but keeps
   * its connections; SIGCONT: it carries on). The JVM is found by its own
   * zoo.cfg path on its command line, which no other process has.
   */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    const config = join(this.dir, 'zoo.cfg');
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let commandLine = '';
      try {
        commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (commandLine.split('\0').includes(config)) {
        process.kill(Number(entry), signal);
        return;
      }
    }
    throw new Error(`no running ZooKeeper with ${config}`);
  }

  async remove(): Promise<void> {
    await this.kill();
    removeDir(this.dir);
  }
}

/** Starts one server on a free port with a fresh data dir. */
export async function startZooKeeper(): Promise<ZooKeeperServer> {
  return startInDir(new ZooKeeperServer(await freePort(), throwawayDir('zookeeper')));
}
