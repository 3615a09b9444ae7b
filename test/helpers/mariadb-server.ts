/**
 * MariaDB servers for tests: `mariadb-install-db` into a throwaway data dir,
 * then `mariadbd` on a free loopback port (never the machine's own 3306),
 * killed and removed after. Works as root (mariadbd then needs --user=root)
 * and as a normal user.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection, type Connection } from 'mysql2/promise';
import { findBinary, freePort, missingServer, removeDir, ServerProcess, throwawayDir } from './server-process.js';

const run = promisify(execFile);
const SBIN = ['/usr/sbin', '/usr/local/sbin', '/usr/local/mysql/bin'];

/** A user with a password, for tests that check the password never leaks. */
export interface MariadbUser {
  readonly name: string;
  readonly password: string;
}

const asRoot = process.getuid?.() === 0;

/** Options both the bootstrap and the server take: small, and no native AIO (many servers share the machine). */
const INNODB = ['--innodb-buffer-pool-size=32M', '--innodb-log-file-size=16M', '--innodb-use-native-aio=0'];

function rootConnection(port: number): Promise<Connection> {
  return createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 2_000 });
}

/** One mariadbd with its own data dir. */
export class MariadbServer extends ServerProcess {
  constructor(
    port: number,
    readonly dir: string,
    command: string,
  ) {
    super({
      command,
      port,
      startTimeoutMs: 30_000,
      args: [
        '--no-defaults',
        `--datadir=${join(dir, 'data')}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(dir, 'sock')}`,
        `--pid-file=${join(dir, 'mariadbd.pid')}`,
        `--tmpdir=${dir}`,
        '--skip-log-bin',
        '--skip-name-resolve',
        '--max-connections=300',
        ...INNODB,
        ...(asRoot ? ['--user=root'] : []),
      ],
      // ready once a real query answers, not when the port opens
      ready: async () => {
        try {
          const connection = await rootConnection(port);
          await connection.query('SELECT 1');
          await connection.end();
          return true;
        } catch {
          return false;
        }
      },
    });
  }

  /** `mysql://root@127.0.0.1:PORT/test`, or with the given user and password. */
  url(user?: MariadbUser, database = 'test'): string {
    const userinfo = user ? `${encodeURIComponent(user.name)}:${encodeURIComponent(user.password)}` : 'root';
    return `mysql://${userinfo}@127.0.0.1:${this.port}/${database}`;
  }

  /** A new connection as root (the caller ends it): for setup, and for KILLs from "another session". */
  rootConnection(): Promise<Connection> {
    return rootConnection(this.port);
  }

  /** Runs statements as root on a short-lived connection. */
  async sql(...statements: string[]): Promise<unknown[]> {
    const connection = await this.rootConnection();
    try {
      const results: unknown[] = [];
      for (const statement of statements) results.push((await connection.query(statement))[0]);
      return results;
    } finally {
      await connection.end();
    }
  }

  async remove(): Promise<void> {
    await this.kill();
    removeDir(this.dir);
  }
}

/** `{ skip }` when MariaDB's server is missing (throws under LOCKBENCH_REQUIRE_BACKENDS=1). */
export function mariadbMissing(): { skip: string } | undefined {
  return findBinary('mariadbd', SBIN) && findBinary('mariadb-install-db', SBIN)
    ? undefined
    : missingServer('MariaDB (mariadbd, mariadb-install-db)', 'Debian package mariadb-server');
}

/**
 * Bootstraps a data dir, starts mariadbd on a free port and creates the
 * database `test` (and `user`, with all privileges, when given).
 */
export async function startMariadbServer(options: { user?: MariadbUser } = {}): Promise<MariadbServer> {
  const dir = throwawayDir('mariadb');
  try {
    await run(
      findBinary('mariadb-install-db', SBIN)!,
      [
        '--no-defaults',
        `--datadir=${join(dir, 'data')}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--skip-name-resolve',
        ...INNODB,
        ...(asRoot ? ['--user=root'] : []),
      ],
      { cwd: dir, timeout: 60_000 },
    );
  } catch (error) {
    removeDir(dir);
    throw new Error(`mariadb-install-db failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
  const server = new MariadbServer(await freePort(), dir, findBinary('mariadbd', SBIN)!);
  try {
    await server.start();
    const statements = ['CREATE DATABASE IF NOT EXISTS test'];
    if (options.user) {
      const { name, password } = options.user;
      statements.push(
        `CREATE USER '${name}'@'127.0.0.1' IDENTIFIED BY '${password}'`,
        `GRANT ALL PRIVILEGES ON *.* TO '${name}'@'127.0.0.1'`,
      );
    }
    await server.sql(...statements);
  } catch (error) {
    await server.remove();
    throw error;
  }
  return server;
}
