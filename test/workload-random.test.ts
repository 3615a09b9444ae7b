import { describe, expect, it } from 'vitest';
import { createRng, Stream } from '../src/workload/index.js';
import type { Rng } from '../src/workload/index.js';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

describe('seeded rng', () => {
  it('repeats its sequence for the same (seed, stream, index)', () => {
    expect(draws(createRng(42, Stream.key, 7), 100)).toEqual(draws(createRng(42, Stream.key, 7), 100));
  });

  it('gives a different sequence when seed, stream or index changes', () => {
    const base = draws(createRng(42, Stream.key, 7), 8);
    expect(draws(createRng(43, Stream.key, 7), 8)).not.toEqual(base);
    expect(draws(createRng(42, Stream.hold, 7), 8)).not.toEqual(base);
    expect(draws(createRng(42, Stream.key, 8), 8)).not.toEqual(base);
  });

  it('uses the high bits of seeds and indices beyond 2^32', () => {
    const big = 2 ** 40;
    expect(createRng(big).next()).not.toBe(createRng(big + 2 ** 32).next());
    expect(createRng(big).next()).not.toBe(createRng(0).next());
    expect(createRng(1, Stream.key, 5 + 2 ** 32).next()).not.toBe(createRng(1, Stream.key, 5).next());
  });

  it('reseeds in place to the same state as a fresh generator, whatever it drew before', () => {
    const rng = createRng(1, Stream.arrivals, 0);
    draws(rng, 37);
    rng.reseed(99, Stream.retry, 12345);
    expect(draws(rng, 50)).toEqual(draws(createRng(99, Stream.retry, 12345), 50));
  });

  it('draws uniforms in [0, 1) with the right mean and an even spread', () => {
    const rng = createRng(2024);
    const buckets = new Array<number>(10).fill(0);
    let sum = 0;
    let outOfRange = 0;
    const n = 1_000_000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outOfRange++;
      sum += u;
      buckets[Math.floor(u * 10)]++;
    }
    expect(outOfRange).toBe(0);
    // sd of the mean is 0.289/√n ≈ 0.0003; of a bucket share √(0.09/n) ≈ 0.0003
    expect(sum / n).toBeCloseTo(0.5, 2);
    for (const count of buckets) expect(Math.abs(count / n - 0.1)).toBeLessThan(0.0015);
  });

  it('first draws of consecutive request indices are not correlated', () => {
    const rng = createRng(7);
    const n = 100_000;
    let sumXY = 0;
    let previous = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      rng.reseed(7, Stream.key, i);
      const u = rng.next();
      sum += u;
      if (i > 0) sumXY += (u - 0.5) * (previous - 0.5);
      previous = u;
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    // correlation = sumXY / (n · 1/12); its sd is 1/√n ≈ 0.003
    expect(Math.abs((sumXY / (n - 1)) * 12)).toBeLessThan(0.015);
  });
});
