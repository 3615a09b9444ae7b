/**
 * The etcd backend: etcd's mutex recipe (concurrency.Mutex) with one lease per lock.
 *
 * A contender puts `${prefix}${lock}/${leaseIdHex}` attached to its lease; the
 * queue is every key under `${prefix}${lock}/` in create-revision order, the
 * holder is the lowest, and a waiter watches only the deletion of the key just
 * below its own (no thundering herd). The fence is the create revision of the
 * holder's key: etcd's revision is global and only grows, so fences strictly
 * increase per key, across clients and expiry take-overs.
 *
 * Why a lease per lock rather than etcd's session lease shared by all locks of
 * a client: lockbench's contract gives every lock its own TTL (`ttlMs`), which
 * `extend` pushes forward and which must free that key (and only that key) when
 * it runs out. A session lease kept alive by a background keepalive would keep
 * every lock alive as long as the process lives, and its expiry would take all
 * locks at once. So each lock has its own lease of ceil(ttl) seconds (etcd TTLs
 * are whole seconds, at least 1; a default etcd raises TTLs below 1.5 election
 * timeouts, ≈2 s, and `expiresAt` follows the TTL etcd granted). A lease is
 * renewed only by `extend` (the driver's renewal) and, while its key waits in a
 * queue, by the waiter itself (every TTL/3, as etcd's own client does).
 *
 * `expiresAt` is the send time of the latest renewal etcd confirmed + the TTL:
 * etcd restarted the TTL no earlier than that, so it never promises more than
 * the server keeps. Once that moment has passed (or a keepalive answers TTL 0)
 * the lock is marked `lost`: a paused holder learns it lost the lock from its
 * own clock, whatever the keepalive stream says.
 *
 * Leases are recycled (see LeasePool): release deletes the key but keeps the
 * lease for the next lock, so a lock cycle costs two writes (put, delete) and
 * at most one keepalive (sent in parallel with the put), not four writes
 * (grant, put, delete, revoke).
 */
import {
  CompareResult,
  CompareTarget,
  EtcdLeaseInvalidError,
  SortOrder,
  SortTarget,
  type Etcd3,
  type ICompare,
  type IKeyValue,
  type IRequestOp,
} from 'etcd3';
import { whenAborted } from '../../abort.js';
import { monotonicMs } from '../../clock.js';
import type { BackendSpecOf } from '../../scenario/types.js';
import type { AcquireOptions, BackendContext, BackendFactory, Lease, LockBackend } from '../types.js';
import { checkReachable, createClient, endpointsOf, shortGrpcMessage, type EtcdEndpoints } from './connection.js';
import { DeletionWatches } from './deletion-watch.js';
import { LeaseKeepalive } from './keepalive.js';
import { leaseExpiresAt, LeasePool, needsRenewal, type EtcdLeaseRecord } from './lease-pool.js';
import { queuePrefix, queueRangeEnd } from './keys.js';

type EtcdSpec = BackendSpecOf<'etcd'>;

/** A lock granted by etcd. */
interface EtcdLock extends Lease {
  /** our key in the lock's queue; its create revision is the fence */
  readonly queueKey: Buffer;
  readonly fence: number;
  /** the lease the key is attached to (another one after an extend to a new TTL) */
  lease: EtcdLeaseRecord;
}

/** Why a wait in the queue ended. */
type WaitOutcome = 'deleted' | 'deadline' | 'aborted' | 'lost';

/** etcd lease TTLs are whole seconds, at least 1. */
function leaseSeconds(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs / 1000));
}

/** Unary calls (and keepalives) that take longer than this fail. */
const MIN_CALL_TIMEOUT_MS = 5_000;
/** How long close() waits for the last revokes. */
const CLOSE_GRACE_MS = 2_000;

/** `createRevision(key) == revision` (0: the key does not exist). */
function createdAt(key: Buffer, revision: number, rangeEnd?: Buffer): ICompare {
  return { key, target: CompareTarget.Create, result: CompareResult.Equal, create_revision: revision, ...(rangeEnd ? { range_end: rangeEnd } : {}) };
}

/** The lock backend of one worker: one gRPC client, one keepalive stream, one watch stream. */
export class EtcdBackend implements LockBackend {
  readonly name = 'etcd';
  private readonly endpoints: EtcdEndpoints;
  private readonly client: Etcd3;
  private readonly keepalive: LeaseKeepalive;
  private readonly watches: DeletionWatches;
  private readonly pool: LeasePool;
  /** locks granted by this client and not yet released */
  private readonly held = new WeakSet<EtcdLock>();
  /** revokes and queue exits that nobody awaits; close() waits for them */
  private readonly background = new Set<Promise<unknown>>();
  private readonly counters = { granted: 0, recycled: 0, queued: 0, lost: 0, moved: 0, raised: 0 };
  private closed = false;

  constructor(
    private readonly spec: EtcdSpec,
    context: BackendContext,
  ) {
    this.endpoints = endpointsOf(spec);
    const callTimeoutMs = Math.max(MIN_CALL_TIMEOUT_MS, spec.connectTimeoutMs);
    this.client = createClient(this.endpoints, callTimeoutMs);
    this.keepalive = new LeaseKeepalive(this.client.leaseClient, callTimeoutMs);
    this.watches = new DeletionWatches(this.client.watchClient);
    this.pool = new LeasePool(Math.min(4096, Math.max(64, 2 * context.clientsPerWorker)));
  }

  async connect(): Promise<void> {
    await checkReachable(this.client, Buffer.from(this.spec.prefix), this.endpoints, this.spec.connectTimeoutMs);
  }

  async acquire(key: string, opts: AcquireOptions): Promise<Lease | null> {
    if (opts.signal?.aborted) return null;
    const deadline = monotonicMs() + opts.waitMs;
    const ttlSeconds = leaseSeconds(opts.ttlMs);
    const queue = queuePrefix(this.spec.prefix, key);
    for (;;) {
      const now = monotonicMs();
      const recycled = this.pool.take(ttlSeconds, now);
      try {
        const renewal = recycled && needsRenewal(recycled, now) ? this.renewQuietly(recycled) : undefined;
        if (recycled) this.counters.recycled++;
        const lease = recycled ?? (await this.grant(ttlSeconds));
        return opts.waitMs > 0
          ? await this.enqueue(key, queue, lease, renewal, deadline, opts.signal)
          : await this.tryTake(key, queue, lease, renewal);
      } catch (error) {
        // a recycled lease that etcd no longer knew (revoked behind our back): again with another
        if (error instanceof EtcdLeaseInvalidError && recycled) {
          recycled.gone = true;
          continue;
        }
        throw this.failure('acquire', error);
      }
    }
  }

  async release(lease: Lease): Promise<boolean> {
    const lock = lease as EtcdLock;
    if (!this.held.delete(lock) || lock.lost) return false;
    let deleted: boolean;
    try {
      deleted = await this.deleteQueueKey(lock.queueKey, lock.fence);
    } catch (error) {
      throw this.failure('release', error);
    }
    if (deleted) this.recycle(lock.lease);
    return deleted;
  }

  async extend(lease: Lease, ttlMs: number): Promise<boolean> {
    const lock = lease as EtcdLock;
    if (!this.held.has(lock) || lock.lost) return false;
    if (monotonicMs() > lock.expiresAt) return this.lose(lock);
    const ttlSeconds = leaseSeconds(ttlMs);
    try {
      return ttlSeconds === lock.lease.askedTtlSeconds ? await this.keepLeaseAlive(lock) : await this.moveToNewLease(lock, ttlSeconds);
    } catch (error) {
      throw this.failure('extend', error);
    }
  }

  stats(): Readonly<Record<string, number>> {
    const c = this.counters;
    return {
      'leases granted': c.granted,
      'leases recycled': c.recycled,
      'acquires queued': c.queued,
      'leases lost': c.lost,
      'leases moved to a new ttl': c.moved,
      'ttl raised by etcd': c.raised,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watches.close();
    this.keepalive.close();
    const idle = this.pool.drain().map((lease) => this.revoke(lease));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
    await Promise.race([Promise.allSettled([...idle, ...this.background]), grace]);
    clearTimeout(timer);
    this.client.close();
  }

  /**
   * waitMs 0: one transaction puts our key only if the queue is empty. The
   * recipe's way (put, look, delete our key when someone is ahead) answers the
   * same, at two more writes per busy key and a moment in the queue that
   * another waiter would have to watch.
   */
  private async tryTake(key: string, queue: string, lease: EtcdLeaseRecord, renewal: Promise<void> | undefined): Promise<EtcdLock | null> {
    const queueKey = Buffer.from(queue + lease.hex);
    const answer = await this.client.kv.txn({
      compare: [createdAt(Buffer.from(queue), 0, queueRangeEnd(queue))],
      success: [{ request_put: { key: queueKey, lease: lease.id } }],
    });
    if (!answer.succeeded) {
      this.recycle(lease);
      return null;
    }
    return this.granted(key, queueKey, Number(answer.header.revision), lease, renewal, false);
  }

  /** The mutex recipe: join the queue; the lowest create revision holds; else wait for the key below ours. */
  private async enqueue(
    key: string,
    queue: string,
    lease: EtcdLeaseRecord,
    renewal: Promise<void> | undefined,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<EtcdLock | null> {
    const queueKey = Buffer.from(queue + lease.hex);
    const answer = await this.client.kv.txn({
      compare: [createdAt(queueKey, 0)],
      // our put, then the two newest keys of the queue: ours and the one just below it
      success: [{ request_put: { key: queueKey, lease: lease.id } }, this.queueTail(queue, 2)],
    });
    if (!answer.succeeded) throw new Error(`queue key ${queueKey.toString()} already exists`);
    const fence = Number(answer.header.revision);
    const tail = answer.responses[1].response_range.kvs;
    if (tail.length < 2) return this.granted(key, queueKey, fence, lease, renewal, false);
    this.counters.queued++;
    await renewal;
    return this.waitForTurn(key, queue, queueKey, fence, lease, tail[1], deadline, signal);
  }

  /** Waits for every lower key to go (one at a time, the one just below ours), then re-checks our own key. */
  private async waitForTurn(
    key: string,
    queue: string,
    queueKey: Buffer,
    fence: number,
    lease: EtcdLeaseRecord,
    below: IKeyValue,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<EtcdLock | null> {
    const wait = new QueueWait(this.watches, lease, () => this.renewQuietly(lease), deadline, signal);
    try {
      let ahead = below.key;
      let fromRevision = fence + 1;
      for (;;) {
        const outcome = await wait.untilDeleted(ahead, fromRevision);
        if (outcome === 'lost') throw new Error('the lease ran out while waiting in the queue');
        if (outcome !== 'deleted') {
          wait.dispose();
          await this.leaveQueue(queueKey, fence, lease);
          return null;
        }
        const check = await this.client.kv.txn({
          success: [this.queueTail(queue, 1, fence - 1), { request_range: { key: queueKey, keys_only: true } }],
        });
        if (check.responses[1].response_range.kvs.length === 0) throw new Error('the lease ran out while waiting in the queue');
        const lower = check.responses[0].response_range.kvs;
        if (lower.length === 0) {
          wait.dispose();
          return this.granted(key, queueKey, fence, lease, undefined, true);
        }
        ahead = lower[0].key;
        fromRevision = Number(check.header.revision) + 1;
      }
    } catch (error) {
      wait.dispose();
      this.track(this.leaveQueue(queueKey, fence, lease));
      throw error;
    }
  }

  /** The newest `limit` keys of a queue (at most `maxCreateRevision`), newest first. */
  private queueTail(queue: string, limit: number, maxCreateRevision?: number): IRequestOp {
    return {
      request_range: {
        key: Buffer.from(queue),
        range_end: queueRangeEnd(queue),
        sort_target: SortTarget.Create,
        sort_order: SortOrder.Descend,
        limit,
        keys_only: true,
        ...(maxCreateRevision !== undefined ? { max_create_revision: maxCreateRevision } : {}),
      },
    };
  }

  private async granted(
    key: string,
    queueKey: Buffer,
    fence: number,
    lease: EtcdLeaseRecord,
    renewal: Promise<void> | undefined,
    contended: boolean,
  ): Promise<EtcdLock> {
    await renewal;
    if (lease.gone) throw new Error('the lease ran out while acquiring');
    const lock: EtcdLock = { key, token: `${lease.hex}@${fence}`, fence, expiresAt: leaseExpiresAt(lease), contended, queueKey, lease };
    this.held.add(lock);
    return lock;
  }

  /** Deletes our key (a timed-out or aborted waiter leaves no trace); the lease goes back to the pool. */
  private async leaveQueue(queueKey: Buffer, fence: number, lease: EtcdLeaseRecord): Promise<void> {
    try {
      if (await this.deleteQueueKey(queueKey, fence)) this.recycle(lease);
    } catch {
      // nobody renews the lease any more: etcd deletes the key when it runs out
    }
  }

  /** Deletes `queueKey` if it is still the one created at `fence`; false when it is gone. */
  private async deleteQueueKey(queueKey: Buffer, fence: number): Promise<boolean> {
    const answer = await this.client.kv.txn({
      compare: [createdAt(queueKey, fence)],
      success: [{ request_delete_range: { key: queueKey } }],
    });
    return answer.succeeded;
  }

  private async keepLeaseAlive(lock: EtcdLock): Promise<boolean> {
    const sentAt = monotonicMs();
    const ttlSeconds = await this.keepalive.renew(lock.lease.id);
    if (ttlSeconds <= 0) {
      lock.lease.gone = true;
      return this.lose(lock);
    }
    this.renewed(lock.lease, ttlSeconds, sentAt);
    lock.expiresAt = leaseExpiresAt(lock.lease);
    return true;
  }

  /** extend with another TTL: etcd cannot change a lease's TTL, so the key moves to a new lease. */
  private async moveToNewLease(lock: EtcdLock, ttlSeconds: number): Promise<boolean> {
    const fresh = await this.grant(ttlSeconds);
    const previous = lock.lease;
    const answer = await this.client.kv.txn({
      compare: [createdAt(lock.queueKey, lock.fence), { key: lock.queueKey, target: CompareTarget.Lease, result: CompareResult.Equal, lease: previous.id }],
      success: [{ request_put: { key: lock.queueKey, lease: fresh.id, ignore_value: true } }],
    });
    if (!answer.succeeded) {
      this.recycle(fresh);
      return this.lose(lock);
    }
    this.recycle(previous);
    lock.lease = fresh;
    lock.expiresAt = leaseExpiresAt(fresh);
    this.counters.moved++;
    return true;
  }

  /** Marks `lock` lost (its lease ran out before release); always false, for extend to return. */
  private lose(lock: EtcdLock): false {
    if (!lock.lost) {
      lock.lost = true;
      this.counters.lost++;
    }
    return false;
  }

  private async grant(ttlSeconds: number): Promise<EtcdLeaseRecord> {
    const sentAt = monotonicMs();
    const answer = await this.client.leaseClient.leaseGrant({ TTL: ttlSeconds });
    const granted = Number(answer.TTL);
    this.counters.granted++;
    if (granted > ttlSeconds) this.counters.raised++;
    return { id: answer.ID, hex: BigInt(answer.ID).toString(16), askedTtlSeconds: ttlSeconds, ttlSeconds: granted, renewedAt: sentAt, gone: false };
  }

  /** One keepalive whose answer is recorded in `lease`; a failure only leaves the lease's expiry where it was. */
  private renewQuietly(lease: EtcdLeaseRecord): Promise<void> {
    const sentAt = monotonicMs();
    return this.keepalive.renew(lease.id).then(
      (ttlSeconds) => {
        if (ttlSeconds > 0) this.renewed(lease, ttlSeconds, sentAt);
        else lease.gone = true;
      },
      () => undefined,
    );
  }

  private renewed(lease: EtcdLeaseRecord, ttlSeconds: number, sentAt: number): void {
    lease.ttlSeconds = ttlSeconds;
    if (sentAt > lease.renewedAt) lease.renewedAt = sentAt;
  }

  /** A keyless lease back to the pool, or revoked when the pool is full or closed. */
  private recycle(lease: EtcdLeaseRecord): void {
    if (lease.gone) return;
    if (this.closed || !this.pool.put(lease)) this.track(this.revoke(lease));
  }

  private async revoke(lease: EtcdLeaseRecord): Promise<void> {
    lease.gone = true;
    try {
      await this.client.leaseClient.leaseRevoke({ ID: lease.id });
    } catch {
      // already gone, or etcd unreachable: either way it runs out by itself
    }
  }

  private track(work: Promise<void>): void {
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  private failure(operation: string, error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(`etcd ${operation}: ${shortGrpcMessage(message)}`);
  }
}

/**
 * One waiter's wait in a queue: wakes on the deletion of the key ahead, at the
 * deadline, on abort, or when its own lease is lost; renews that lease every
 * TTL/3 meanwhile, so a long wait does not lose its place.
 */
class QueueWait {
  private ended: WaitOutcome | undefined;
  private wake: ((outcome: WaitOutcome) => void) | undefined;
  private readonly deadlineTimer: NodeJS.Timeout;
  private readonly keeper: NodeJS.Timeout;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(
    private readonly watches: DeletionWatches,
    lease: EtcdLeaseRecord,
    renew: () => Promise<void>,
    deadline: number,
    signal: AbortSignal | undefined,
  ) {
    this.deadlineTimer = setTimeout(() => this.end('deadline'), Math.max(0, deadline - monotonicMs()));
    this.unsubscribe = signal ? whenAborted(signal, () => this.end('aborted')) : undefined;
    if (signal?.aborted) this.end('aborted'); // aborted while joining the queue: no 'abort' event is coming
    this.keeper = setInterval(() => {
      void renew().then(() => {
        if (lease.gone || monotonicMs() > leaseExpiresAt(lease)) this.end('lost');
      });
    }, (lease.ttlSeconds * 1000) / 3);
  }

  /** Resolves when `key` is deleted (from `fromRevision` on) or the wait ends. */
  async untilDeleted(key: Buffer, fromRevision: number): Promise<WaitOutcome> {
    if (this.ended) return this.ended;
    const woken = new Promise<WaitOutcome>((resolve) => (this.wake = resolve));
    const id = await this.watches.watchDeletion(key, fromRevision, () => this.wake?.('deleted'));
    try {
      return await woken;
    } finally {
      this.wake = undefined;
      this.watches.cancel(id);
    }
  }

  dispose(): void {
    clearTimeout(this.deadlineTimer);
    clearInterval(this.keeper);
    this.unsubscribe?.();
  }

  private end(outcome: WaitOutcome): void {
    if (this.ended) return;
    this.ended = outcome;
    this.wake?.(outcome);
  }
}

/** The etcd backend's factory: one client per worker (gRPC multiplexes its calls on one connection). */
export const etcdBackendFactory: BackendFactory<EtcdSpec> = {
  type: 'etcd',
  create(spec, _shared, context) {
    return new EtcdBackend(spec, context);
  },
};
