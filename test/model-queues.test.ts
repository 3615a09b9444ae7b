import { describe, expect, it } from 'vitest';
import { distributionMoments, erlangC, exponentialWaitQuantile, keyQueue, mg1Wait, mm1Wait, mmcWait, squaredCoefficientOfVariation, sumMoments } from '../src/model/index.js';

// Units: rates per ms, times in ms. 5/s = 0.005/ms; a 100 ms hold → μ = 10/s.

describe('moments of the duration specs', () => {
  it('constant, uniform, exponential, lognormal and mix give E[X] and E[X²] by hand', () => {
    expect(distributionMoments({ type: 'constant', value: 100 })).toEqual({ mean: 100, secondMoment: 10_000 });
    // uniform 3..5 s: E = 4000; E[X²] = (a² + ab + b²)/3 = (9 + 15 + 25)/3 · 10⁶
    const uniform = distributionMoments({ type: 'uniform', min: 3000, max: 5000 });
    expect(uniform.mean).toBe(4000);
    expect(uniform.secondMoment).toBeCloseTo((49 / 3) * 1e6, 3);
    // exponential: E[X²] = 2·mean²
    expect(distributionMoments({ type: 'exponential', mean: 100 })).toEqual({ mean: 100, secondMoment: 20_000 });
    // lognormal median 10, p99 = 10·e^{2.326…} → sigma = 1: E = 10·e^{0.5}, E[X²] = 100·e^{2}
    const lognormal = distributionMoments({ type: 'lognormal', median: 10, p99: 10 * Math.exp(2.3263478740408408) });
    expect(lognormal.mean).toBeCloseTo(10 * Math.exp(0.5), 9);
    expect(lognormal.secondMoment).toBeCloseTo(100 * Math.exp(2), 6);
    // mix 3:1 of constant 100 and constant 500: E = 0.75·100 + 0.25·500 = 200; E[X²] = 0.75·10⁴ + 0.25·25·10⁴ = 70,000
    const mix = distributionMoments({
      type: 'mix',
      of: [
        { weight: 3, name: 'fast', dist: { type: 'constant', value: 100 } },
        { weight: 1, name: 'slow', dist: { type: 'constant', value: 500 } },
      ],
    });
    expect(mix).toEqual({ mean: 200, secondMoment: 70_000 });
    expect(squaredCoefficientOfVariation(mix)).toBeCloseTo(70_000 / 40_000 - 1, 12);
  });

  it('hold + rtt: E[(H+R)²] = E[H²] + 2E[H]E[R] + E[R²]', () => {
    // constant 100 + exponential 10: E = 110; E[S²] = 10,000 + 2·100·10 + 200 = 12,200
    expect(sumMoments({ mean: 100, secondMoment: 10_000 }, { mean: 10, secondMoment: 200 })).toEqual({ mean: 110, secondMoment: 12_200 });
  });
});

describe('one key as a queue', () => {
  it('M/D/1 (constant hold 100 ms, 5/s): Wq = λE[S²]/(2(1 − ρ)) = 5·0.01/(2·0.5) = 0.05 s', () => {
    expect(mg1Wait(0.005, { mean: 100, secondMoment: 100 * 100 })).toBeCloseTo(50, 12);
  });

  it('M/M/1 (exponential hold 100 ms, 5/s): Wq = ρ/(μ − λ) = 0.5/(10 − 5) = 0.1 s, and P-K with E[S²] = 2·E[S]² agrees', () => {
    expect(mm1Wait(0.005, 100)).toBeCloseTo(100, 12);
    expect(mg1Wait(0.005, { mean: 100, secondMoment: 20_000 })).toBeCloseTo(100, 12);
  });

  it('a key at ρ ≥ 1 is saturated: unbounded wait, everyone waits', () => {
    const queue = keyQueue(0.01, { mean: 100, secondMoment: 10_000 }, 1);
    expect(queue).toMatchObject({ utilization: 1, saturated: true, waitProbability: 1, waitMs: Infinity, waiting: Infinity });
    expect(mm1Wait(0.02, 100)).toBe(Infinity);
  });

  it('Erlang C for c = 2, a = 1 is 1/3 (B(2,1) = 0.2; C = 2·0.2/(2 − 1·0.8)); Wq = C/(cμ − λ) = (1/3)/(20 − 10)/s', () => {
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 14);
    expect(mmcWait(0.01, 100, 2)).toBeCloseTo(100 / 3, 10);
    // one permit: Erlang C is ρ
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 14);
    expect(erlangC(2, 2)).toBe(1);
  });

  it('keyQueue: per-key figures and Little Lq = λ·Wq, for a mutex and a semaphore', () => {
    const mutex = keyQueue(0.005, { mean: 100, secondMoment: 10_000 }, 1);
    expect(mutex).toMatchObject({ offeredLoad: 0.5, utilization: 0.5, saturated: false, waitProbability: 0.5 });
    expect(mutex.exponentialWaitMs).toBeCloseTo(100, 10);
    expect(mutex.waitMs).toBeCloseTo(50, 10);
    // Lq = 0.005/ms × 50 ms = 0.25
    expect(mutex.waiting).toBeCloseTo(0.25, 12);

    // c = 2, a = 1, constant S: M/M/2 Wq = 33.3 ms; Lee–Longton × (1 + 0)/2 = 16.7 ms; Lq = 0.01 × 16.7 = 0.167
    const semaphore = keyQueue(0.01, { mean: 100, secondMoment: 10_000 }, 2);
    expect(semaphore.utilization).toBeCloseTo(0.5, 12);
    expect(semaphore.waitProbability).toBeCloseTo(1 / 3, 12);
    expect(semaphore.exponentialWaitMs).toBeCloseTo(100 / 3, 10);
    expect(semaphore.waitMs).toBeCloseTo(50 / 3, 10);
    expect(semaphore.waiting).toBeCloseTo(1 / 6, 10);
  });

  it('wait quantiles from the M/M/1 tail P(W > t) = ρ·e^{−(μ−λ)t}', () => {
    // λ = 5/s, μ = 10/s: p99 solves 0.5·e^{−5t} = 0.01 → t = ln(50)/5 s = 782.4 ms
    expect(exponentialWaitQuantile(0.005, 100, 1, 0.99)).toBeCloseTo((Math.log(50) / 5) * 1000, 8);
    // only half the arrivals wait: the median wait is 0
    expect(exponentialWaitQuantile(0.005, 100, 1, 0.5)).toBe(0);
    // M/M/2, a = 1: P(W > t) = (1/3)·e^{−(20 − 10)t} → p99 = ln(100/3)/10 s
    expect(exponentialWaitQuantile(0.01, 100, 2, 0.99)).toBeCloseTo((Math.log(100 / 3) / 10) * 1000, 8);
    expect(exponentialWaitQuantile(0.01, 100, 1, 0.99)).toBe(Infinity);
  });
});
