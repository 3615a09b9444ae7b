import type { QueryArrayResult } from 'pg';
import type { Session } from './session-pool.js';

/** `[contended, fence]`: whether the key was held when the wait began, and the fence taken under the lock. */
export type WaitGrant = [contended: boolean, fence: string];

/**
 * How a lock is taken and given back on one session, in one round trip each.
 * Both scopes take the fence with `nextval` only once the lock is held (the
 * lock is the row the fence is projected from), so fences follow grant order.
 */
export interface LockScope {
  /** One attempt that does not wait: the fence, or null when the key is held. */
  tryLock(session: Session, lockId: string): Promise<string | null>;
  /**
   * Takes the key, waiting up to `timeoutMs` (≥ 1: a lock_timeout of 0 would
   * mean "wait forever"). Rejects with SQLSTATE 55P03 when the wait runs out,
   * 57014 when it was cancelled.
   */
  waitLock(session: Session, lockId: string, timeoutMs: number): Promise<WaitGrant>;
  /** Gives the key back on the session that holds it; false when it was not held there. */
  unlock(session: Session, lockId: string): Promise<boolean>;
}

/**
 * The waiting attempt, one statement: try first (so `contended` tells whether
 * the key was busy), then set the wait budget and block. CASE evaluates its
 * branches in order and only as far as needed, which is what sequences the
 * three calls; the outer query projects the fence from the granted row.
 */
function waitSql(lock: string, tryLock: string, sequence: string, lockId: string, timeout: string, local: boolean): string {
  return (
    `SELECT attempt.contended, nextval(${sequence}) FROM (SELECT CASE` +
    ` WHEN ${tryLock}(${lockId}) THEN false` +
    ` WHEN set_config('lock_timeout', ${timeout}, ${local}) IS NULL THEN NULL` +
    ` WHEN ${lock}(${lockId}) IS NULL THEN NULL` +
    ` ELSE true END AS contended OFFSET 0) AS attempt`
  );
}

/** `nextval` argument for a sequence name: the quoted identifier as a string literal. */
function sequenceLiteral(sequence: string): string {
  return `'"${sequence.replaceAll('"', '""').replaceAll("'", "''")}"'`;
}

/**
 * Session-level locks (`pg_advisory_lock`): held by the connection until
 * `pg_advisory_unlock` or until the connection ends. Prepared statements.
 */
export class SessionScope implements LockScope {
  private readonly tryName: string;
  private readonly trySql: string;
  private readonly waitName: string;
  private readonly waitText: string;
  private readonly unlockName = 'lockbench_unlock';

  constructor(sequence: string) {
    const fence = sequenceLiteral(sequence);
    this.tryName = `lockbench_try:${sequence}`;
    this.trySql = `SELECT CASE WHEN pg_try_advisory_lock($1::bigint) THEN nextval(${fence}) END`;
    this.waitName = `lockbench_wait:${sequence}`;
    this.waitText = waitSql('pg_advisory_lock', 'pg_try_advisory_lock', fence, '$1::bigint', '$2::text', false);
  }

  async tryLock(session: Session, lockId: string): Promise<string | null> {
    const result = await session.client.query<[string | null]>({ name: this.tryName, text: this.trySql, values: [lockId], rowMode: 'array' });
    return result.rows[0][0];
  }

  async waitLock(session: Session, lockId: string, timeoutMs: number): Promise<WaitGrant> {
    const result = await session.client.query<WaitGrant>({ name: this.waitName, text: this.waitText, values: [lockId, String(timeoutMs)], rowMode: 'array' });
    return result.rows[0];
  }

  async unlock(session: Session, lockId: string): Promise<boolean> {
    const result = await session.client.query<[boolean]>({
      name: this.unlockName,
      text: 'SELECT pg_advisory_unlock($1::bigint)',
      values: [lockId],
      rowMode: 'array',
    });
    return result.rows[0][0];
  }
}

/**
 * Transaction-level locks (`pg_advisory_xact_lock`): BEGIN and the lock go in
 * one simple-protocol round trip (the lock id is a decimal we made, safe to
 * inline); the transaction stays open while the lock is held and COMMIT ends
 * both. An attempt that was refused or failed leaves its transaction open: the
 * session's next attempt rolls it back in the same round trip.
 */
export class TransactionScope implements LockScope {
  private readonly fence: string;

  constructor(sequence: string) {
    this.fence = sequenceLiteral(sequence);
  }

  async tryLock(session: Session, lockId: string): Promise<string | null> {
    const text = `${begin(session)}SELECT CASE WHEN pg_try_advisory_xact_lock(${lockId}) THEN nextval(${this.fence}) END`;
    return lastRow<[string | null]>(await session.client.query({ text, rowMode: 'array' }))[0];
  }

  async waitLock(session: Session, lockId: string, timeoutMs: number): Promise<WaitGrant> {
    const text = begin(session) + waitSql('pg_advisory_xact_lock', 'pg_try_advisory_xact_lock', this.fence, lockId, `'${timeoutMs}'`, true);
    return lastRow<WaitGrant>(await session.client.query({ text, rowMode: 'array' }));
  }

  async unlock(session: Session): Promise<boolean> {
    const result = await session.client.query('COMMIT');
    session.openTransaction = false;
    return result.command === 'COMMIT';
  }
}

/** `BEGIN; `, after rolling back what the session's last attempt left open; marks the transaction open. */
function begin(session: Session): string {
  const text = session.openTransaction ? 'ROLLBACK; BEGIN; ' : 'BEGIN; ';
  session.openTransaction = true;
  return text;
}

/** The first row of the last statement of a multi-statement simple query. */
function lastRow<Row>(results: unknown): Row {
  const all = results as QueryArrayResult[];
  return all[all.length - 1].rows[0] as Row;
}
