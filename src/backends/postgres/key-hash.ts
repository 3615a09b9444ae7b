import { createHash } from 'node:crypto';

/** Keys whose lock ids are remembered; past this the memo starts over (a run rarely has more keys). */
const MEMO_LIMIT = 200_000;
const memo = new Map<string, string>();

/**
 * The advisory lock id of a key: the first 8 bytes of SHA-256(key as UTF-8)
 * read as a big-endian signed 64-bit integer, in decimal (what a `bigint`
 * parameter takes). Stable across runs, processes and languages; in SQL the
 * same id is
 * `('x' || left(encode(sha256(convert_to(key, 'UTF8')), 'hex'), 16))::bit(64)::bigint`,
 * and pg_locks shows it as `classid` (high 32 bits) and `objid` (low 32 bits)
 * with `objsubid = 1`.
 *
 * Collisions: two of n distinct keys share an id with probability about
 * n² / 2⁶⁵ (the birthday bound): 3·10⁻¹⁰ for 10⁵ keys, 3·10⁻⁸ for 10⁶,
 * 3·10⁻⁴ for 10⁸, one half near 5·10⁹. Colliding keys share one lock: more
 * contention than the scenario asked for, never two holders of one key. The
 * 64-bit space is shared by every application locking in the same database,
 * so the same bound applies to colliding with their advisory locks.
 */
export function advisoryLockId(key: string): string {
  let id = memo.get(key);
  if (id === undefined) {
    id = createHash('sha256').update(key, 'utf8').digest().readBigInt64BE(0).toString();
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, id);
  }
  return id;
}
