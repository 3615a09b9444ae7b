import pg from 'pg';
import { monotonicMs } from '../../clock.js';
import { BackendUnavailableError } from '../../errors.js';
import type { BackendSpec } from '../../scenario/types.js';
import type { AcquireOptions, BackendContext, BackendFactory, Lease, LockBackend } from '../types.js';
import { advisoryLockId } from './key-hash.js';
import { SessionScope, TransactionScope, type LockScope } from './lock-scope.js';
import { ServerAddress } from './server-address.js';
import { SessionPool, type Session } from './session-pool.js';

type PostgresSpec = Extract<BackendSpec, { type: 'postgres' }>;

/** SQLSTATE of a lock wait that ran out of lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';
/** SQLSTATE of a statement ended by a cancel request. */
const QUERY_CANCELED = '57014';
/** SQLSTATEs of a CREATE … IF NOT EXISTS that lost a race with the same CREATE in another session. */
const CREATED_CONCURRENTLY = new Set(['23505', '42P07']);
/** After an abort, how long a wait may take to end by its cancel before its connection is dropped instead. */
const CANCEL_GRACE_MS = 1_000;

/**
 * Connections that all workers of one run open together by default. The
 * server's max_connections defaults to 100, minus 3 reserved for superusers,
 * and other clients need some too; the workers share this budget.
 */
export const DEFAULT_CONNECTION_BUDGET = 90;

/**
 * A worker's pool size when the spec sets none: one connection per client of
 * the worker (each holder or waiter needs its own), capped at the worker's
 * share of DEFAULT_CONNECTION_BUDGET. Requests beyond the pool wait for a
 * connection, and that wait is part of their acquire latency.
 */
export function defaultPoolSize(context: BackendContext): number {
  const share = Math.floor(DEFAULT_CONNECTION_BUDGET / Math.max(1, context.workerCount));
  return Math.max(1, Math.min(context.clientsPerWorker, share));
}

/**
 * PostgreSQL advisory locks. Each holder (and each blocked waiter) has a
 * connection of its own from the pool: a session-level lock belongs to the
 * connection, an xact lock to the connection's open transaction.
 *
 * - acquire, waitMs 0 (the driver retries): one `pg_try_advisory_lock`.
 *   waitMs > 0 (retry: none): `pg_advisory_lock` with `lock_timeout` set to
 *   what is left of the budget, in the same statement; running out of it
 *   (SQLSTATE 55P03) is a null. An aborted signal sends a cancel request for
 *   the wait; the statement then ends (57014) and the connection is clean.
 * - fence: `nextval` of one sequence, taken in the statement that got the lock,
 *   after the lock: increasing in grant order per key (and across keys).
 * - release: `pg_advisory_unlock` (session) or COMMIT (xact) on the holder's
 *   own connection.
 * - no TTL: PostgreSQL ends a lock only at unlock or when its connection ends,
 *   so expiresAt is Infinity and there is no extend (nothing to push forward;
 *   a dropped connection is noticed at once without asking the server).
 *   A holder whose connection fails or is terminated gets `lease.lost` and is
 *   counted in stats() as "connections lost"; that connection is never reused.
 */
export class PostgresBackend implements LockBackend {
  readonly name = 'postgres';
  private readonly address: ServerAddress;
  private readonly pool: SessionPool;
  private readonly scope: LockScope;
  /** the session holding each live lease, by token */
  private readonly holders = new Map<string, Session>();

  constructor(
    private readonly spec: PostgresSpec,
    poolSize: number,
    /** open the whole pool in connect() (a worker), not just one connection (the coordinator's check) */
    private readonly warmUp: boolean,
  ) {
    this.address = new ServerAddress(spec.url);
    this.pool = new SessionPool(
      { connectionString: spec.url, connectionTimeoutMillis: spec.connectTimeoutMs, keepAlive: true, application_name: 'lockbench' },
      poolSize,
    );
    this.scope = spec.lockScope === 'xact' ? new TransactionScope(spec.fenceSequence) : new SessionScope(spec.fenceSequence);
  }

  /**
   * Opens the first connection and creates the fence sequence if it is
   * missing; then, when warming up, the rest of the pool.
   */
  async connect(): Promise<void> {
    let session: Session | null;
    try {
      session = await this.pool.take(Infinity);
    } catch (error) {
      throw new BackendUnavailableError(`cannot connect to postgres at ${this.address.text}: ${this.address.describe(error)}`);
    }
    if (!session) throw new BackendUnavailableError(`cannot connect to postgres at ${this.address.text}: the backend was closed`);
    try {
      await session.client.query(`CREATE SEQUENCE IF NOT EXISTS ${pg.escapeIdentifier(this.spec.fenceSequence)}`);
    } catch (error) {
      if (!CREATED_CONCURRENTLY.has((error as { code?: string }).code ?? '')) {
        this.pool.drop(session);
        throw new BackendUnavailableError(
          `postgres at ${this.address.text}: cannot create the fence sequence ${this.spec.fenceSequence}: ${this.address.describe(error)}`,
        );
      }
    }
    this.pool.give(session);
    if (this.warmUp) await this.pool.fill();
  }

  async acquire(key: string, opts: AcquireOptions): Promise<Lease | null> {
    const deadline = opts.waitMs > 0 ? monotonicMs() + opts.waitMs : Infinity;
    let session: Session | null;
    try {
      session = await this.pool.take(deadline, opts.signal);
    } catch (error) {
      throw this.failure(error);
    }
    if (!session) return null;
    const lockId = advisoryLockId(key);
    try {
      // what the wait for a connection left of the budget; none left: still one try
      const timeoutMs = opts.waitMs > 0 ? Math.ceil(deadline - monotonicMs()) : 0;
      if (timeoutMs >= 1) return await this.waitForLock(session, key, lockId, timeoutMs, opts.signal);
      const fence = await this.scope.tryLock(session, lockId);
      if (fence === null) {
        this.pool.give(session);
        return null;
      }
      return this.grant(session, key, lockId, fence, false);
    } catch (error) {
      this.pool.drop(session);
      throw this.failure(error);
    }
  }

  async release(lease: Lease): Promise<boolean> {
    const session = this.holders.get(lease.token);
    if (!session) return false;
    this.holders.delete(lease.token);
    if (session.gone) {
      session.lease = undefined;
      return false;
    }
    try {
      const released = await this.scope.unlock(session, session.lockId);
      session.lease = undefined;
      this.pool.give(session);
      return released;
    } catch (error) {
      // a connection that died under the unlock took the lock with it (the pool marked the lease lost)
      const lost = session.gone;
      session.lease = undefined;
      this.pool.drop(session);
      if (lost) return false;
      throw this.failure(error);
    }
  }

  /**
   * `connections opened`; `connections lost`: connections that failed or were
   * terminated while holding a lock (each one a lost lease); `waits for a free
   * connection`: acquires that found every connection of the pool in use.
   */
  stats(): Readonly<Record<string, number>> {
    const { opened, lost, waits } = this.pool.counters;
    return { 'connections opened': opened, 'connections lost': lost, 'waits for a free connection': waits };
  }

  async close(): Promise<void> {
    this.holders.clear();
    await this.pool.close();
  }

  /**
   * A blocking attempt. On abort a cancel request ends the wait server-side;
   * if the lock was granted anyway, or the wait does not end soon, the
   * connection is dropped instead (that frees the lock, and no late cancel can
   * hit the connection's next statement).
   */
  private async waitForLock(session: Session, key: string, lockId: string, timeoutMs: number, signal?: AbortSignal): Promise<Lease | null> {
    if (signal?.aborted) {
      this.pool.give(session);
      return null;
    }
    let cancelled = false;
    let fallback: NodeJS.Timeout | undefined;
    const cancel = (): void => {
      cancelled = true;
      // processID and secretKey come from the server's BackendKeyData (not in @types/pg)
      const { processID, secretKey } = session.client as unknown as { processID: number; secretKey: number };
      this.address.sendCancel(processID, secretKey, this.spec.connectTimeoutMs);
      fallback = setTimeout(() => this.pool.drop(session), CANCEL_GRACE_MS);
    };
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      const [contended, fence] = await this.scope.waitLock(session, lockId, timeoutMs);
      if (!cancelled) return this.grant(session, key, lockId, fence, contended);
      this.pool.drop(session);
      return null;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (cancelled) {
        if (code === QUERY_CANCELED) this.pool.give(session);
        else this.pool.drop(session);
        return null;
      }
      if (code !== LOCK_NOT_AVAILABLE) throw error;
      this.pool.give(session);
      return null;
    } finally {
      clearTimeout(fallback);
      signal?.removeEventListener('abort', cancel);
    }
  }

  private grant(session: Session, key: string, lockId: string, fenceText: string, contended: boolean): Lease {
    const fence = Number(fenceText);
    const lease: Lease = {
      key,
      token: fenceText,
      fence: Number.isSafeInteger(fence) ? fence : BigInt(fenceText),
      expiresAt: Infinity,
      contended,
      lost: false,
    };
    session.lease = lease;
    session.lockId = lockId;
    this.holders.set(fenceText, session);
    return lease;
  }

  private failure(error: unknown): Error {
    return new Error(`postgres ${this.address.text}: ${this.address.describe(error)}`);
  }
}

/**
 * The postgres backend's factory: a pool per worker, sized by
 * `defaultPoolSize` unless the spec says, opened in full when the worker
 * connects.
 */
export const postgresBackendFactory: BackendFactory<PostgresSpec> = {
  type: 'postgres',
  create(spec, _shared, context) {
    return new PostgresBackend(spec, spec.poolSize ?? defaultPoolSize(context), context.workerIndex >= 0);
  },
};
