/**
 * The lock operations shared by `redis` and `redis-cluster`: one script call
 * each (scripts.ts), answered at once, never waiting inside acquire.
 */
import { monotonicMs } from '../../clock.js';
import type { AcquireOptions, Lease, LockBackend } from '../types.js';
import { connectWithin } from './connect-within.js';
import { newToken } from './connection.js';
import type { FailureLog } from './failures.js';
import { lockKeys, type LockCommands } from './scripts.js';

/** A lease of a script-lock backend: its Redis keys are kept for release and extend. */
interface ScriptLease extends Lease {
  readonly lockKey?: string;
  readonly fenceKey?: string;
}

/** The ioredis client (Redis or Cluster) a script-lock backend connects and closes. */
export interface ScriptLockClient {
  connect(): Promise<unknown>;
  disconnect(): void;
}

/**
 * acquire / release / extend over a connection (or cluster) with the lock
 * commands defined, and connect / close of that client; subclasses set up the
 * client's events (lastError, their own counters) and add to stats.
 */
export abstract class ScriptLockBackend implements LockBackend {
  abstract readonly name: string;
  /** the client's latest error: a better reason for an unreachable server than a timeout */
  protected lastError: Error | undefined;

  protected constructor(
    private readonly commands: LockCommands,
    private readonly keyPrefix: string,
    protected readonly failures: FailureLog,
    private readonly connection: { readonly client: ScriptLockClient; readonly where: string; readonly timeoutMs: number },
  ) {}

  /** Connects within the connect timeout, or throws BackendUnavailableError naming the server (never a secret). */
  async connect(): Promise<void> {
    const { client, where, timeoutMs } = this.connection;
    await connectWithin(
      where,
      timeoutMs,
      () => client.connect(),
      () => this.lastError,
      () => client.disconnect(),
      (text) => this.failures.mask(text),
    );
  }

  async close(): Promise<void> {
    this.connection.client.disconnect();
  }

  /**
   * SET NX PX and INCR of the fence in one script. Answers at once (waitMs is
   * not used: the driver retries); a granted lease is never `contended`.
   * expiresAt counts from before the command was sent: never later than the server's expiry.
   */
  async acquire(key: string, opts: AcquireOptions): Promise<Lease | null> {
    const { lockKey, fenceKey } = lockKeys(this.keyPrefix, key);
    const token = newToken();
    const ttlMs = opts.ttlMs;
    const sentAt = monotonicMs();
    let fence: number;
    try {
      fence = await this.commands.lbAcquire(lockKey, fenceKey, token, pxOf(ttlMs));
    } catch (error) {
      throw this.failures.failed(error);
    }
    if (fence === 0) return null;
    const lease: ScriptLease = { key, token, fence, expiresAt: sentAt + ttlMs, contended: false, lockKey, fenceKey };
    return lease;
  }

  /** DEL if the token still matches: false when the lease expired or was taken over. */
  async release(lease: Lease): Promise<boolean> {
    if (lease.lost) return false;
    const { lockKey, fenceKey } = keysOf(lease, this.keyPrefix);
    try {
      return (await this.commands.lbRelease(lockKey, fenceKey, lease.token)) === 1;
    } catch (error) {
      throw this.failures.failed(error);
    }
  }

  /** PEXPIRE if the token still matches; moves expiresAt only when it did. */
  async extend(lease: Lease, ttlMs: number): Promise<boolean> {
    if (lease.lost) return false;
    const { lockKey, fenceKey } = keysOf(lease, this.keyPrefix);
    const sentAt = monotonicMs();
    let extended: number;
    try {
      extended = await this.commands.lbExtend(lockKey, fenceKey, lease.token, pxOf(ttlMs));
    } catch (error) {
      throw this.failures.failed(error);
    }
    if (extended !== 1) return false;
    lease.expiresAt = sentAt + ttlMs;
    return true;
  }

  /** Failures by kind (connection counters are added by the subclass). */
  stats(): Readonly<Record<string, number>> {
    return this.failures.stats();
  }
}

/** PX takes a positive integer; a scaled ttl may be fractional. Rounded up: expiresAt keeps the unrounded ttl, so it stays conservative. */
function pxOf(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}

/** The lease's keys as acquired; recomputed for a lease made elsewhere (a forged or copied one). */
function keysOf(lease: ScriptLease, keyPrefix: string): { lockKey: string; fenceKey: string } {
  return lease.lockKey !== undefined && lease.fenceKey !== undefined
    ? (lease as { lockKey: string; fenceKey: string })
    : lockKeys(keyPrefix, lease.key);
}
