import { createConnection, type Connection, type ConnectionOptions, type QueryValues } from 'mysql2';
import type { Lease } from '../types.js';

/** A granted GET_LOCK: the lease remembers the connection that holds it. */
export class MysqlLease implements Lease {
  /** GET_LOCK has no TTL: the lock lasts until RELEASE_LOCK or until its connection ends */
  expiresAt = Infinity;
  lost = false;
  /** private: a copy of the lease (`{ ...lease }`) does not carry it, and it is never serialized */
  readonly #session: Session;

  constructor(
    readonly key: string,
    /** the GET_LOCK name (the key, or its hash when longer than 64 characters) */
    readonly name: string,
    readonly token: string,
    readonly fence: number,
    readonly contended: boolean,
    session: Session,
  ) {
    this.#session = session;
  }

  /** The connection holding `lease`'s lock; undefined for anything this backend did not grant. */
  static sessionOf(lease: Lease): Session | undefined {
    return #session in lease ? (lease as MysqlLease).#session : undefined;
  }
}

/**
 * One server connection. While it holds a lock it is pinned to that lease
 * (`lease`); when the server or the network drops it, the lease is marked lost
 * and the connection is never used again.
 */
export class Session {
  /** the lease whose lock this connection holds, if any */
  lease: MysqlLease | undefined;
  /** the connection ended: by the server, the network, or `retire()` */
  dead = false;
  private retired = false;
  /** rejects of the statements in flight (one, except on the control connection) */
  private readonly pending = new Set<(error: Error) => void>();

  constructor(
    private readonly connection: Connection,
    /** called once when the connection ends without `retire()` */
    onLost: (session: Session) => void,
  ) {
    // the driver fails the statements in flight itself, with the reason
    const ended = (): void => {
      if (this.dead) return;
      this.dead = true;
      if (this.lease) this.lease.lost = true;
      if (!this.retired) onLost(this);
    };
    connection.on('error', ended);
    connection.on('end', ended);
  }

  /** the server's CONNECTION_ID() of this connection (what KILL QUERY names) */
  get threadId(): number {
    return this.connection.threadId as number;
  }

  /** Runs one statement; `values` fill its `?` placeholders (escaped by the driver). */
  query<T>(sql: string, values: unknown[] = []): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.retired) return reject(new Error('the connection was closed'));
      this.pending.add(reject);
      this.connection.query(sql, values as QueryValues, (error, result) => {
        this.pending.delete(reject);
        if (error) reject(error);
        else resolve(result as T);
      });
    });
  }

  /**
   * Closes the connection (the server then frees any lock it held) and fails
   * the statements in flight. A connection that already ended is left to the
   * driver, which fails them with the reason.
   */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    if (this.dead) return;
    this.dead = true;
    this.connection.destroy();
    const closed = new Error('the connection was closed');
    for (const reject of this.pending) reject(closed);
    this.pending.clear();
  }
}

/**
 * Opens one connection (the handshake, within `options.connectTimeout`) and
 * makes sure it autocommits: the fence update must never hold its row lock
 * past the statement.
 */
export async function openSession(options: ConnectionOptions, onLost: (session: Session) => void): Promise<Session> {
  const connection = createConnection(options);
  // an 'error' with no listener would throw; the session's own listeners come after the handshake
  const swallow = (): void => undefined;
  connection.on('error', swallow);
  try {
    await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
  } catch (error) {
    connection.destroy();
    throw error;
  }
  const session = new Session(connection, onLost);
  connection.off('error', swallow);
  try {
    await session.query('SET autocommit = 1');
  } catch (error) {
    session.retire();
    throw error;
  }
  return session;
}
