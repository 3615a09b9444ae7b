import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../src/errors.js';
import type { PhaseSpec } from '../src/scenario/types.js';
import { createArrivalSchedule, expectedArrivals, scheduleDurationMs } from '../src/workload/index.js';

function phase(durationMs: number, rate: number, rampTo: number, arrival: PhaseSpec['arrival']): PhaseSpec {
  return { name: `${arrival}-${rate}-${rampTo}`, durationMs, rate, rampTo, arrival };
}

function times(phases: readonly PhaseSpec[], seed = 1): number[] {
  const schedule = createArrivalSchedule(phases, seed, { index: 0, count: 1 });
  const atMs: number[] = [];
  for (let arrival = schedule.next(); arrival !== undefined; arrival = schedule.next()) atMs.push(arrival.atMs);
  return atMs;
}

describe('arrival counts and timing', () => {
  it('expectedArrivals is the integral of the rate and scheduleDurationMs the sum of phases', () => {
    const phases = [phase(2000, 10, 10, 'uniform'), phase(4000, 0, 100, 'poisson'), phase(500, 0, 0, 'uniform')];
    expect(expectedArrivals(phases)).toBeCloseTo(20 + 200, 9);
    expect(scheduleDurationMs(phases)).toBe(6500);
  });

  it('uniform spaces a flat rate evenly, the k-th arrival where N(t) = k + 0.5', () => {
    const atMs = times([phase(1000, 10, 10, 'uniform')]);
    expect(atMs).toHaveLength(10);
    atMs.forEach((t, k) => expect(t).toBeCloseTo(50 + 100 * k, 9));
  });

  it('uniform yields round(integral) arrivals, exactly', () => {
    expect(times([phase(10_000, 1000, 1000, 'uniform')])).toHaveLength(10_000);
    expect(times([phase(1000, 3.3, 3.3, 'uniform')])).toHaveLength(3);
    expect(times([phase(1000, 3.5, 3.5, 'uniform')])).toHaveLength(4);
    const ramps = [phase(7000, 0, 333, 'uniform'), phase(3000, 250, 0, 'uniform'), phase(1234, 17, 91, 'uniform')];
    expect(times(ramps)).toHaveLength(ramps.reduce((sum, p) => sum + Math.round(expectedArrivals([p])), 0));
  });

  it('uniform ramp down to 0 ends within the phase', () => {
    const atMs = times([phase(2000, 1000, 0, 'uniform')]);
    expect(atMs).toHaveLength(1000);
    expect(atMs.at(-1)!).toBeLessThanOrEqual(2000);
    expect(atMs.at(-1)!).toBeGreaterThan(1900);
    // the rate falls, so gaps grow
    expect(atMs[999] - atMs[998]).toBeGreaterThan(atMs[1] - atMs[0]);
  });

  it('poisson yields the integral within 1% over a long run', () => {
    // N ~ Poisson(200,000): sd ≈ 447, so 1% (2,000) is ~4.5 sd
    const atMs = times([phase(100_000, 2000, 2000, 'poisson')], 9);
    expect(Math.abs(atMs.length / 200_000 - 1)).toBeLessThan(0.01);
  });

  it('poisson gaps are exponential: mean 1/rate and coefficient of variation ~1', () => {
    const atMs = times([phase(100_000, 1000, 1000, 'poisson')], 4);
    let sum = 0;
    let sumSquares = 0;
    for (let i = 1; i < atMs.length; i++) {
      const gap = atMs[i] - atMs[i - 1];
      sum += gap;
      sumSquares += gap * gap;
    }
    const gaps = atMs.length - 1;
    const meanGap = sum / gaps;
    const cv = Math.sqrt(sumSquares / gaps - meanGap * meanGap) / meanGap;
    // 100k gaps: sd of the mean ≈ 0.3%, of the cv ≈ 0.5%; uniform arrivals would give cv 0
    expect(meanGap).toBeCloseTo(1, 1);
    expect(Math.abs(cv - 1)).toBeLessThan(0.03);
  });

  it('a ramp from 0 puts a quarter of the arrivals in the first half', () => {
    const durationMs = 100_000;
    for (const arrival of ['uniform', 'poisson'] as const) {
      const atMs = times([phase(durationMs, 0, 4000, arrival)], 5);
      const total = atMs.length;
      const firstHalf = atMs.filter((t) => t < durationMs / 2).length;
      // ~200k arrivals; for poisson the fraction has sd √(0.25·0.75/200k) ≈ 0.001
      expect(Math.abs(total / 200_000 - 1)).toBeLessThan(0.01);
      expect(Math.abs(firstHalf / total - 0.25)).toBeLessThan(0.005);
    }
  });

  it('phases run back to back and a rate-0 phase yields nothing but still takes its time', () => {
    const arrivals: { atMs: number; phase: number }[] = [];
    const schedule = createArrivalSchedule(
      [phase(1000, 0, 0, 'uniform'), phase(1000, 10, 10, 'uniform'), phase(5000, 0, 0, 'poisson'), phase(1000, 50, 50, 'poisson')],
      3,
      { index: 0, count: 1 },
    );
    for (let arrival = schedule.next(); arrival !== undefined; arrival = schedule.next()) arrivals.push(arrival);
    expect(arrivals[0]).toEqual({ seq: 0, atMs: 1050, phase: 1 });
    expect(arrivals.filter((arrival) => arrival.phase === 1)).toHaveLength(10);
    const last = arrivals.filter((arrival) => arrival.phase === 3);
    expect(last.length).toBeGreaterThan(20);
    expect(last.every((arrival) => arrival.atMs >= 7000 && arrival.atMs <= 8000)).toBe(true);
    expect(arrivals.some((arrival) => arrival.phase === 0 || arrival.phase === 2)).toBe(false);
  });

  it('an empty or all-zero schedule yields nothing', () => {
    expect(times([])).toEqual([]);
    expect(times([phase(0, 100, 100, 'poisson'), phase(1000, 0, 0, 'uniform')])).toEqual([]);
  });

  it('rejects negative rates and durations with a ScenarioError', () => {
    expect(() => createArrivalSchedule([phase(1000, -1, 0, 'uniform')], 1, { index: 0, count: 1 })).toThrow(ScenarioError);
    expect(() => expectedArrivals([phase(-5, 1, 1, 'poisson')])).toThrow(ScenarioError);
  });
});
