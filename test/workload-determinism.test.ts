import { describe, expect, it } from 'vitest';
import type { DistributionSpec, KeyPickSpec, PhaseSpec } from '../src/scenario/types.js';
import { createArrivalSchedule, createDistribution, createKeyPicker, createRng, Stream } from '../src/workload/index.js';

const phases: readonly PhaseSpec[] = [
  { name: 'ramp', durationMs: 1000, rate: 100, rampTo: 2000, arrival: 'poisson' },
  { name: 'steady', durationMs: 1000, rate: 1500, rampTo: 1500, arrival: 'uniform' },
];
const pick: KeyPickSpec = { type: 'zipf', s: 1.1 };
const hold: DistributionSpec = {
  type: 'mix',
  of: [
    { name: 'fast', weight: 3, dist: { type: 'lognormal', median: 2, p99: 20 } },
    { name: 'slow', weight: 1, dist: { type: 'exponential', mean: 50 } },
  ],
};

interface Request {
  seq: number;
  atMs: number;
  key: number;
  holdMs: number;
  holdKind: number;
}

/** Plays a share of the run the way a worker would: one reseed per request and stream. */
function play(seed: number, index = 0, count = 1): Request[] {
  const schedule = createArrivalSchedule(phases, seed, { index, count });
  const picker = createKeyPicker(pick, 10_000);
  const holdTime = createDistribution(hold);
  const rng = createRng(seed);
  const requests: Request[] = [];
  for (let arrival = schedule.next(); arrival !== undefined; arrival = schedule.next()) {
    rng.reseed(seed, Stream.key, arrival.seq);
    const key = picker.pick(rng);
    rng.reseed(seed, Stream.hold, arrival.seq);
    const holdMs = holdTime.sample(rng);
    requests.push({ seq: arrival.seq, atMs: arrival.atMs, key, holdMs, holdKind: holdTime.lastComponent });
  }
  return requests;
}

describe('seeded workload', () => {
  it('the same seed gives identical arrival times, keys and hold times', () => {
    const first = play(2024);
    expect(first.length).toBeGreaterThan(2000);
    expect(play(2024)).toEqual(first);
  });

  it('a different seed gives different arrival times, keys and hold times', () => {
    const first = play(2024);
    const other = play(2025);
    const n = Math.min(first.length, other.length);
    let sameAt = 0;
    let sameKey = 0;
    let sameHold = 0;
    for (let i = 0; i < n; i++) {
      if (first[i].atMs === other[i].atMs) sameAt++;
      if (first[i].key === other[i].key) sameKey++;
      if (first[i].holdMs === other[i].holdMs) sameHold++;
    }
    // the uniform phase has the same times for any seed; the poisson ramp must not
    const poissonArrivals = first.filter((request) => request.atMs < 1000).length;
    expect(sameAt).toBeLessThan(n - poissonArrivals / 2);
    // zipf(1.1) over 10k ids: two draws agree ~10% of the time
    expect(sameKey / n).toBeLessThan(0.2);
    expect(sameHold).toBeLessThan(n / 100);
  });

  it('a request draws the same key and hold whichever worker share it lands in', () => {
    const single = play(77);
    const bySeq = new Map(single.map((request) => [request.seq, request]));
    for (let index = 0; index < 3; index++) {
      for (const request of play(77, index, 3)) expect(request).toEqual(bySeq.get(request.seq));
    }
  });

  it('each poisson phase draws from its own stream (seed, arrivals, phase index)', () => {
    const same: PhaseSpec = { name: 'flat', durationMs: 1000, rate: 200, rampTo: 200, arrival: 'poisson' };
    const schedule = createArrivalSchedule([same, same], 31, { index: 0, count: 1 });
    const byPhase: number[][] = [[], []];
    for (let arrival = schedule.next(); arrival !== undefined; arrival = schedule.next()) {
      byPhase[arrival.phase].push(arrival.atMs - 1000 * arrival.phase);
    }
    // identical phases must not replay the same pattern
    expect(byPhase[1].slice(0, 10)).not.toEqual(byPhase[0].slice(0, 10));
    for (const phaseIndex of [0, 1]) {
      // a flat rate of 0.2/ms: the first arrival is one unit-exponential step, i.e. −ln(1 − u)/0.2 ms
      const u = createRng(31, Stream.arrivals, phaseIndex).next();
      expect(byPhase[phaseIndex][0]).toBeCloseTo(-Math.log(1 - u) / 0.2, 9);
    }
  });
});
