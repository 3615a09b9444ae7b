/** Erlang C: the chance that an arrival to c servers (permits) offered a Erlangs has to wait. */

/**
 * Erlang B by its recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)): stable for any c,
 * where the textbook sum of a^k/k! overflows.
 */
export function erlangB(permits: number, offeredLoad: number): number {
  let blocking = 1;
  for (let k = 1; k <= permits; k++) blocking = (offeredLoad * blocking) / (k + offeredLoad * blocking);
  return blocking;
}

/**
 * Erlang C(c, a): P(wait) in M/M/c with a = λ/μ < c, from Erlang B as C = c·B / (c − a·(1 − B)).
 * 1 when a ≥ c (the queue grows without bound, every arrival waits).
 */
export function erlangC(permits: number, offeredLoad: number): number {
  if (!(offeredLoad < permits)) return 1;
  if (offeredLoad <= 0) return 0;
  const blocking = erlangB(permits, offeredLoad);
  return (permits * blocking) / (permits - offeredLoad * (1 - blocking));
}
