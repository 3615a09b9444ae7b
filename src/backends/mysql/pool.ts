import type { ConnectionOptions } from 'mysql2';
import { whenAborted } from '../../abort.js';
import { monotonicMs, sleep } from '../../clock.js';
import { openSession, type Session } from './session.js';

/** After a failed connect, the next attempt waits this long: a dead server is not hammered. */
const RECONNECT_DELAY_MS = 100;

interface Waiter {
  resolve(session: Session | null): void;
  reject(error: unknown): void;
  unsubscribe?: () => void;
}

/**
 * At most `size` connections of one worker, opened on demand. A request that
 * finds none free waits its turn (FIFO) for one to come back or to be
 * replaced, so a pool smaller than the worker's clients shows up as acquire
 * latency, never as an error. A connection is handed out for one lock cycle:
 * from GET_LOCK until its RELEASE_LOCK (the lock belongs to the connection).
 */
export class SessionPool {
  private readonly idle: Session[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly all = new Set<Session>();
  /** connections alive or being opened */
  private opened = 0;
  /** connections being opened */
  private opening = 0;
  private lastFailureAt = -Infinity;
  private closed = false;

  constructor(
    private readonly options: ConnectionOptions,
    readonly size: number,
    /** a connection the server or the network dropped (not one the pool retired) */
    private readonly onLost: (session: Session) => void,
  ) {}

  /** A free connection at once, if there is one. */
  takeIdle(): Session | undefined {
    return this.idle.pop();
  }

  /** A connection: a new one while the pool is not full, else the next one given back; null when `signal` aborts first. */
  take(signal?: AbortSignal): Promise<Session | null> {
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.closed) return Promise.reject(new Error('the backend is closed'));
    if (this.opened < this.size) return this.open();
    return new Promise<Session | null>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      if (signal) {
        if (signal.aborted) return resolve(null);
        waiter.unsubscribe = whenAborted(signal, () => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          resolve(null);
        });
      }
      this.waiters.push(waiter);
    });
  }

  /** Gives a connection that holds no lock back for the next request. */
  give(session: Session): void {
    if (session.dead) return this.discard(session);
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.unsubscribe?.();
      waiter.resolve(session);
    } else {
      this.idle.push(session);
    }
  }

  /**
   * Closes a connection whose state is unknown (an error, an abandoned wait)
   * or that has died, and opens a replacement if someone is waiting.
   * Closing it frees every lock it held on the server. Idempotent.
   */
  discard(session: Session): void {
    if (!this.all.delete(session)) return;
    session.retire();
    this.opened--;
    const at = this.idle.indexOf(session);
    if (at >= 0) this.idle.splice(at, 1);
    this.refill();
  }

  /** Closes every connection (locks held by them end with them) and turns waiters away. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      waiter.unsubscribe?.();
      waiter.resolve(null);
    }
    for (const session of this.all) session.retire();
    this.all.clear();
    this.idle.length = 0;
    this.opened = 0;
  }

  private async open(): Promise<Session> {
    this.opened++;
    this.opening++;
    try {
      const wait = this.lastFailureAt + RECONNECT_DELAY_MS - monotonicMs();
      if (wait > 0) await sleep(wait);
      const session = await openSession(this.options, (lost) => {
        this.onLost(lost);
        this.discard(lost);
      });
      if (this.closed) {
        session.retire();
        throw new Error('the backend is closed');
      }
      if (session.dead) throw new Error('the connection ended as it opened');
      this.all.add(session);
      return session;
    } catch (error) {
      this.opened--;
      this.lastFailureAt = monotonicMs();
      throw error;
    } finally {
      this.opening--;
    }
  }

  /** Opens connections for waiters while there is room (after a connection was dropped). */
  private refill(): void {
    while (!this.closed && this.waiters.length > this.opening && this.opened < this.size) {
      this.open().then(
        (session) => this.give(session),
        (error: unknown) => {
          const waiter = this.waiters.shift();
          waiter?.unsubscribe?.();
          waiter?.reject(error);
        },
      );
    }
  }
}
