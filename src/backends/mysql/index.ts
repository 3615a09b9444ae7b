import { monotonicMs } from '../../clock.js';
import { whenAborted } from '../../abort.js';
import { BackendUnavailableError } from '../../errors.js';
import type { AcquireOptions, BackendContext, BackendFactory, Lease, LockBackend } from '../types.js';
import { lockName } from './lock-name.js';
import { SessionPool } from './pool.js';
import { MysqlLease, openSession, type Session } from './session.js';
import { mysqlSettings, reasonOf, type MysqlSettings, type MysqlSpec } from './settings.js';
import { GET_LOCK_NULL, statementsFor, type OkPacket, type Statements } from './statements.js';

/**
 * Connections of all workers together when `poolSize` is not given: each
 * worker gets its share of the clients, at most 128 / workers (MySQL's default
 * max_connections is 151, and the coordinator and other clients need a few).
 */
const DEFAULT_TOTAL_CONNECTIONS = 128;

/** Stats names in the report's `backend.stats` (summed across workers). */
const STAT = {
  connectionsLost: 'connections lost',
  leasesLost: 'leases lost with their connection',
  waitsKilled: 'waits ended by KILL QUERY',
} as const;

/**
 * MySQL / MariaDB named locks (GET_LOCK / RELEASE_LOCK), fenced by a counter
 * row per key updated under the lock in the same statement (statements.ts).
 *
 * - Each lease is pinned to the connection that holds its lock until release;
 *   the pool (pool.ts) has `poolSize` connections per worker.
 * - `waitMs` is GET_LOCK's timeout: MariaDB takes fractional seconds (µs),
 *   MySQL whole seconds (rounded up: a wait may overrun its budget by < 1 s).
 *   A first try with timeout 0 tells a free key (`contended: false`) from one
 *   that had to be waited for.
 * - An aborted `signal` ends a blocking GET_LOCK on the server (KILL QUERY from
 *   a separate control connection); acquire then resolves null, holding nothing.
 * - Keys longer than 64 characters are hashed to a stable name (lock-name.ts).
 *   MariaDB compares lock names exactly; servers that compare them without
 *   regard to case make keys that differ only in case share one lock.
 * - No TTL: `expiresAt` is Infinity, and there is no `extend` (nothing to
 *   push; a lease is held until release or until its connection ends). A
 *   connection that drops while it holds marks its lease `lost`, counted in
 *   stats() and never reused.
 */
export class MysqlBackend implements LockBackend {
  readonly name = 'mysql';
  private readonly settings: MysqlSettings;
  private readonly statements: Statements;
  private readonly pool: SessionPool;
  /** the connection KILL QUERY is sent from, opened at the first abort */
  private control: Promise<Session> | undefined;
  /** MariaDB takes GET_LOCK timeouts in fractions of a second, MySQL in whole seconds */
  private fractionalTimeouts = false;
  private leases = 0;
  private readonly counts = { connectionsLost: 0, leasesLost: 0, waitsKilled: 0 };

  constructor(spec: MysqlSpec, poolSize: number) {
    this.settings = mysqlSettings(spec);
    this.statements = statementsFor(spec.fenceTable);
    this.pool = new SessionPool(this.settings.connection, poolSize, (session) => this.countLost(session));
  }

  /** Opens the first connection, learns the server's flavour and creates the fence table. */
  async connect(): Promise<void> {
    let session: Session | null;
    try {
      session = await this.pool.take();
    } catch (error) {
      throw new BackendUnavailableError(`mysql: cannot connect to ${this.settings.address}: ${reasonOf(error, this.settings.secrets)}`);
    }
    if (!session) throw new BackendUnavailableError(`mysql: cannot connect to ${this.settings.address}: the backend is closed`);
    try {
      const [{ version }] = await session.query<{ version: string }[]>(this.statements.version);
      this.fractionalTimeouts = /mariadb/i.test(version);
      await session.query(this.statements.createFenceTable);
    } catch (error) {
      this.pool.discard(session);
      throw new BackendUnavailableError(`mysql at ${this.settings.address}: cannot prepare the fence table: ${reasonOf(error, this.settings.secrets)}`);
    }
    this.pool.give(session);
  }

  async acquire(key: string, opts: AcquireOptions): Promise<Lease | null> {
    const { signal } = opts;
    if (signal?.aborted) return null;
    const deadline = opts.waitMs > 0 ? monotonicMs() + opts.waitMs : 0;
    const session = this.pool.takeIdle() ?? (await this.takeSession(signal));
    if (!session) return null;
    const name = lockName(key);
    let answer: OkPacket;
    try {
      answer = await session.query<OkPacket>(this.statements.acquire, [name, name, 0]);
    } catch (error) {
      this.pool.discard(session);
      throw this.failure('GET_LOCK', error);
    }
    if (answer.affectedRows > 0) return this.grant(key, name, answer.insertId, false, session);
    if (answer.insertId === GET_LOCK_NULL) {
      this.pool.give(session);
      throw new Error(`mysql ${this.settings.address}: GET_LOCK answered NULL (the query was killed, or the server failed)`);
    }
    const remaining = deadline - monotonicMs();
    if (remaining <= 0 || signal?.aborted) {
      this.pool.give(session);
      return null;
    }
    return this.wait(key, name, remaining, session, signal);
  }

  async release(lease: Lease): Promise<boolean> {
    const session = MysqlLease.sessionOf(lease);
    // a forged or copied lease, or one released already, is not this connection's
    if (!session || session.lease !== lease) return false;
    if (lease.lost || session.dead) {
      session.lease = undefined;
      return false;
    }
    let rows: { released: number | null }[];
    try {
      rows = await session.query(this.statements.release, [(lease as MysqlLease).name]);
    } catch (error) {
      session.lease = undefined;
      this.pool.discard(session);
      // the connection dropped under the release: the lock went with it
      if (lease.lost) return false;
      throw this.failure('RELEASE_LOCK', error);
    }
    session.lease = undefined;
    this.pool.give(session);
    return rows[0]?.released === 1;
  }

  stats(): Readonly<Record<string, number>> {
    return {
      [STAT.connectionsLost]: this.counts.connectionsLost,
      [STAT.leasesLost]: this.counts.leasesLost,
      [STAT.waitsKilled]: this.counts.waitsKilled,
    };
  }

  async close(): Promise<void> {
    const control = this.control;
    this.control = undefined;
    await this.pool.close();
    if (control) (await control.catch(() => undefined))?.retire();
  }

  /** A connection, waiting for one when all are in use; a failure to open one is an error. */
  private async takeSession(signal: AbortSignal | undefined): Promise<Session | null> {
    try {
      return await this.pool.take(signal);
    } catch (error) {
      throw this.failure('connect', error);
    }
  }

  /** The key was held at the first try: block in GET_LOCK for what is left of the budget. */
  private async wait(key: string, name: string, remainingMs: number, session: Session, signal: AbortSignal | undefined): Promise<Lease | null> {
    let killing: Promise<void> | undefined;
    const unsubscribe = signal ? whenAborted(signal, () => (killing = this.killWait(session))) : undefined;
    let answer: OkPacket;
    try {
      answer = await session.query<OkPacket>(this.statements.acquire, [name, name, this.timeoutSeconds(remainingMs)]);
    } catch (error) {
      unsubscribe?.();
      await killing;
      this.pool.discard(session);
      if (signal?.aborted) return null;
      throw this.failure('GET_LOCK', error);
    }
    unsubscribe?.();
    // the session goes back only once a KILL QUERY aimed at this wait has been delivered
    await killing;
    if (answer.affectedRows > 0) {
      if (!signal?.aborted) return this.grant(key, name, answer.insertId, true, session);
      // granted just as the abort came: give the lock back, the caller has gone
      return this.dropLock(session, name);
    }
    if (answer.insertId === GET_LOCK_NULL && !signal?.aborted) {
      this.pool.give(session);
      throw new Error(`mysql ${this.settings.address}: GET_LOCK answered NULL (the query was killed, or the server failed)`);
    }
    this.pool.give(session);
    return null;
  }

  private grant(key: string, name: string, fence: number, contended: boolean, session: Session): Lease {
    const lease = new MysqlLease(key, name, `${session.threadId}:${++this.leases}`, fence, contended, session);
    session.lease = lease;
    return lease;
  }

  /** Releases a lock nobody will use; a connection that cannot is closed (which frees it). */
  private async dropLock(session: Session, name: string): Promise<null> {
    try {
      await session.query(this.statements.release, [name]);
      this.pool.give(session);
    } catch {
      this.pool.discard(session);
    }
    return null;
  }

  /**
   * Ends `session`'s blocking GET_LOCK on the server: KILL QUERY from the
   * control connection (GET_LOCK then answers NULL). If that cannot be sent,
   * the waiting connection is closed instead.
   */
  private async killWait(session: Session): Promise<void> {
    const threadId = session.threadId;
    try {
      let control = await this.controlSession();
      if (control.dead) {
        this.control = undefined;
        control = await this.controlSession();
      }
      await control.query(`KILL QUERY ${threadId}`);
      this.counts.waitsKilled++;
    } catch {
      this.control = undefined;
      this.pool.discard(session);
    }
  }

  private controlSession(): Promise<Session> {
    this.control ??= openSession(this.settings.connection, () => undefined);
    return this.control;
  }

  private timeoutSeconds(ms: number): number {
    return this.fractionalTimeouts ? Math.ceil(ms * 1000) / 1e6 : Math.ceil(ms / 1000);
  }

  private countLost(session: Session): void {
    this.counts.connectionsLost++;
    if (session.lease) this.counts.leasesLost++;
  }

  /** An operation's error as one line naming the server, never the password. */
  private failure(operation: string, error: unknown): Error {
    return new Error(`mysql ${this.settings.address}: ${operation} failed: ${reasonOf(error, this.settings.secrets)}`);
  }
}

/**
 * The mysql backend's factory: one pool per worker, of `poolSize` connections
 * (default: the worker's share of the clients, capped so that all workers
 * together open at most 128).
 */
export const mysqlBackendFactory: BackendFactory<MysqlSpec> = {
  type: 'mysql',
  create(spec, _shared, context: BackendContext) {
    return new MysqlBackend(spec, spec.poolSize ?? defaultPoolSize(context));
  },
};

function defaultPoolSize(context: BackendContext): number {
  const cap = Math.max(1, Math.floor(DEFAULT_TOTAL_CONNECTIONS / Math.max(1, context.workerCount)));
  return Math.max(1, Math.min(context.clientsPerWorker, cap));
}
