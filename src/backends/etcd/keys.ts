/**
 * Where a lock's queue lives in etcd's key space: every contender of lock `k`
 * puts `${prefix}${k}/${leaseIdHex}`; the queue is the range under `${prefix}${k}/`.
 */

/**
 * The queue prefix of a lock key. A `/` (and `%`) in the lock key is escaped,
 * so that the queue of `a` never includes the keys of lock `a/b`.
 */
export function queuePrefix(prefix: string, lockKey: string): string {
  const escaped = lockKey.includes('/') || lockKey.includes('%') ? lockKey.replace(/%/g, '%25').replace(/\//g, '%2F') : lockKey;
  return `${prefix}${escaped}/`;
}

/** The exclusive end of the range of keys starting with `queue` (which ends in `/`: `/` + 1 = `0`). */
export function queueRangeEnd(queue: string): Buffer {
  return Buffer.from(`${queue.slice(0, -1)}0`);
}
