import { describe, expect, it } from 'vitest';
import { analyticMaxRate, buildPlan, planModel, searchMaxLevel, atLoadLevel, loadLevel, type Plan } from '../src/model/index.js';
import { loadScenarioText } from '../src/scenario/index.js';
import type { LoadedScenario, ThresholdSpec } from '../src/scenario/types.js';

function load(...lines: string[]): LoadedScenario {
  return loadScenarioText(['name: plan', ...lines].join('\n'), 'plan.yaml', { env: {}, defaultWorkers: 1 });
}

function plan(loaded: LoadedScenario, rate?: number): Plan {
  return buildPlan(loaded, { rate, createdAt: '2026-01-01T00:00:00.000Z', toolVersion: 'test' });
}

/** 10 uniform keys, one mutex each, waiters queue (retry none on memory = fifo) */
const TEN_KEYS = ['resources: { count: 10 }', 'lock: { retry: { strategy: none } }'];

describe('lockbench plan: figures by hand', () => {
  it('10 uniform keys, 50/s, constant hold 100 ms: λ_i = 5/s, ρ = 0.5, M/D/1 Wq = 5·0.01/(2·0.5) = 50 ms, M/M/1 100 ms', () => {
    const result = plan(load('phases:', '  - { name: steady, duration: 10s, rate: 50 }', 'hold: 100ms', ...TEN_KEYS));
    expect(result.inputs).toMatchObject({ permits: 1, discipline: 'fifo', keys: { count: 10, keysPerRequest: 1 } });
    expect(result.inputs.service).toMatchObject({ meanMs: 100, secondMomentMs2: 10_000, squaredCv: 0 });
    const key = result.peak.hotKeys[0];
    expect(key).toMatchObject({ count: 10, key: 'resource:0', lastKey: 'resource:9' });
    expect(key.arrivalRate).toBeCloseTo(5, 12);
    expect(key.queue.utilization).toBeCloseTo(0.5, 12);
    expect(key.queue.waitMs).toBeCloseTo(50, 9);
    expect(key.queue.exponentialWaitMs).toBeCloseTo(100, 9);
    // Little per key: Lq = 0.005/ms × 50 ms = 0.25; over 10 keys 2.5
    expect(key.queue.waiting).toBeCloseTo(0.25, 9);
    expect(result.peak.waiting).toBeCloseTo(2.5, 9);
    expect(result.peak.meanWaitMs).toBeCloseTo(50, 9);
    expect(result.peak.waitProbability).toBeCloseTo(0.5, 12);
    expect(result.peak.saturatedKeys).toBe(0);
    // n = λ·E[S] = 50/s × 0.1 s = 5 requests at once; P(two of 5 on one of 10 keys) = 1 − (9·8·7·6)/10⁴ = 0.6976
    expect(result.peak.contention.concurrentRequests).toBeCloseTo(5, 12);
    expect(result.peak.contention.collision).toMatchObject({ requests: 5, method: 'exact', keys: 10 });
    expect(result.peak.contention.collision.probability).toBeCloseTo(1 - (9 * 8 * 7 * 6) / 10_000, 12);
    // the hottest key's share is 0.1: 1 − 0.9⁵ = 0.40951
    expect(result.peak.contention.hottestKey.probability).toBeCloseTo(1 - Math.pow(0.9, 5), 12);
  });

  it('exponential hold: M/M/1 and M/G/1 agree at ρ/(μ − λ) = 0.5/(10 − 5) = 100 ms', () => {
    const result = plan(load('phases:', '  - { duration: 10s, rate: 50 }', 'hold: { type: exponential, mean: 100ms }', ...TEN_KEYS));
    expect(result.peak.hotKeys[0].queue.waitMs).toBeCloseTo(100, 9);
    expect(result.peak.hotKeys[0].queue.exponentialWaitMs).toBeCloseTo(100, 9);
  });

  it('S = hold + rtt when sim.rtt is given: constant 100 + 10 ms → ρ = 0.55, Wq = 0.005·110²/(2·0.45) = 67.2 ms', () => {
    const result = plan(load('phases:', '  - { duration: 10s, rate: 50 }', 'hold: 100ms', 'sim: { rtt: 10ms }', ...TEN_KEYS));
    expect(result.inputs.service).toMatchObject({ holdMeanMs: 100, rttMeanMs: 10, meanMs: 110, secondMomentMs2: 12_100 });
    expect(result.inputs.service.madeOf).toMatch(/^hold \+ rtt/);
    expect(result.peak.hotKeys[0].queue.utilization).toBeCloseTo(0.55, 12);
    expect(result.peak.hotKeys[0].queue.waitMs).toBeCloseTo((0.005 * 12_100) / (2 * 0.45), 9);
  });

  it('a semaphore of 2 permits per key, a = 10/s × 0.1 s = 1: Erlang C = 1/3, Wq M/M/2 = 33.3 ms, constant S halves it', () => {
    const result = plan(load('phases:', '  - { duration: 10s, rate: 100 }', 'hold: 100ms', 'resources: { count: 10 }', 'lock: { retry: { strategy: none }, permits: 2 }'));
    const queue = result.peak.hotKeys[0].queue;
    expect(result.inputs.permits).toBe(2);
    expect(queue.offeredLoad).toBeCloseTo(1, 12);
    expect(queue.utilization).toBeCloseTo(0.5, 12);
    expect(queue.waitProbability).toBeCloseTo(1 / 3, 12);
    expect(queue.exponentialWaitMs).toBeCloseTo(100 / 3, 9);
    expect(queue.waitMs).toBeCloseTo(50 / 3, 9);
  });

  it('open model: the peak is the highest rate or rampTo; each phase is evaluated at its mean rate', () => {
    const result = plan(
      load('phases:', '  - { name: ramp, duration: 10s, rate: 10, rampTo: 30 }', '  - { name: flat, duration: 10s, rate: 50 }', 'hold: 100ms', ...TEN_KEYS),
    );
    expect(result.peak.requestRate).toBe(50);
    expect(result.phases?.map((phase) => [phase.name, phase.requestRate])).toEqual([
      ['ramp', 20],
      ['flat', 50],
    ]);
    // the ramp's mean 20/s: 2/s per key, ρ = 0.2, Wq = 0.002·10⁴/(2·0.8) = 12.5 ms
    expect(result.phases?.[0].hotKeys[0].queue.waitMs).toBeCloseTo(12.5, 9);
  });

  it('--rate replaces the schedule: one evaluation at the given rate, no phases', () => {
    const result = plan(load('phases:', '  - { duration: 10s, rate: 50 }', 'hold: 100ms', ...TEN_KEYS), 80);
    expect(result.peak.requestRate).toBe(80);
    expect(result.inputs.arrivalRate).toMatchObject({ requestsPerSecond: 80, upperBound: false });
    expect(result.phases).toBeUndefined();
  });

  it('closed model: λ ≈ users / (E[think] + E[hold]) = 20 / 0.2 s = 100/s, said to be an upper bound', () => {
    const result = plan(load('users: 20', 'duration: 10s', 'thinkTime: 100ms', 'hold: 100ms', ...TEN_KEYS));
    expect(result.inputs.arrivalRate).toMatchObject({ upperBound: true });
    expect(result.peak.requestRate).toBeCloseTo(100, 9);
    expect(result.notes.join('\n')).toMatch(/upper bound/);
  });

  it('saturated keys: zipf s = 1 over 3 keys at 25/s with a 100 ms hold: ρ = 25·(6/11)·0.1 = 1.36 and 25·(3/11)·0.1 = 0.68', () => {
    const result = plan(load('phases:', '  - { duration: 10s, rate: 25 }', 'hold: 100ms', 'resources: { count: 3, pick: { type: zipf, s: 1 } }', 'lock: { retry: { strategy: none } }'));
    expect(result.peak.hotKeys.map((key) => key.queue.utilization)).toEqual([
      expect.closeTo(25 * (6 / 11) * 0.1, 12),
      expect.closeTo(25 * (3 / 11) * 0.1, 12),
      expect.closeTo(25 * (2 / 11) * 0.1, 12),
    ]);
    expect(result.peak.saturatedKeys).toBe(1);
    expect(result.peak.meanWaitMs).toBe(Infinity);
    // P(wait) per acquisition: 6/11·1 + 3/11·0.682 + 2/11·0.455
    expect(result.peak.waitProbability).toBeCloseTo(6 / 11 + (3 / 11) * (7.5 / 11) + (2 / 11) * (5 / 11), 12);
    // plan.json writes the unbounded figures as null
    expect(JSON.parse(JSON.stringify(result)).peak.meanWaitMs).toBeNull();
  });

  it('hierarchy node rates: 100 requests/s over 2 trains × 3 coaches × 4 seats → 50/s per train, 16.7/s per coach, 4.17/s per seat', () => {
    const result = plan(
      load(
        'phases:',
        '  - { duration: 10s, rate: 100 }',
        'hold: 1ms',
        'resources: { key: "{id}" }',
        'lock:',
        '  mode: multi',
        '  retry: { strategy: none }',
        '  keys: { levels: [ { name: train, count: 2 }, { name: coach, count: 3 }, { name: seat, count: 4 } ] }',
      ),
    );
    expect(result.peak.keyArrivalRate).toBe(300);
    expect(result.peak.hotKeys.map((key) => [key.level, key.count, key.arrivalRate])).toEqual([
      [0, 2, 50],
      [1, 6, expect.closeTo(100 / 6, 12)],
      [2, 24, expect.closeTo(100 / 24, 12)],
    ]);
    expect(result.peak.hotKeys[0]).toMatchObject({ key: 'train:0', lastKey: 'train:1' });
    expect(result.notes.join('\n')).toMatch(/hierarchy/);
  });

  it('polling (a retry policy) is said to make the waits a lower bound', () => {
    const result = plan(load('phases:', '  - { duration: 10s, rate: 50 }', 'hold: 100ms', 'resources: { count: 10 }', 'lock: { retry: { strategy: fixed, delay: 5ms } }'));
    expect(result.inputs.discipline).toBe('polling');
    expect(result.notes.join('\n')).toMatch(/lower bound/);
  });
});

describe('find-max-rate', () => {
  const p99Slo: ThresholdSpec = { metric: 'latency.acquire.p99', op: '<', value: 100, source: '< 100ms' };

  it('analytic: the rate where the hottest key’s M/M/1 p99 wait ln(ρ/0.01)/(μ − λ) reaches 100 ms', () => {
    const loaded = load('phases:', '  - { duration: 10s, rate: 50 }', 'hold: { type: exponential, mean: 100ms }', ...TEN_KEYS);
    const { shares, service } = planModel(loaded.scenario);
    const estimate = analyticMaxRate(p99Slo, shares, service);
    expect(estimate.approximation).toMatch(/M\/M\/1 tail/);
    // per key λ = rate/10; μ = 10/s; the p99 at that λ is 0.1 s
    const perKey = estimate.requestRate! / 10;
    expect(Math.log(perKey / 10 / 0.01) / (10 - perKey)).toBeCloseTo(0.1, 9);
    expect(estimate.level).toBe(estimate.requestRate);
  });

  it('analytic: a mean SLO uses P-K: λ·10⁴/(2(1 − 100λ)) = 50 ms → λ = 5/s per key, 50/s in all', () => {
    const loaded = load('phases:', '  - { duration: 10s, rate: 50 }', 'hold: 100ms', ...TEN_KEYS);
    const { shares, service } = planModel(loaded.scenario);
    const estimate = analyticMaxRate({ metric: 'latency.acquire.mean', op: '<', value: 50, source: '< 50ms' }, shares, service);
    expect(estimate.requestRate).toBeCloseTo(50, 6);
    expect(analyticMaxRate({ metric: 'rates.successRate', op: '>', value: 0.99, source: '> 0.99' }, shares, service).requestRate).toBeNull();
  });

  it('analytic, closed model: the rate in users is λ·(E[think] + E[S])', () => {
    const loaded = load('users: 5', 'duration: 10s', 'thinkTime: 900ms', 'hold: 100ms', ...TEN_KEYS);
    const { shares, service } = planModel(loaded.scenario);
    const estimate = analyticMaxRate({ metric: 'latency.acquire.mean', op: '<', value: 50, source: '< 50ms' }, shares, service, 1000);
    expect(estimate.level).toBeCloseTo(50, 5);
  });

  it('the search doubles to a bracket, then bisects to 1% within 12 probes', async () => {
    const limit = 3300;
    const search = await searchMaxLevel(async (level) => ({ pass: level <= limit, actual: level, throughput: level }), { start: 1000, integer: false });
    expect(search.probes.slice(0, 3).map((probe) => [probe.level, probe.pass])).toEqual([
      [1000, true],
      [2000, true],
      [4000, false],
    ]);
    expect(search.probes.length).toBeLessThanOrEqual(12);
    expect(search.highestPassing!).toBeLessThanOrEqual(limit);
    expect(search.lowestFailing!).toBeGreaterThan(limit);
    expect(search.lowestFailing! - search.highestPassing!).toBeLessThanOrEqual(0.01 * search.lowestFailing!);
  });

  it('the search halves when the scenario’s own level fails; users stay whole numbers', async () => {
    const search = await searchMaxLevel(async (users) => ({ pass: users <= 37, actual: null, throughput: null }), { start: 100, integer: true });
    expect(search.probes.map((probe) => probe.level).slice(0, 3)).toEqual([100, 50, 25]);
    expect(search.probes.every((probe) => Number.isInteger(probe.level))).toBe(true);
    expect(search).toMatchObject({ highestPassing: 37, lowestFailing: 38 });
  });

  it('the search stops at its probe budget and says when nothing passed', async () => {
    const search = await searchMaxLevel(async () => ({ pass: false, actual: 1, throughput: 1 }), { start: 1000, integer: false, maxProbes: 5 });
    expect(search.probes).toHaveLength(5);
    expect(search.highestPassing).toBeNull();
    expect(search.lowestFailing).toBe(1000 / 16);
  });

  it('a level scales every phase’s rate and rampTo so the peak becomes the level; closed: the users', () => {
    const open = load('phases:', '  - { duration: 1s, rate: 10, rampTo: 40 }', '  - { duration: 1s, rate: 20 }').scenario;
    expect(loadLevel(open)).toBe(40);
    const scaled = atLoadLevel(open, 100);
    expect(scaled.load.model === 'open' && scaled.load.phases.map((phase) => [phase.rate, phase.rampTo])).toEqual([
      [25, 100],
      [50, 50],
    ]);
    const closed = load('users: 5', 'duration: 1s').scenario;
    expect(loadLevel(closed)).toBe(5);
    expect(atLoadLevel(closed, 8).load).toMatchObject({ model: 'closed', users: 8 });
  });
});
