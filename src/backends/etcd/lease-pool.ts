/** etcd leases of one client: one per lock at a time, recycled between locks. */

/** A granted etcd lease and what the client knows of its life. */
export interface EtcdLeaseRecord {
  /** decimal, as etcd3 reports int64s */
  readonly id: string;
  /** the lease id in hex: the last part of the queue key (`…/<lock>/<hex>`) */
  readonly hex: string;
  /** the TTL asked for (s): the pool's bucket */
  readonly askedTtlSeconds: number;
  /** the TTL etcd granted (s); etcd raises TTLs below its minimum (≈1.5 election timeouts) */
  ttlSeconds: number;
  /**
   * When the latest renewal that etcd confirmed was sent (ms, monotonic): the
   * server restarted the lease's TTL no earlier than this, so
   * `renewedAt + ttlSeconds·1000` never promises more than etcd will keep it.
   */
  renewedAt: number;
  /** etcd said the lease is gone (a keepalive answered TTL 0) */
  gone: boolean;
}

/** When the lease runs out, on the monotonic clock. */
export function leaseExpiresAt(lease: EtcdLeaseRecord): number {
  return lease.renewedAt + lease.ttlSeconds * 1000;
}

/**
 * A recycled lease renewed less than this share of its TTL ago serves a new
 * lock without another keepalive: that lock then lives at least 98% of its ttl
 * (and its `expiresAt` says exactly how long), and back-to-back short locks
 * cost one keepalive per lease every 2% of the TTL instead of one per lock.
 */
const RECENT_RENEWAL_SHARE = 0.02;

/** Whether `lease` needs a keepalive before it serves a new lock (see RECENT_RENEWAL_SHARE). */
export function needsRenewal(lease: EtcdLeaseRecord, now: number): boolean {
  return now - lease.renewedAt > lease.ttlSeconds * 1000 * RECENT_RENEWAL_SHARE;
}

/**
 * Leases whose lock was released (its key deleted, the lease still alive),
 * kept for the next acquire with the same TTL: that acquire renews the lease
 * (when needed) in parallel with its transaction instead of granting a new one
 * first, which saves a round trip and two raft writes (grant, revoke) per lock. A lease is handed out only
 * while more than half of its TTL is left, so it cannot expire before the
 * parallel renewal reaches etcd; older ones are dropped (etcd expires them,
 * no key is attached).
 */
export class LeasePool {
  private readonly idle = new Map<number, EtcdLeaseRecord[]>();
  private size = 0;

  constructor(private readonly capacity: number) {}

  /** A recycled lease granted for `ttlSeconds`, or undefined. */
  take(ttlSeconds: number, now: number): EtcdLeaseRecord | undefined {
    const stack = this.idle.get(ttlSeconds);
    if (!stack) return undefined;
    for (let lease = stack.pop(); lease; lease = stack.pop()) {
      this.size--;
      if (!lease.gone && leaseExpiresAt(lease) - now > lease.ttlSeconds * 500) return lease;
    }
    return undefined;
  }

  /** Keeps `lease` for reuse; false when the pool is full (the caller revokes it). */
  put(lease: EtcdLeaseRecord): boolean {
    if (this.size >= this.capacity) return false;
    let stack = this.idle.get(lease.askedTtlSeconds);
    if (!stack) this.idle.set(lease.askedTtlSeconds, (stack = []));
    stack.push(lease);
    this.size++;
    return true;
  }

  /** Empties the pool, returning what it held (to be revoked on close). */
  drain(): EtcdLeaseRecord[] {
    const all = [...this.idle.values()].flat();
    this.idle.clear();
    this.size = 0;
    return all;
  }
}
