/** The odds that concurrent requests meet on a lock: the background notes' 1 − (1 − p)^n and the birthday paradox. */

/** P(at least one of n requests needs the lock) when each needs it with probability p: 1 − (1 − p)^n. */
export function contentionProbability(p: number, n: number): number {
  if (p >= 1) return n > 0 ? 1 : 0;
  if (p <= 0 || n <= 0) return 0;
  return -Math.expm1(n * Math.log1p(-p));
}

/**
 * The birthday paradox, exact: P(some two of n requests pick the same of K equally likely keys)
 * = 1 − ∏_{i<n} (1 − i/K); 1 when n > K (pigeonhole). 23 people, 365 days → 0.507.
 */
export function birthdayCollision(n: number, keys: number): number {
  if (n > keys) return 1;
  if (n < 2) return 0;
  let logNone = 0;
  for (let i = 1; i < n; i++) logNone += Math.log1p(-i / keys);
  return -Math.expm1(logNone);
}

/**
 * P(some two of n requests collide) when any two collide with probability q, treating the
 * n(n − 1)/2 pairs as independent: 1 − (1 − q)^{n(n−1)/2}. For skewed keys q = Σ p_i².
 */
export function pairwiseCollision(n: number, pairCollision: number): number {
  return contentionProbability(pairCollision, (n * (n - 1)) / 2);
}
