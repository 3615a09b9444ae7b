import { describe, expect, it } from 'vitest';
import type { PhaseSpec } from '../src/scenario/types.js';
import { createArrivalSchedule, expectedArrivals, scheduleDurationMs } from '../src/workload/index.js';
import type { Arrival } from '../src/workload/index.js';

const phases: readonly PhaseSpec[] = [
  { name: 'warm', durationMs: 2000, rate: 0, rampTo: 500, arrival: 'uniform' },
  { name: 'steady', durationMs: 3000, rate: 700, rampTo: 700, arrival: 'poisson' },
  { name: 'pause', durationMs: 1000, rate: 0, rampTo: 0, arrival: 'poisson' },
  { name: 'spike', durationMs: 1500, rate: 200, rampTo: 1500, arrival: 'poisson' },
  { name: 'cool', durationMs: 2500, rate: 400, rampTo: 0, arrival: 'uniform' },
];

function collect(seed: number, index: number, count: number): Arrival[] {
  const schedule = createArrivalSchedule(phases, seed, { index, count });
  const arrivals: Arrival[] = [];
  for (let arrival = schedule.next(); arrival !== undefined; arrival = schedule.next()) arrivals.push(arrival);
  // exhausted stays exhausted
  expect(schedule.next()).toBeUndefined();
  return arrivals;
}

describe('arrival shares across workers', () => {
  const single = collect(17, 0, 1);

  it('the single share numbers the whole run 0, 1, 2, … in time order, phase by phase', () => {
    // expected 4,375 (sd of the poisson part ≈ 58)
    expect(Math.abs(single.length / expectedArrivals(phases) - 1)).toBeLessThan(0.05);
    let phaseStart = 0;
    const starts = phases.map((phase) => (phaseStart += phase.durationMs) - phase.durationMs);
    let outOfOrder = 0;
    let outsidePhase = 0;
    single.forEach((arrival, i) => {
      if (arrival.seq !== i) outOfOrder++;
      if (i > 0 && arrival.atMs < single[i - 1].atMs) outOfOrder++;
      const start = starts[arrival.phase];
      if (arrival.atMs < start || arrival.atMs > start + phases[arrival.phase].durationMs) outsidePhase++;
    });
    expect(outOfOrder).toBe(0);
    expect(outsidePhase).toBe(0);
    expect(single.at(-1)!.atMs).toBeLessThanOrEqual(scheduleDurationMs(phases));
    expect(new Set(single.map((arrival) => arrival.phase))).toEqual(new Set([0, 1, 3, 4]));
  });

  for (const count of [1, 2, 3]) {
    it(`the union of ${count} share(s) is exactly the single-share sequence`, () => {
      const union: Arrival[] = [];
      for (let index = 0; index < count; index++) {
        const share = collect(17, index, count);
        expect(share.every((arrival) => arrival.seq % count === index)).toBe(true);
        expect(share.every((arrival, i) => i === 0 || arrival.atMs >= share[i - 1].atMs)).toBe(true);
        union.push(...share);
      }
      union.sort((a, b) => a.seq - b.seq);
      expect(union).toEqual(single);
    });
  }

  it('rejects a share outside its count', () => {
    expect(() => createArrivalSchedule(phases, 1, { index: 3, count: 3 })).toThrow(RangeError);
    expect(() => createArrivalSchedule(phases, 1, { index: 0, count: 0 })).toThrow(RangeError);
  });
});
