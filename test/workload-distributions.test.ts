import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../src/errors.js';
import type { DistributionSpec } from '../src/scenario/types.js';
import { createDistribution, createRng, distributionMean, NORMAL_Z99, normalQuantile } from '../src/workload/index.js';

const N = 200_000;

function sampleMany(spec: DistributionSpec, seed = 11): Float64Array {
  const distribution = createDistribution(spec);
  const rng = createRng(seed);
  const values = new Float64Array(N);
  for (let i = 0; i < N; i++) values[i] = distribution.sample(rng);
  return values;
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

function quantile(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor(p * (sorted.length - 1))];
}

describe('duration distributions', () => {
  it('constant always returns its value, as a plain distribution', () => {
    const distribution = createDistribution({ type: 'constant', value: 3.5 });
    expect(distribution.sample(createRng(1))).toBe(3.5);
    expect(distribution.mean).toBe(3.5);
    expect(distribution.components).toEqual(['all']);
    expect(distribution.lastComponent).toBe(0);
  });

  it('uniform stays within [min, max) and covers it', () => {
    const values = sampleMany({ type: 'uniform', min: 2, max: 7 });
    let low = Infinity;
    let high = -Infinity;
    for (const value of values) {
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
    expect(low).toBeGreaterThanOrEqual(2);
    expect(high).toBeLessThan(7);
    // the extremes of 200k uniform draws land within ~1e-4 of the bounds
    expect(low).toBeLessThan(2.001);
    expect(high).toBeGreaterThan(6.999);
    // sd of the mean: 1.44/√N ≈ 0.003
    expect(mean(values)).toBeCloseTo(4.5, 1);
    expect(distributionMean({ type: 'uniform', min: 2, max: 7 })).toBe(4.5);
  });

  it('exponential has the given mean and its median at mean·ln 2', () => {
    const values = sampleMany({ type: 'exponential', mean: 5 });
    // sd of the sample mean: 5/√N ≈ 0.011, so 1% is 4.5 sd
    expect(Math.abs(mean(values) / 5 - 1)).toBeLessThan(0.01);
    expect(Math.abs(quantile(values, 0.5) / (5 * Math.LN2) - 1)).toBeLessThan(0.02);
    expect(distributionMean({ type: 'exponential', mean: 5 })).toBe(5);
  });

  it('lognormal hits the given median and p99, and reports its exact mean', () => {
    const spec: DistributionSpec = { type: 'lognormal', median: 10, p99: 100 };
    const values = sampleMany(spec);
    // σ ≈ 0.99: the log of the sample median has sd ≈ 1.25σ/√N ≈ 0.003, of the p99 ≈ 0.008
    expect(Math.abs(quantile(values, 0.5) / 10 - 1)).toBeLessThan(0.02);
    expect(Math.abs(quantile(values, 0.99) / 100 - 1)).toBeLessThan(0.05);
    const sigma = Math.log(10) / NORMAL_Z99;
    const exactMean = 10 * Math.exp((sigma * sigma) / 2);
    expect(createDistribution(spec).mean).toBeCloseTo(exactMean, 10);
    // coefficient of variation ≈ 1.3, so the sample mean has sd ≈ 0.3%
    expect(Math.abs(mean(values) / exactMean - 1)).toBeLessThan(0.02);
  });

  it('lognormal with p99 equal to the median is constant', () => {
    const values = sampleMany({ type: 'lognormal', median: 4, p99: 4 });
    for (const value of values.subarray(0, 100)) expect(value).toBeCloseTo(4, 12);
  });

  it('normal quantile matches known values', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.99)).toBeCloseTo(NORMAL_Z99, 8);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 8);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 7);
    expect(normalQuantile(1 - 1e-6)).toBeCloseTo(4.753424308822899, 6);
  });

  it('mix picks components by normalised weight and reports the one it used', () => {
    const distribution = createDistribution({
      type: 'mix',
      of: [
        { name: 'upi', weight: 6, dist: { type: 'constant', value: 1 } },
        { name: 'unused', weight: 0, dist: { type: 'constant', value: 50 } },
        { name: 'wallet', weight: 2, dist: { type: 'constant', value: 100 } },
      ],
    });
    expect(distribution.components).toEqual(['upi', 'unused', 'wallet']);
    expect(distribution.mean).toBeCloseTo(0.75 * 1 + 0.25 * 100, 12);
    const rng = createRng(5);
    const picks = [0, 0, 0];
    let mismatches = 0;
    for (let i = 0; i < N; i++) {
      const value = distribution.sample(rng);
      picks[distribution.lastComponent]++;
      if (value !== [1, 50, 100][distribution.lastComponent]) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(picks[1]).toBe(0);
    // share sd: √(0.75·0.25/N) ≈ 0.001
    expect(Math.abs(picks[0] / N - 0.75)).toBeLessThan(0.005);
    expect(Math.abs(picks[2] / N - 0.25)).toBeLessThan(0.005);
  });

  it('mix of random components has the weighted mean of their means', () => {
    const spec: DistributionSpec = {
      type: 'mix',
      of: [
        { name: 'fast', weight: 1, dist: { type: 'exponential', mean: 2 } },
        { name: 'slow', weight: 3, dist: { type: 'uniform', min: 10, max: 20 } },
      ],
    };
    expect(distributionMean(spec)).toBeCloseTo(0.25 * 2 + 0.75 * 15, 12);
    expect(Math.abs(mean(sampleMany(spec)) / distributionMean(spec) - 1)).toBeLessThan(0.01);
  });

  it('rejects impossible specs with a ScenarioError', () => {
    expect(() => createDistribution({ type: 'lognormal', median: 10, p99: 5 })).toThrow(ScenarioError);
    expect(() => createDistribution({ type: 'lognormal', median: 0, p99: 5 })).toThrow(ScenarioError);
    expect(() => createDistribution({ type: 'uniform', min: 5, max: 1 })).toThrow(ScenarioError);
    expect(() => createDistribution({ type: 'exponential', mean: -1 })).toThrow(ScenarioError);
    expect(() => createDistribution({ type: 'mix', of: [] })).toThrow(ScenarioError);
    expect(() =>
      createDistribution({ type: 'mix', of: [{ name: 'a', weight: 0, dist: { type: 'constant', value: 1 } }] }),
    ).toThrow(ScenarioError);
  });
});
