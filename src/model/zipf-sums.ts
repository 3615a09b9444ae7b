/** Partial sums of the zipf weights k^−s, exact for small ranks and by Euler–Maclaurin beyond, so 10^9 keys cost O(1). */

/** Ranks whose partial sums are tabulated; above it the Euler–Maclaurin remainder is below 1e-16 relative. */
const TABLE_RANKS = 1024;

/** (e^x − 1) / x, continuous at 0 (keeps ∫ x^−s dx accurate near s = 1) */
function expm1OverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x / 2;
}

/** Σ_{k=from}^{to} k^−s for from ≥ 1 by Euler–Maclaurin (integral, end-point terms and two derivative corrections). */
function eulerMaclaurin(s: number, from: number, to: number): number {
  const logRatio = Math.log(to / from);
  const integral = Math.pow(from, 1 - s) * logRatio * expm1OverX((1 - s) * logRatio);
  const f = (x: number): number => Math.pow(x, -s);
  const df = (x: number): number => -s * Math.pow(x, -s - 1);
  const d3f = (x: number): number => -s * (s + 1) * (s + 2) * Math.pow(x, -s - 3);
  return integral + (f(from) + f(to)) / 2 + (df(to) - df(from)) / 12 - (d3f(to) - d3f(from)) / 720;
}

/** Partial sums of k^−s over ranks (rank 1 = resource id 0). */
export class ZipfSums {
  /** prefix[k] = Σ_{j=1}^{k} j^−s */
  private readonly prefix = new Float64Array(TABLE_RANKS + 1);

  constructor(private readonly s: number) {
    for (let k = 1; k <= TABLE_RANKS; k++) this.prefix[k] = this.prefix[k - 1] + Math.pow(k, -s);
  }

  /** Σ_{k=from}^{to} k^−s over ranks from ≤ to (both ≥ 1); 0 when from > to. */
  between(from: number, to: number): number {
    if (from > to) return 0;
    if (to <= TABLE_RANKS) return this.prefix[to] - this.prefix[from - 1];
    if (from > TABLE_RANKS) return eulerMaclaurin(this.s, from, to);
    return this.prefix[TABLE_RANKS] - this.prefix[from - 1] + eulerMaclaurin(this.s, TABLE_RANKS + 1, to);
  }
}
