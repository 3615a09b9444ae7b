/**
 * Redlock fences: what they promise and how they are made.
 *
 * Each node keeps its own fence counter per key, raised by INCR in the acquire
 * script (src/backends/redis/scripts.ts). A grant's fence is the highest counter
 * among the nodes that granted it. That maximum alone is NOT monotonic: H1 wins
 * nodes A,B with counters A=5, B=1 → fence 5; H2 then wins B,C with B=2, C=1 →
 * fence 2. So before a grant is returned, unless a quorum already agrees on the
 * fence f, every granting node whose counter is below f (and every node the
 * attempt did not wait for) is raised to f (RAISE_FENCE below, only where the
 * lock is still ours), and the grant stands only when a quorum then holds ≥ f.
 * Any later grant needs a quorum too, which shares at least one node with that
 * one; on that node the later INCR runs after this lock left it, so it returns
 * more than f, and so does the later grant's maximum.
 *
 * Guaranteed: fences of one key strictly increase in grant order while a
 * majority of the nodes keeps its counters (no node of that majority loses its
 * data), and the clocks behave (below).
 *
 * Not guaranteed:
 * - a node restarted without persistence (or with an fsync window it lost)
 *   comes back with no lock and a counter of 0; with enough such nodes two
 *   clients can hold the lock at once and a later fence can be lower;
 * - a clock jump on a node (Redis expires keys by wall-clock time) can free a
 *   lock early: two holders at once, and the lower fence can then be the later one;
 * - a holder that pauses (GC, swap, a stopped VM) past its validity still thinks
 *   it holds the lock; nothing on the lock side can stop it (Kleppmann, "How to
 *   do distributed locking", 2016). The fence only helps if the protected
 *   resource itself rejects writes with a fence lower than one it has seen.
 * So a Redlock fence is a useful, cheap check for a resource that can compare
 * it, not a proof of safety: a consensus system (etcd, ZooKeeper) gives that.
 */
import type { Redis } from 'ioredis';

/** If the lock is still ours, raise its fence counter to at least ARGV[2]: 1 done, 0 the lock is not ours. */
const RAISE_FENCE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
local counter = tonumber(redis.call('GET', KEYS[2]) or '0')
if counter < tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], ARGV[2])
end
return 1`;

/** A connection with the fence-raising command defined. */
export interface FenceCommands {
  /** → 1 the counter is now ≥ fence, 0 the lock is no longer ours on this node */
  lbRaiseFence(lockKey: string, fenceKey: string, token: string, fence: number): Promise<number>;
}

/** Defines `lbRaiseFence` on a node's connection. */
export function defineFenceCommand<C extends Redis>(client: C): C & FenceCommands {
  client.defineCommand('lbRaiseFence', { numberOfKeys: 2, lua: RAISE_FENCE });
  return client as C & FenceCommands;
}
