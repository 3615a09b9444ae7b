/** Stable hashes of lock keys, shared by every backend that maps keys to numbers. */

/** 32-bit FNV-1a of the UTF-16 code units of `text`, from `basis`. */
function fnv1a32(text: string, basis: number): number {
  let hash = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A 53-bit hash (a safe integer) of a key: two independent FNV-1a rounds.
 * Two keys collide with probability ~n²/2⁵⁴ (≈ 5·10⁻⁵ for 10⁶ keys).
 */
export function keyHash53(key: string): number {
  const high = fnv1a32(key, 0x811c9dc5) & 0x1fffff; // 21 bits
  const low = fnv1a32(key, 0x9747b28c); // 32 bits
  return high * 0x1_0000_0000 + low;
}
