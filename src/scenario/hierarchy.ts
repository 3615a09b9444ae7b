/** Lock hierarchies (lock.keys.levels): train → coach → seat. */

/** Leaves of a hierarchy: the product of the levels' counts (2 trains × 10 coaches × 72 seats = 1,440 seats). */
export function leafCount(levels: readonly { readonly count: number }[]): number {
  return levels.reduce((leaves, level) => leaves * level.count, 1);
}
