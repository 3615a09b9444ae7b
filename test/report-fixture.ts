/** A realistic run for the report tests: known totals, and latency summaries backed by real HdrHistogram encodings. */
import * as hdr from 'hdr-histogram-js';
import { summarizeWithHdr } from '../src/metrics/histogram.js';
import type { LatencySummary, LatencyWithHdr, PhaseMeasurements, RunMeasurements, Totals } from '../src/metrics/types.js';
import type { ResolvedScenario } from '../src/scenario/types.js';

/** Records µs values the way the workers do and summarises them in ms, with the V2 compressed base64 histogram. */
export function latencyFromMicros(values: readonly number[]): LatencyWithHdr {
  const histogram = hdr.build({
    bitBucketSize: 64,
    useWebAssembly: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  try {
    for (const value of values) histogram.recordValue(value);
    return summarizeWithHdr(histogram);
  } finally {
    histogram.destroy();
  }
}

/** `count` values spread over [fromMicros, toMicros) with a 2% tail at `tailMicros` (deterministic). */
export function spread(count: number, fromMicros: number, toMicros: number, tailMicros: number): number[] {
  const values: number[] = [];
  const tailCount = Math.floor(count / 50);
  for (let i = 0; i < count - tailCount; i++) values.push(fromMicros + ((i * 7919) % (toMicros - fromMicros)));
  for (let i = 0; i < tailCount; i++) values.push(tailMicros + i * 37);
  return values;
}

export function totals(overrides: Partial<Totals> = {}): Totals {
  return {
    arrivals: 9_900, attempts: 12_000, acquired: 9_800, failed: 100, timeouts: 100, errors: 0, dropped: 0, cancelled: 0,
    contended: 3_000, released: 9_800, expired: 0, renewals: 0, lostLeases: 0, violations: 0, rejected: 0, partialReleases: 0,
    ...overrides,
  };
}

function phase(name: string, startMs: number, endMs: number, phaseTotals: Totals, acquire: LatencyWithHdr, rest: LatencyWithHdr): PhaseMeasurements {
  // the whole run's summaries, hdr included, stand in for the phase's: the report must drop the hdr
  return { name, startMs, endMs, totals: phaseTotals, latency: { acquire, acquireService: rest, hold: rest, endToEnd: rest } };
}

/**
 * A clean 10 s run on 2 workers over 100 keys: 9,900 arrivals, 9,800 acquired, 100 timeouts,
 * 9,900 waits of mean 20 ms with 20 waiters sampled on average, 250 s of holding in all.
 */
export function makeMeasurements(overrides: Partial<RunMeasurements> = {}): RunMeasurements {
  const acquire = latencyFromMicros(spread(9_800, 1_000, 41_000, 120_000));
  const acquireService = latencyFromMicros(spread(9_800, 500, 20_500, 60_000));
  const hold = latencyFromMicros(spread(9_800, 3_000, 5_000, 30_000));
  const endToEnd = latencyFromMicros(spread(9_800, 4_000, 46_000, 150_000));
  const upiHold: LatencySummary = latencyFromMicros(spread(5_880, 3_000, 5_000, 9_000));
  const walletHold: LatencySummary = latencyFromMicros(spread(3_920, 1_000, 2_000, 3_000));
  return {
    startedAtEpochMs: Date.UTC(2025, 0, 15, 10, 0, 0),
    durationMs: 10_000,
    interrupted: false,
    workers: 2,
    totals: totals(),
    latency: { acquire, acquireService, hold, endToEnd },
    phases: [
      phase('warmup', 0, 4_000, totals({ arrivals: 3_900, attempts: 4_500, acquired: 3_880, failed: 20, timeouts: 20, contended: 900, released: 3_880 }), acquire, hold),
      phase('sustained', 4_000, 10_000, totals({ arrivals: 6_000, attempts: 7_500, acquired: 5_920, failed: 80, timeouts: 80, contended: 2_100, released: 5_920 }), acquire, hold),
    ],
    series: Array.from({ length: 10 }, (_, t) => ({ t, arrivals: 990, acquired: 980, failed: 10, timeouts: 10, errors: 0, inFlight: 25, waiters: 20, p50: 20.1, p99: 118 })),
    holdMix: [
      { name: 'upi', weight: 6, count: 5_880, share: 0.6, hold: upiHold },
      { name: 'wallet', weight: 4, count: 3_920, share: 0.4, hold: walletHold },
    ],
    wait: { completions: 9_900, meanMs: 20 },
    waiters: { timeAverage: 20, max: 64 },
    holdTotalMs: 250_000,
    safety: { overlaps: 0, examples: [] },
    generator: {
      workers: [
        { index: 0, eventLoopLagP99Ms: 4, eventLoopLagMaxMs: 9, busyPercent: 55, maxDispatchLagMs: 12 },
        { index: 1, eventLoopLagP99Ms: 5, eventLoopLagMaxMs: 11, busyPercent: 60, maxDispatchLagMs: 15 },
      ],
    },
    backendStats: {},
    ...overrides,
  };
}

export function makeScenario(overrides: Partial<ResolvedScenario> = {}): ResolvedScenario {
  return {
    name: 'tatkal-10am',
    description: 'Tatkal window opens at 10:00; one lock per seat of one train',
    seed: 42,
    backend: { type: 'memory' },
    workers: 2,
    load: {
      model: 'open',
      phases: [
        { name: 'warmup', durationMs: 4_000, rate: 975, rampTo: 975, arrival: 'uniform' },
        { name: 'sustained', durationMs: 6_000, rate: 1_000, rampTo: 1_000, arrival: 'poisson' },
      ],
    },
    maxInFlight: 5_000,
    maxBacklog: 10_000,
    resources: { count: 100, key: 'train:12951:seat:{id}', pick: { type: 'zipf', s: 1.1 } },
    lock: { mode: 'single', ttlMs: 30_000, acquireTimeoutMs: 2_000, retry: { strategy: 'exponential-jitter', baseMs: 10, maxMs: 500 }, permits: 1 },
    hold: {
      type: 'mix',
      of: [
        { weight: 6, name: 'upi', dist: { type: 'uniform', min: 3, max: 5 } },
        { weight: 4, name: 'wallet', dist: { type: 'uniform', min: 1, max: 2 } },
      ],
    },
    timeScale: 0.001,
    drainMs: 2_000,
    thresholds: [],
    report: { dir: 'reports', formats: ['json', 'md'] },
    ...overrides,
  };
}

export const BASE_INPUT = { file: 'scenarios/tatkal-10am.yaml', sha256: 'ab'.repeat(32), toolVersion: '0.1.0', backend: { type: 'memory', capacity: 1024 } };
