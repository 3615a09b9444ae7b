/**
 * PostgreSQL servers for tests: `initdb` into a throwaway dir, `postgres` on a
 * free loopback port, killed and removed after. PostgreSQL refuses to run as
 * root, so under root both run as an unprivileged OS user (`postgres` if it
 * exists, else `nobody`) through `setpriv`, which execs in place: the pid that
 * ServerProcess kills is the postmaster itself.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { findBinary, freePort, missingServer, removeDir, ServerProcess, throwawayDir, waitUntil } from './server-process.js';

/** Where Debian/Ubuntu put the server binaries (not on PATH), newest version first. */
function postgresBinDirs(): string[] {
  try {
    return readdirSync('/usr/lib/postgresql')
      .filter((version) => /^\d+$/.test(version))
      .sort((a, b) => Number(b) - Number(a))
      .map((version) => join('/usr/lib/postgresql', version, 'bin'));
  } catch {
    return [];
  }
}

/** Full path of a PostgreSQL server binary (initdb, postgres, pgbench), or undefined. */
export function postgresBinary(name: string): string | undefined {
  return findBinary(name, postgresBinDirs());
}

/** `{ skip }` when initdb/postgres are missing (throws under LOCKBENCH_REQUIRE_BACKENDS=1). */
export function postgresMissing(): { skip: string } | undefined {
  return postgresBinary('initdb') && postgresBinary('postgres')
    ? undefined
    : missingServer('PostgreSQL (initdb, postgres)', 'Debian package postgresql');
}

/** The unprivileged account to run the server as when we are root; undefined when we are not root. */
function serverAccount(): { uid: number; gid: number; name: string } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0) return { uid: Number(uid.stdout), gid: Number(gid.stdout), name };
  }
  throw new Error('running as root, and neither a postgres nor a nobody account exists to run PostgreSQL as');
}

/** `command args` as the server account (unchanged when not root). */
function asServerAccount(command: string, args: readonly string[]): { command: string; args: string[] } {
  const account = serverAccount();
  if (!account) return { command, args: [...args] };
  return { command: 'setpriv', args: [`--reuid=${account.uid}`, `--regid=${account.gid}`, '--clear-groups', '--', command, ...args] };
}

/** One `postgres` on 127.0.0.1:port; the superuser `postgres` logs in without a password. */
export class PostgresServer extends ServerProcess {
  constructor(
    port: number,
    /** the throwaway dir: `data/` inside it, and the unix socket */
    readonly dir: string,
  ) {
    const server = asServerAccount(postgresBinary('postgres')!, [
      '-D', join(dir, 'data'), '-p', String(port), '-k', dir,
      '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200',
      '-c', 'shared_buffers=16MB', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    ]);
    super({ ...server, port, cwd: dir, ready: () => answers(localUrl(port)) });
  }

  /** What a scenario would use. */
  get url(): string {
    return localUrl(this.port);
  }

  /** Runs one statement on a fresh connection (admin work: pg_terminate_backend, pg_locks). */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<Row[]> {
    return queryOnce<Row>(this.url, text, values);
  }

  /**
   * Starts again after a kill. A SIGKILLed postmaster leaves its backends to
   * notice and exit; until they have, a new postmaster refuses to start on the
   * same data dir ("shared memory block is still in use"), so this retries.
   */
  async restart(timeoutMs = 30_000): Promise<void> {
    let lastError: unknown;
    await waitUntil(
      async () => {
        try {
          await this.start();
          return true;
        } catch (error) {
          lastError = error;
          return false;
        }
      },
      timeoutMs,
      `postgres to restart on 127.0.0.1:${this.port} (${String(lastError)})`,
    );
  }

  async remove(): Promise<void> {
    await this.kill();
    removeDir(this.dir);
  }
}

function localUrl(port: number): string {
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

async function queryOnce<Row extends Record<string, unknown>>(url: string, text: string, values: unknown[]): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Readiness: a real query, not just an open port (the server says "starting up" first). */
async function answers(url: string): Promise<boolean> {
  try {
    await queryOnce(url, 'SELECT 1', []);
    return true;
  } catch {
    return false;
  }
}

/** initdb into a throwaway dir and start a server on a free port. */
export async function startPostgresServer(): Promise<PostgresServer> {
  const dir = throwawayDir('postgres');
  try {
    const account = serverAccount();
    if (account) chownSync(dir, account.uid, account.gid);
    const initdb = asServerAccount(postgresBinary('initdb')!, [
      '-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync',
    ]);
    const done = spawnSync(initdb.command, initdb.args, { encoding: 'utf8', cwd: dir });
    if (done.status !== 0) throw new Error(`initdb failed (${done.status}):\n${done.stderr || done.stdout}`);
    const server = new PostgresServer(await freePort(), dir);
    await server.start();
    return server;
  } catch (error) {
    removeDir(dir);
    throw error;
  }
}
