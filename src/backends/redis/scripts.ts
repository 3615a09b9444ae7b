/**
 * The lock scripts every Redis-protocol backend runs (redis, redis-cluster, and
 * each Redlock node). Loaded with defineCommand, so each call is one EVALSHA.
 *
 * Keys: KEYS[1] the lock, KEYS[2] its fence counter. Both carry the same hash
 * tag ({…}), so they live in one cluster slot and a script may touch both.
 */
import type { Redis, Cluster } from 'ioredis';

/** SET NX PX, and on success INCR the key's fence counter: returns the fence, or 0 when the key is held. */
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0`;

/** DEL only if we still own it: 1 released, 0 it was no longer ours. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** PEXPIRE only if we still own it: 1 extended, 0 it was no longer ours. */
const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** A connection with the lock commands defined. */
export interface LockCommands {
  /** → fence (> 0) when granted, 0 when held by someone else */
  lbAcquire(lockKey: string, fenceKey: string, token: string, ttlMs: number): Promise<number>;
  /** → 1 released, 0 not ours */
  lbRelease(lockKey: string, fenceKey: string, token: string): Promise<number>;
  /** → 1 extended, 0 not ours */
  lbExtend(lockKey: string, fenceKey: string, token: string, ttlMs: number): Promise<number>;
}

/**
 * The Lua text of each lock command, all taking KEYS = [lock, fence]: for a
 * caller that must send one as a plain EVAL (outside defineCommand's EVALSHA).
 */
export const LOCK_SCRIPTS: Readonly<Record<keyof LockCommands, string>> = { lbAcquire: ACQUIRE, lbRelease: RELEASE, lbExtend: EXTEND };

/** Defines the three lock commands on a connection (idempotent per connection). */
export function defineLockCommands<C extends Redis | Cluster>(client: C): C & LockCommands {
  for (const [name, lua] of Object.entries(LOCK_SCRIPTS)) client.defineCommand(name, { numberOfKeys: 2, lua });
  return client as C & LockCommands;
}

/** The lock key and its fence key, hash-tagged together: `prefix{key}`, `prefix{key}:fence`. */
export function lockKeys(keyPrefix: string, key: string): { lockKey: string; fenceKey: string } {
  const lockKey = `${keyPrefix}{${key}}`;
  return { lockKey, fenceKey: `${lockKey}:fence` };
}
