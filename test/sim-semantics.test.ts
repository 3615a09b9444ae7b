/**
 * `simulate` (src/sim) through the library API: the same scenario semantics as `run` (queueing
 * disciplines, retry, TTL and renewal, faults, lock modes, permits, load models, drain and stop)
 * against a modelled backend, deterministic for a seed. Most numbers are hand-computed from
 * uniform arrivals, which come at the midpoints of their slots (k + ½)/rate, and zero round trips.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunHooks } from '../src/driver/coordinator.js';
import type { Report } from '../src/report/index.js';
import { loadScenarioText } from '../src/scenario/index.js';
import { simulate } from '../src/sim/index.js';
import { countingListener, type CountingListener } from './helpers/counting-listener.js';

async function simulateText(yaml: string, hooks: RunHooks = {}): Promise<Report> {
  return simulate(loadScenarioText(yaml, 'sim.yaml'), hooks);
}

/** Nothing lost silently: arrivals = acquired + failed + dropped + cancelled, failed = timeouts + errors + rejected. */
function expectAccounted(report: Report): void {
  const { arrivals, acquired, failed, dropped, cancelled, timeouts, errors, rejected } = report.totals;
  expect(acquired + failed + dropped + cancelled).toBe(arrivals);
  expect(timeouts + errors + rejected).toBe(failed);
}

/** The report without its wall-clock timestamps. */
function withoutTimestamps(report: Report): string {
  const { startedAt: _started, endedAt: _ended, ...rest } = report;
  return JSON.stringify(rest);
}

/** One hot key (memory backend: zero round trips) under `rate` uniform arrivals per second for `duration`. */
function hotKey(options: { rate: number; duration: string; lock: string; hold: string; drain?: string; extra?: string[] }): string {
  return [
    'name: hot-key',
    'workers: 1',
    `phases: [{ duration: ${options.duration}, rate: ${options.rate} }]`,
    'resources: { count: 1 }',
    `lock: ${options.lock}`,
    `hold: ${options.hold}`,
    `drain: ${options.drain ?? '5s'}`,
    ...(options.extra ?? []),
  ].join('\n');
}

describe('determinism', () => {
  // every stream the simulator draws from: poisson arrivals, zipf keys, a hold mix, lognormal rtt,
  // service time, jittered backoff, renewals, a pause fault and a protected resource
  const everything = (seed: number): string =>
    [
      'name: everything',
      `seed: ${seed}`,
      'workers: 2',
      'backend: { type: postgres, url: "postgres://bench:pw@127.0.0.1:1/locks" }',
      'sim: { rtt: { type: lognormal, median: 1ms, p99: 8ms }, serviceTime: { type: exponential, mean: 0.2ms }, capacity: 20000 }',
      'phases:',
      '  - { name: warm, duration: 1s, rate: 300, arrival: poisson }',
      '  - { name: rush, duration: 1s, rate: 300, rampTo: 900, arrival: poisson }',
      'resources: { count: 50, pick: { type: zipf, s: 1.1 } }',
      'lock: { ttl: 60ms, renew: { every: 20ms }, acquireTimeout: 150ms, retry: { strategy: exponential-jitter, base: 2ms, max: 20ms } }',
      'hold: { type: mix, of: [{ weight: 3, name: fast, dist: { type: uniform, min: 1ms, max: 5ms } }, { weight: 1, name: slow, dist: { type: exponential, mean: 40ms } }] }',
      'resource: { type: inventory, stock: 50 }',
      'faults: [{ at: 1200ms, type: client-pause, duration: 100ms, fraction: 0.3 }]',
      'drain: 2s',
    ].join('\n');

  it('the same seed gives the same report apart from startedAt and endedAt', async () => {
    const first = await simulateText(everything(11));
    const second = await simulateText(everything(11));
    expectAccounted(first);
    expect(first.totals.arrivals).toBeGreaterThan(500);
    expect(first.totals.contended).toBeGreaterThan(0);
    expect(first.totals.renewals).toBeGreaterThan(0);
    expect(withoutTimestamps(second)).toBe(withoutTimestamps(first));
    // the timestamps are wall clock; the duration is virtual time
    expect(Date.parse(first.startedAt)).toBeGreaterThan(0);
  });

  it('another seed gives other numbers', async () => {
    const [one, other] = [await simulateText(everything(11)), await simulateText(everything(12))];
    expectAccounted(other);
    expect(other.totals.arrivals).not.toBe(one.totals.arrivals);
    expect(other.latency.acquire.hdr).not.toBe(one.latency.acquire.hdr);
  });
});

describe('the backend model in the report', () => {
  let listener: CountingListener | undefined;
  afterEach(() => listener?.close());

  it('says mode simulated and the model, and neither contacts nor names the server (no URL, no password)', async () => {
    listener = await countingListener();
    const port = listener.port;
    const report = await simulateText(
      hotKey({ rate: 50, duration: '1s', hold: '5ms', lock: '{ retry: { strategy: none } }', extra: [`backend: { type: postgres, url: "postgres://bench:Pa55w0rd-s3cret@127.0.0.1:${port}/locks" }`] }),
    );
    expectAccounted(report);
    expect(report.mode).toBe('simulated');
    expect(report.backend.type).toBe('postgres');
    expect(report.backend.model).toMatchObject({ rtt: { type: 'lognormal' }, discipline: 'fifo', source: { rtt: 'default', discipline: 'backend' } });
    expect(JSON.stringify(report.backend)).not.toMatch(/postgres:\/\/|127\.0\.0\.1/);
    expect(JSON.stringify(report)).not.toContain('Pa55w0rd-s3cret');
    expect(listener.connections()).toBe(0);
  });
});

describe('queueing discipline', () => {
  it('fifo (retry none on a queueing backend): waiters are granted in arrival order', async () => {
    // 100 arrivals 10 ms apart on one key held 20 ms: request k is granted at 20k, having waited 20k − 10k = 10k ms;
    // any other order would make some request wait longer than the last one's 990 ms
    const report = await simulateText(hotKey({ rate: 100, duration: '1s', hold: '20ms', lock: '{ ttl: 10s, acquireTimeout: 10s, retry: { strategy: none } }' }));
    expectAccounted(report);
    expect(report.backend.model).toMatchObject({ discipline: 'fifo' });
    expect(report.totals).toMatchObject({ arrivals: 100, attempts: 100, acquired: 100, contended: 99, released: 100, violations: 0 });
    expect(report.latency.acquire.mean).toBeCloseTo(495, 0);
    expect(report.latency.acquire.max).toBeGreaterThan(989);
    expect(report.latency.acquire.max).toBeLessThan(992);
    expect(report.latency.acquire.p50).toBeCloseTo(490, -1);
    expect(report.retries?.attemptsPerAcquisition).toBe(1);
  });

  it('fifo with a short acquireTimeout: the requests not granted within it time out, nothing is lost', async () => {
    // as above with a 105 ms budget: requests 0..10 wait 10k ≤ 100 ms; after that the key frees every 20 ms
    // and every other request (k odd) would wait 110 ms: 45 time out, 55 are granted, none waits over 105 ms
    const report = await simulateText(hotKey({ rate: 100, duration: '1s', hold: '20ms', lock: '{ ttl: 10s, acquireTimeout: 105ms, retry: { strategy: none } }' }));
    expectAccounted(report);
    expect(report.totals).toMatchObject({ arrivals: 100, acquired: 55, timeouts: 45, failed: 45 });
    expect(report.totals.timeouts).toBe(report.totals.arrivals - report.totals.acquired);
    expect(report.latency.acquire.max).toBeLessThanOrEqual(105);
  });

  it('polling (retry exponential-jitter): busy answers are retried, each one a contended attempt', async () => {
    const report = await simulateText(
      hotKey({ rate: 100, duration: '1s', hold: '5ms', lock: '{ ttl: 10s, acquireTimeout: 1s, retry: { strategy: exponential-jitter, base: 2ms, max: 20ms } }', extra: ['seed: 3'] }).replace(
        'rate: 100 }',
        'rate: 100, arrival: poisson }',
      ),
    );
    expectAccounted(report);
    expect(report.backend.model).toMatchObject({ discipline: 'polling' });
    expect(report.retries!.attemptsPerAcquisition).toBeGreaterThan(1.2);
    // every attempt is granted or answered busy
    expect(report.totals.attempts).toBe(report.totals.acquired + report.totals.contended);
    expect(report.totals.contended).toBeGreaterThan(0);
    expect(report.totals.violations).toBe(0);
  });

  it('redis with retry none is a try-lock: a held key is an immediate timeout', async () => {
    // arrivals 10 ms apart, hold 15 ms, zero round trips: every other request finds the key held
    const report = await simulateText(
      hotKey({
        rate: 100,
        duration: '1s',
        hold: '15ms',
        lock: '{ ttl: 10s, acquireTimeout: 1s, retry: { strategy: none } }',
        extra: ['backend: { type: redis, url: "redis://:pw@127.0.0.1:1" }', 'sim: { rtt: { type: constant, value: 0ms } }'],
      }),
    );
    expectAccounted(report);
    expect(report.backend.model).toMatchObject({ discipline: 'polling', source: { rtt: 'sim' } });
    expect(report.totals).toMatchObject({ arrivals: 100, attempts: 100, acquired: 50, timeouts: 50, contended: 50 });
    expect(report.retries!.perFailure.max).toBe(1);
  });

  it('sim.discipline overrides the default of the backend', async () => {
    const report = await simulateText(
      hotKey({ rate: 100, duration: '1s', hold: '15ms', lock: '{ ttl: 10s, acquireTimeout: 1s, retry: { strategy: none } }', extra: ['sim: { discipline: polling }'] }),
    );
    expectAccounted(report);
    expect(report.backend.model).toMatchObject({ discipline: 'polling', source: { discipline: 'sim' } });
    expect(report.totals).toMatchObject({ acquired: 50, timeouts: 50 });
  });

  it('the simulation ends when the last request is done, not when a granted waiter’s moot queue timeout would have fired', async () => {
    // poisson arrivals at ~100/s on one key held 5 ms, generous acquireTimeout: all are granted within ~1.1 s;
    // the report's duration (and so its throughput) must not stretch to the queue timeouts of waiters long granted
    const report = await simulateText(
      hotKey({ rate: 100, duration: '1s', hold: '5ms', lock: '{ ttl: 10s, acquireTimeout: 10s, retry: { strategy: none } }', extra: ['seed: 3'] }).replace(
        'rate: 100 }',
        'rate: 100, arrival: poisson }',
      ),
    );
    expectAccounted(report);
    expect(report.totals.contended).toBeGreaterThan(0);
    expect(report.totals.acquired).toBe(report.totals.arrivals);
    expect(report.durationMs).toBeLessThan(1200);
    expect(report.rates.throughput).toBeGreaterThan(report.totals.acquired / 1.2);
  });
});

describe('server capacity and service time', () => {
  const manyKeys = (sim: string): string =>
    [
      'name: capacity',
      'workers: 1',
      'phases: [{ duration: 1s, rate: 2000 }]',
      'resources: { count: 100000 }',
      'lock: { ttl: 10s, acquireTimeout: 10s, retry: { strategy: fixed, delay: 1ms } }',
      'hold: 0ms',
      'drain: 10s',
      sim,
    ].join('\n');

  it('capacity caps throughput: 1000 ops/s at two operations (acquire, release) per request is at most ~500 grants/s', async () => {
    const capped = await simulateText(manyKeys('sim: { capacity: 1000, discipline: polling }'));
    const free = await simulateText(manyKeys('sim: { discipline: polling }'));
    expectAccounted(capped);
    expectAccounted(free);
    expect(capped.totals.acquired).toBe(2000);
    // 4000 operations one after another at 1 ms each: the last release is answered at ~4 s
    expect(capped.durationMs).toBeGreaterThan(3990);
    expect(capped.rates.throughput).toBeLessThanOrEqual(505);
    expect(capped.rates.throughput).toBeGreaterThan(450);
    expect(free.rates.throughput).toBeGreaterThan(1900);
  });

  it('serviceTime adds to acquireService (and to the release inside hold)', async () => {
    const report = await simulateText(manyKeys('sim: { serviceTime: { type: constant, value: 5ms } }').replace('rate: 2000', 'rate: 100').replace('hold: 0ms', 'hold: 1ms'));
    expectAccounted(report);
    // memory backend: zero round trips, so the 5 ms is all of it
    expect(report.latency.acquireService.mean).toBeCloseTo(5, 1);
    expect(report.latency.acquire.mean).toBeCloseTo(5, 1);
    expect(report.latency.hold.mean).toBeCloseTo(6, 1);
  });
});

describe('TTL, renewal and fencing', () => {
  // ten arrivals 100 ms apart (at 50, 150, …), each holding 350 ms on a 150 ms lease
  const lapsing = (lock: string, extra: string[] = []): string =>
    hotKey({ rate: 10, duration: '1s', hold: '350ms', lock: `{ ttl: 150ms, acquireTimeout: 2s, retry: { strategy: none }${lock} }`, extra });

  it('a hold longer than the TTL without renewal lapses: the next waiter is granted while the first still works', async () => {
    const report = await simulateText(lapsing(''));
    expectAccounted(report);
    // every lease runs out before its release: 10 expired, none released, each grant after the first overlaps
    expect(report.totals).toMatchObject({ acquired: 10, expired: 10, released: 0, violations: 9 });
    expect(report.safety.overlaps).toBe(9);
    expect(report.safety.overlapsCounted).toBe(true);
    expect(report.safety.examples.length).toBeGreaterThan(0);
  });

  it('renewing every 50 ms keeps the lease: no lapse, renewals counted', async () => {
    const report = await simulateText(lapsing(', renew: { every: 50ms }'));
    expectAccounted(report);
    // grants at 50 + 350k: the 10th would wait 2250 ms > 2 s and times out; each hold renews at +50 … +300 ms: 6 × 9
    expect(report.totals).toMatchObject({ acquired: 9, timeouts: 1, expired: 0, released: 9, renewals: 54, lostLeases: 0, violations: 0 });
    expect(report.safety.overlaps).toBe(0);
  });

  it('with a fencing inventory the overlaps are not violations: the stale writes are rejected', async () => {
    const fenced = await simulateText(lapsing('', ['resource: { type: inventory, stock: 1000, fencing: true }']));
    expectAccounted(fenced);
    expect(fenced.safety.overlaps).toBe(9);
    expect(fenced.safety.overlapsCounted).toBe(false);
    expect(fenced.totals.violations).toBe(0);
    const stock = fenced.safety.resource!;
    expect(stock).toMatchObject({ type: 'inventory', fencing: true, staleWritesAccepted: 0 });
    expect(stock.staleWritesRejected).toBe(9);

    const unfenced = await simulateText(lapsing('', ['resource: { type: inventory, stock: 1000 }']));
    expectAccounted(unfenced);
    expect(unfenced.safety.resource!.staleWritesAccepted).toBe(9);
    expect(unfenced.totals.violations).toBe(9 + 9);
  });

  it('a semaphore lease (permits 2) lapses like a mutex lease when the hold outlives the TTL', async () => {
    const report = await simulateText(lapsing('', []).replace('ttl: 150ms', 'ttl: 150ms, permits: 2'));
    expectAccounted(report);
    // each of the 10 holds (350 ms) outlives its 150 ms lease: the client finds it expired at release (as for permits 1)
    expect(report.totals.acquired).toBeGreaterThan(0);
    expect(report.totals.expired).toBe(report.totals.acquired);
  });

  it('a semaphore lease (permits 2) is renewed and its renewals counted', async () => {
    const report = await simulateText(lapsing(', renew: { every: 50ms }').replace('ttl: 150ms', 'ttl: 150ms, permits: 2'));
    expectAccounted(report);
    // every granted hold renews at +50 … +300 ms, as with permits 1
    expect(report.totals.acquired).toBeGreaterThan(0);
    expect(report.totals.renewals).toBe(6 * report.totals.acquired);
  });
});

describe('client faults', () => {
  // arrivals 50 ms apart (25, 75, …) on one key held 30 ms, 500 ms leases renewed every 100 ms
  const faulted = (fault: string): string =>
    hotKey({
      rate: 20,
      duration: '2s',
      hold: '30ms',
      lock: '{ ttl: 500ms, renew: { every: 100ms }, acquireTimeout: 5s, retry: { strategy: none } }',
      drain: '10s',
      extra: [`faults: [${fault}]`],
    }).replace('workers: 1', 'workers: 2');

  it('a pause longer than the TTL stops the renewals: the lease lapses and the next waiter overlaps', async () => {
    const report = await simulateText(faulted('{ at: 500ms, type: client-pause, duration: 1s }'));
    expectAccounted(report);
    expect(report.faults!.windows[0].hits).toBeGreaterThan(0);
    expect(report.safety.overlaps).toBeGreaterThan(0);
    expect(report.totals.violations).toBe(report.safety.overlaps);
    expect(report.totals.expired).toBeGreaterThan(0);
    // the renewal on waking fails: the lease is known lost
    expect(report.totals.lostLeases).toBeGreaterThan(0);
  });

  it('a crashed holder keeps the key locked for the rest of its lease; then the key is reclaimed', async () => {
    const report = await simulateText(faulted('{ at: 500ms, type: client-crash, duration: 10ms }'));
    expectAccounted(report);
    const crashes = report.faults!.crashes;
    // the holder granted at 475 ms crashes at 500 ms: its lease (475 + 500) has 475 ms left, then the next waiter gets it
    expect(crashes.count).toBe(1);
    expect(crashes.blockedMaxMs).toBeCloseTo(475, 6);
    expect(crashes.examples[0]).toMatchObject({ key: 'resource:0', atMs: 500, ghostMs: 475 });
    expect(crashes.reclaimed).toBe(1);
    expect(crashes.reclaimedAfterMaxMs).toBeCloseTo(475, 6);
    expect(report.totals.violations).toBe(0);
    expect(report.totals.acquired).toBe(report.totals.arrivals);
    expect(report.totals.released).toBe(report.totals.acquired - 1);
  });

  it('renewals a holder made before it crashed are counted', async () => {
    // one arrival at 50 ms, holding 1 s with renewals every 100 ms; it crashes at 550 ms after renewing at 150, 250, 350, 450
    const report = await simulateText(
      hotKey({
        rate: 10,
        duration: '100ms',
        hold: '1s',
        lock: '{ ttl: 300ms, renew: { every: 100ms }, acquireTimeout: 1s, retry: { strategy: none } }',
        drain: '3s',
        extra: ['faults: [{ at: 550ms, type: client-crash, duration: 10ms }]'],
      }),
    );
    expectAccounted(report);
    // the last renewal reached the server at 450 ms: the lease runs to 750 ms
    expect(report.faults!.crashes.examples[0]).toMatchObject({ atMs: 550, ghostMs: 200 });
    expect(report.totals.renewals).toBe(4);
  });

  it('an event-loop block pauses the holders of the blocked worker threads (⌈fraction × workers⌉ of them)', async () => {
    const all = await simulateText(faulted('{ at: 500ms, type: event-loop-block, duration: 1s }'));
    expectAccounted(all);
    expect(all.faults!.windows[0].hits).toBe(2);
    expect(all.safety.overlaps).toBeGreaterThan(0);
    expect(all.totals.expired).toBeGreaterThan(0);
    const half = await simulateText(faulted('{ at: 500ms, type: event-loop-block, duration: 1s, fraction: 0.5 }'));
    expectAccounted(half);
    expect(half.faults!.windows[0].hits).toBe(1);
  });

  it('a crashed holder of several keys (mode multi) leaves every key to its lease: all are reclaimed', async () => {
    // a 1 ms round trip: the second key is granted 1 ms after the first, so its lease ends 1 ms later
    const report = await simulateText(
      [
        'name: multi-crash',
        'workers: 1',
        'backend: { type: memory, rtt: { type: constant, value: 1ms } }',
        'phases: [{ duration: 3s, rate: 20 }]',
        'resources: { count: 2 }',
        'lock: { mode: multi, keys: 2, ttl: 200ms, acquireTimeout: 100ms, retry: { strategy: none } }',
        'hold: 10ms',
        'drain: 1s',
        'faults: [{ at: 500ms, type: client-crash, duration: 60ms }]',
      ].join('\n'),
    );
    expectAccounted(report);
    expect(report.faults!.crashes.count).toBe(2);
    // both keys come free ~200 ms after the crash: only the few arrivals within that window time out
    expect(report.faults!.crashes.reclaimed).toBe(2);
    expect(report.totals.acquired).toBeGreaterThan(50);
  });

  it('in mode multi a hold longer than the TTL lapses on every key, whatever the round trip', async () => {
    const lapse = (rtt: string): string =>
      [
        'name: multi-lapse',
        'workers: 1',
        `backend: { type: memory, rtt: { type: constant, value: ${rtt} } }`,
        'phases: [{ duration: 1s, rate: 10 }]',
        'resources: { count: 2 }',
        'lock: { mode: multi, keys: 2, ttl: 100ms, acquireTimeout: 1s, retry: { strategy: none } }',
        'hold: 250ms',
        'drain: 3s',
      ].join('\n');
    const instant = await simulateText(lapse('0ms'));
    const lan = await simulateText(lapse('1ms'));
    expectAccounted(instant);
    expectAccounted(lan);
    expect(instant.safety.overlaps).toBeGreaterThan(0);
    // 1 ms of round trip changes no lease's fate: both keys still lapse long before the 250 ms hold ends
    expect(lan.safety.overlaps).toBeGreaterThan(0);
  });

  it('in mode multi virtual time never runs backwards: with leases shorter than the wait for the later key, L = λW still holds exactly', async () => {
    // pairs of 3 keys, 30 ms leases, 60 ms holds: a request often waits longer than its first key's lease for its second;
    // the simulator's waiter integral equals λW to rounding in every other scenario (no drops, no cancellations here)
    const report = await simulateText(
      [
        'name: multi-short-lease',
        'seed: 4',
        'workers: 1',
        'phases: [{ duration: 2s, rate: 50, arrival: poisson }]',
        'resources: { count: 3 }',
        'lock: { mode: multi, keys: 2, ttl: 30ms, acquireTimeout: 1s, retry: { strategy: none } }',
        'hold: 60ms',
        'drain: 2s',
      ].join('\n'),
    );
    expectAccounted(report);
    expect(report.totals.cancelled + report.totals.dropped).toBe(0);
    expect(report.queueing.littleError).toBeLessThan(1e-9);
  });
});

describe('lock modes', () => {
  const lockModes = (lock: string, extra: string[] = []): string =>
    [
      'name: modes',
      'seed: 3',
      'workers: 1',
      'phases: [{ duration: 1s, rate: 400, arrival: poisson }]',
      'resources: { count: 8 }',
      `lock: ${lock}`,
      'hold: 5ms',
      ...extra,
    ].join('\n');

  it('mode none: nothing is locked, overlaps are violations and the inventory oversells', async () => {
    const report = await simulateText(lockModes('{ mode: none }', ['resource: { type: inventory, stock: 20 }']));
    expectAccounted(report);
    expect(report.totals.attempts).toBe(0);
    expect(report.totals.acquired).toBe(report.totals.arrivals);
    expect(report.safety.overlaps).toBeGreaterThan(0);
    const stock = report.safety.resource!;
    if (stock.type !== 'inventory') throw new Error('expected an inventory');
    expect(stock.oversells).toBeGreaterThan(0);
    expect(report.totals.violations).toBe(report.safety.overlaps + stock.oversells);
  });

  it('mode multi: every key in one global order, so queueing for all of them never deadlocks', async () => {
    const report = await simulateText(lockModes('{ mode: multi, keys: 2, ttl: 10s, acquireTimeout: 10s, retry: { strategy: none } }', ['resource: { type: seat }']));
    expectAccounted(report);
    expect(report.totals.timeouts).toBe(0);
    expect(report.totals.acquired).toBe(report.totals.arrivals);
    expect(report.totals.released).toBe(2 * report.totals.acquired);
    expect(report.totals.violations).toBe(0);
  });

  it('mode multi with a short acquireTimeout gives back the keys it holds (partialReleases), without violations', async () => {
    const report = await simulateText(lockModes('{ mode: multi, keys: 2, ttl: 10s, acquireTimeout: 30ms, retry: { strategy: none } }', ['resource: { type: seat }']));
    expectAccounted(report);
    expect(report.totals.timeouts).toBeGreaterThan(0);
    expect(report.totals.partialReleases).toBeGreaterThan(0);
    expect(report.totals.released).toBe(2 * report.totals.acquired + report.totals.partialReleases);
    expect(report.totals.violations).toBe(0);
  });

  it('mode multi with levels locks train → coach → seat; the seats carry the state', async () => {
    const report = await simulateText(
      lockModes('{ mode: multi, keys: { levels: [{ name: train, count: 2 }, { name: coach, count: 3 }, { name: seat, count: 8 }] }, ttl: 10s, acquireTimeout: 30ms, retry: { strategy: none } }', [
        'resource: { type: seat }',
      ]).replace('resources: { count: 8 }', ''),
    );
    expectAccounted(report);
    expect(report.totals.timeouts).toBeGreaterThan(0);
    expect(report.totals.released).toBe(3 * report.totals.acquired + report.totals.partialReleases);
    expect(report.safety.resource).toMatchObject({ type: 'seat', keys: 48, doubleBookings: 0 });
    expect(report.totals.violations).toBe(0);
  });

  it('permits 3: three holders at once, three times the throughput of a mutex under saturation', async () => {
    // 500/s on one key held 10 ms: a mutex grants at most 100/s
    const saturated = (permits: number): string =>
      hotKey({ rate: 500, duration: '2s', hold: '10ms', drain: '1s', lock: `{ permits: ${permits}, ttl: 10s, acquireTimeout: 100ms, retry: { strategy: none } }` });
    const mutex = await simulateText(saturated(1));
    const semaphore = await simulateText(saturated(3));
    expectAccounted(mutex);
    expectAccounted(semaphore);
    const ratio = semaphore.rates.throughput / mutex.rates.throughput;
    expect(ratio).toBeGreaterThan(2.7);
    expect(ratio).toBeLessThan(3.1);
    // the mean number of holders of the key can be no more than its permits
    expect(mutex.queueing.utilization).toBeLessThanOrEqual(1.001);
    expect(semaphore.queueing.utilization).toBeLessThanOrEqual(3.001);
    expect(semaphore.queueing.utilization).toBeGreaterThan(2.5);
    expect(semaphore.totals.violations).toBe(0);
    expect(semaphore.safety.overlaps).toBe(0);
  });

  it('a semaphore permit held by a crashed client comes back when its lease runs out', async () => {
    const crashy = (permits: number): string =>
      hotKey({
        rate: 50,
        duration: '3s',
        hold: '10ms',
        drain: '1s',
        lock: `{ permits: ${permits}, ttl: 200ms, acquireTimeout: 100ms, retry: { strategy: none } }`,
        extra: ['faults: [{ at: 500ms, type: client-crash, duration: 600ms }]'],
      });
    const report = await simulateText(crashy(2));
    expectAccounted(report);
    expect(report.faults!.crashes.count).toBeGreaterThan(0);
    // crashes end by 1.1 s and leases last 200 ms: from ~1.3 s on every request gets a permit again
    expect(report.totals.acquired).toBeGreaterThan(90);
    for (const example of report.faults!.crashes.examples) expect(example.ghostMs).toBeLessThanOrEqual(200);
  });
});

describe('retry policy: circuit breaker', () => {
  it('opens under a retry storm and fails requests fast (rejected)', async () => {
    const report = await simulateText(
      [
        'name: storm',
        'seed: 2020',
        'workers: 2',
        'backend: { type: memory, rtt: { type: uniform, min: 0.5ms, max: 1.5ms } }',
        'phases: [{ duration: 2s, rate: 300 }]',
        'resources: { count: 1 }',
        'lock:',
        '  ttl: 5s',
        '  acquireTimeout: 300ms',
        '  retry: { strategy: circuit-breaker, backoff: { strategy: fixed, delay: 0ms }, failureRate: 0.5, window: 500ms, minAttempts: 50, openFor: 200ms }',
        'hold: 5ms',
        'drain: 1s',
      ].join('\n'),
    );
    expectAccounted(report);
    expect(report.retries!.breaker!.opened).toBeGreaterThan(0);
    expect(report.retries!.rejected).toBeGreaterThan(0);
    expect(report.totals.rejected).toBe(report.retries!.rejected);
    expect(report.totals.violations).toBe(0);
  });
});

describe('closed model', () => {
  it('users think, then ask: arrivals = users × duration / (think + cycle)', async () => {
    // 20 users, 40 ms think + 10 ms hold on keys nobody shares: a cycle every 50 ms, asks at 40, 90, …, 1990 ms
    const report = await simulateText(
      ['name: closed', 'workers: 1', 'users: 20', 'thinkTime: { type: constant, value: 40ms }', 'duration: 2s', 'resources: { count: 100000 }', 'lock: { retry: { strategy: none } }', 'hold: 10ms'].join('\n'),
    );
    expectAccounted(report);
    expect(report.totals.arrivals).toBe((20 * 2000) / 50);
    expect(report.totals.acquired).toBe(report.totals.arrivals);
    expect(report.phases.map((phase) => phase.name)).toEqual(['closed']);
  });
});

describe('drain, backlog and stop', () => {
  it('what still waits when the drain ends is cancelled; the holder then is released', async () => {
    // 50 arrivals 20 ms apart, one key held 90 ms: grants at 0, 90, …, 1440 ms before the drain ends at 1.5 s
    const report = await simulateText(hotKey({ rate: 50, duration: '1s', hold: '90ms', drain: '500ms', lock: '{ ttl: 10s, acquireTimeout: 30s, retry: { strategy: none } }' }));
    expectAccounted(report);
    expect(report.totals).toMatchObject({ arrivals: 50, acquired: 17, cancelled: 33, released: 17, failed: 0 });
    expect(report.durationMs).toBe(1500);
    expect(report.interrupted).toBe(false);
  });

  it('beyond maxInFlight arrivals wait in the backlog, beyond maxBacklog they are dropped and counted', async () => {
    const report = await simulateText(
      hotKey({ rate: 50, duration: '1s', hold: '100ms', lock: '{ ttl: 10s, acquireTimeout: 30s, retry: { strategy: none } }', extra: ['maxInFlight: 2', 'maxBacklog: 3'] }),
    );
    expectAccounted(report);
    expect(report.totals.dropped).toBeGreaterThan(20);
    expect(report.queueing.maxWaiters).toBeLessThanOrEqual(2 + 3);
  });

  const long = (rate: number): string =>
    ['name: long', 'workers: 1', `phases: [{ duration: 10s, rate: ${rate} }]`, 'resources: { count: 1000 }', 'lock: { retry: { strategy: none } }', 'hold: 1ms'].join('\n');

  it('a signal aborted before the start: nothing or little is simulated, the report says interrupted', async () => {
    const stop = new AbortController();
    stop.abort();
    const report = await simulateText(long(100), { signal: stop.signal });
    expectAccounted(report);
    expect(report.interrupted).toBe(true);
    expect(report.durationMs).toBeLessThan(10_000);
  });

  it('a signal aborted mid-way stops a short simulation there, marked interrupted', async () => {
    const stop = new AbortController();
    // progress reaches the caller at most once per wall second: the first report (simulated second 1) stops it
    const report = await simulateText(long(100), { signal: stop.signal, onProgress: () => stop.abort() });
    expectAccounted(report);
    expect(report.interrupted).toBe(true);
    expect(report.durationMs).toBeLessThan(10_000);
  });

  it('a signal aborted mid-way stops a long simulation, marked interrupted, nothing lost', async () => {
    const stop = new AbortController();
    // 300,000 requests: the abort is seen at the next slice of events
    const report = await simulateText(long(30_000), { signal: stop.signal, onProgress: () => stop.abort() });
    expectAccounted(report);
    expect(report.interrupted).toBe(true);
    expect(report.durationMs).toBeLessThan(10_000);
    expect(report.totals.arrivals).toBeLessThan(300_000);
  });

  it('an abortOnFail threshold stops the simulation as soon as it can no longer pass (interrupted, like a run)', async () => {
    const report = await simulateText(`${long(100)}\nthresholds: { totals.arrivals: { condition: "< 50", abortOnFail: true } }`);
    expectAccounted(report);
    expect(report.abortedBy).toMatchObject({ metric: 'totals.arrivals' });
    expect(report.interrupted).toBe(true);
    expect(report.durationMs).toBeLessThan(10_000);
  });
});
