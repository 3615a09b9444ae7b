import pg from 'pg';
import { monotonicMs } from '../../clock.js';
import type { Lease } from '../types.js';

/** One server connection and what the backend knows about it. */
export interface Session {
  readonly client: pg.Client;
  /** the lease whose lock this session holds, while it holds one */
  lease: Lease | undefined;
  /** the advisory lock id of `lease` */
  lockId: string;
  /** xact scope: a transaction from the last attempt is still open */
  openTransaction: boolean;
  /** the connection failed or was ended; never used again */
  gone: boolean;
}

/** Counters the pool keeps for the backend's stats(). */
export interface PoolCounters {
  opened: number;
  /** sessions that dropped while holding a lock (each one a lost lease) */
  lost: number;
  /** takes that had to wait because every session was in use */
  waits: number;
}

/** A take waiting for a session: granted one, or leave to open one, or null (gave up). */
type Turn = Session | 'open' | null;

/**
 * A fixed-size pool of sessions, one per lock holder or waiter. Sessions are
 * opened on demand up to `size`; a take beyond that waits (FIFO) for one to
 * come back. A session that fails or ends is dropped at once (a holder's
 * lease is marked lost) and never handed out again.
 */
export class SessionPool {
  readonly counters: PoolCounters = { opened: 0, lost: 0, waits: 0 };
  private readonly idle: Session[] = [];
  private readonly all = new Set<Session>();
  private readonly queue: Array<(turn: Turn) => void> = [];
  /** sessions open or being opened */
  private count = 0;
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    readonly size: number,
  ) {}

  /**
   * A session for one attempt: idle, newly opened, or the next to come back.
   * Resolves null when `deadline` (monotonic ms) passes or `signal` aborts
   * first; rejects when a new connection cannot be opened.
   */
  async take(deadline: number, signal?: AbortSignal): Promise<Session | null> {
    const session = this.idle.pop();
    if (session) return session;
    if (this.count < this.size) {
      this.count++;
      return this.open();
    }
    this.counters.waits++;
    const turn = await this.waitForTurn(deadline, signal);
    return turn === 'open' ? this.open() : turn;
  }

  /**
   * Opens sessions until the pool is full, so that connection set-up happens
   * before the run rather than inside the first acquires. A session that
   * cannot be opened is left for an acquire to open (and report) later.
   */
  async fill(): Promise<void> {
    const opening: Array<Promise<void>> = [];
    for (; this.count < this.size; this.count++) {
      opening.push(this.open().then((session) => this.give(session), () => undefined));
    }
    await Promise.all(opening);
  }

  /** Hands a healthy session back: to the longest waiting take, else to the idle list. */
  give(session: Session): void {
    if (session.gone) return;
    const next = this.queue.shift();
    if (next) next(session);
    else this.idle.push(session);
  }

  /** Drops a session (its connection ends, and with it any lock it held); its slot goes to a waiting take. */
  drop(session: Session): void {
    if (session.gone) return;
    session.gone = true;
    this.all.delete(session);
    const at = this.idle.indexOf(session);
    if (at >= 0) this.idle.splice(at, 1);
    session.client.end().catch(() => undefined);
    this.freeSlot();
  }

  /** Ends every session; waiting takes resolve null. */
  async close(): Promise<void> {
    this.closed = true;
    for (const next of this.queue.splice(0)) next(null);
    const ending = [...this.all].map((session) => {
      session.gone = true;
      return session.client.end().catch(() => undefined);
    });
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(ending);
  }

  private async open(): Promise<Session> {
    const client = new pg.Client(this.config);
    const session: Session = { client, lease: undefined, lockId: '', openTransaction: false, gone: false };
    // an idle client whose server goes away emits 'error': without a listener that would crash the thread
    client.on('error', () => this.lose(session));
    client.on('end', () => this.lose(session));
    try {
      if (this.closed) throw new Error('the backend is closed');
      await client.connect();
      if (session.gone) throw new Error('Connection terminated unexpectedly');
      if (this.closed) throw new Error('the backend is closed');
    } catch (error) {
      // the client may already have reported the failure through 'end' (and so dropped the session)
      this.drop(session);
      throw error;
    }
    this.counters.opened++;
    this.all.add(session);
    return session;
  }

  /** The connection failed or ended under us: a held lock is gone with it. */
  private lose(session: Session): void {
    if (session.gone) return;
    if (session.lease) {
      session.lease.lost = true;
      this.counters.lost++;
    }
    this.drop(session);
  }

  private freeSlot(): void {
    this.count--;
    const next = this.queue.shift();
    if (next) {
      this.count++;
      next('open');
    }
  }

  private waitForTurn(deadline: number, signal: AbortSignal | undefined): Promise<Turn> {
    if (this.closed || signal?.aborted) return Promise.resolve(null);
    return new Promise<Turn>((resolve) => {
      const finish = (turn: Turn): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', giveUp);
        resolve(turn);
      };
      const giveUp = (): void => {
        const at = this.queue.indexOf(finish);
        if (at >= 0) this.queue.splice(at, 1);
        finish(null);
      };
      const timer = deadline === Infinity ? undefined : setTimeout(giveUp, Math.max(0, deadline - monotonicMs()));
      signal?.addEventListener('abort', giveUp, { once: true });
      this.queue.push(finish);
    });
  }
}
