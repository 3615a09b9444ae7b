import { describe, expect, it } from 'vitest';
import { buildReport, evaluateThresholds, readMetric } from '../src/report/index.js';
import type { ThresholdSpec } from '../src/scenario/types.js';
import { BASE_INPUT, makeMeasurements, makeScenario, totals } from './report-fixture.js';

function build(measurements = makeMeasurements(), scenario = makeScenario()) {
  return buildReport({ ...BASE_INPUT, measurements, scenario });
}

function threshold(metric: string, op: ThresholdSpec['op'], value: number, source = `${op} ${value}`): ThresholdSpec {
  return { metric, op, value, source };
}

describe('buildReport: rates and queueing', () => {
  it('computes rates from the totals over the run length', () => {
    const report = build();
    expect(report.rates.throughput).toBe(980);
    expect(report.rates.successRate).toBeCloseTo(9_800 / 9_900, 12);
    expect(report.rates.timeoutRate).toBeCloseTo(100 / 9_900, 12);
    expect(report.rates.contentionRate).toBe(0.25);
  });

  it("applies Little's law to completions and mean wait, beside the sampled waiters", () => {
    const { queueing } = build();
    expect(queueing.arrivalRate).toBe(990);
    expect(queueing.completionRate).toBe(990);
    expect(queueing.meanWaitMs).toBe(20);
    expect(queueing.littleL).toBeCloseTo(19.8, 12);
    expect(queueing.measuredL).toBe(20);
    expect(queueing.littleError).toBeCloseTo(0.01, 12);
    expect(queueing.maxWaiters).toBe(64);
    // 250 s of holding over 10 s × 100 keys
    expect(queueing.utilization).toBe(0.25);
  });

  it('keeps rates defined when nothing happened', () => {
    const empty = totals({ arrivals: 0, attempts: 0, acquired: 0, failed: 0, timeouts: 0, contended: 0, released: 0 });
    const report = build(makeMeasurements({ totals: empty, wait: { completions: 0, meanMs: 0 }, waiters: { timeAverage: 0, max: 0 }, durationMs: 0 }));
    expect(report.rates).toEqual({ throughput: 0, successRate: 1, timeoutRate: 0, contentionRate: 0 });
    expect(report.queueing.littleError).toBe(0);
    expect(report.queueing.utilization).toBe(0);
  });

  it('reports littleError as null when waits happened but no waiter was ever sampled', () => {
    const report = build(makeMeasurements({ waiters: { timeAverage: 0, max: 0 } }));
    expect(report.queueing.littleError).toBeNull();
    expect(JSON.parse(JSON.stringify(report)).queueing.littleError).toBeNull();
  });

  it('rates each phase over its own length and leaves the histograms out of phases', () => {
    const report = build();
    const [warmup, sustained] = report.phases;
    expect(warmup.rates.throughput).toBe(970);
    expect(sustained.rates.throughput).toBeCloseTo(5_920 / 6, 9);
    expect(sustained.rates.successRate).toBeCloseTo(5_920 / 6_000, 12);
    expect(warmup.latency.acquire).not.toHaveProperty('hdr');
    expect(warmup.latency.acquire.p99).toBe(report.latency.acquire.p99);
    expect(report.latency.acquire.hdr).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });
});

describe('buildReport: the rest of report.json', () => {
  it('fills identity, time and environment', () => {
    const report = build();
    expect(report).toMatchObject({
      schemaVersion: 1,
      mode: 'run',
      tool: { name: 'lockbench', version: '0.1.0' },
      scenario: { name: 'tatkal-10am', file: 'scenarios/tatkal-10am.yaml', sha256: 'ab'.repeat(32) },
      backend: { type: 'memory', capacity: 1024 },
      startedAt: '2025-01-15T10:00:00.000Z',
      endedAt: '2025-01-15T10:00:10.000Z',
      durationMs: 10_000,
      interrupted: false,
      environment: { workers: 2, node: process.version },
    });
    expect(report.scenario.resolved.resources.count).toBe(100);
  });

  it('carries totals (with cancelled), violations and the safety section', () => {
    const examples = [{ key: 'train:12951:seat:7', holders: ['w0c3', 'w1c9'] as const, atMs: 4_210 }];
    const report = build(makeMeasurements({ totals: totals({ violations: 1 }), safety: { overlaps: 1, examples } }));
    expect(report.totals.cancelled).toBe(0);
    expect(report.totals.violations).toBe(1);
    expect(report.safety).toEqual({
      checked: true,
      method: 'interval-overlap',
      overlaps: 1,
      overlapMs: 0,
      overlapsCounted: true,
      examples,
      violations: { overlaps: 1, oversells: 0, doubleBookings: 0, lostUpdates: 0, negativeBalances: 0, staleWritesAccepted: 0 },
    });
  });

  it('marks the generator saturated when a worker crosses a limit', () => {
    expect(build().generator.saturated).toBe(false);
    const busy = makeMeasurements({
      generator: { workers: [{ index: 0, eventLoopLagP99Ms: 4, eventLoopLagMaxMs: 9, busyPercent: 99, maxDispatchLagMs: 12 }] },
    });
    expect(build(busy).generator.saturated).toBe(true);
  });
});

describe('thresholds', () => {
  it('compares latency in ms and totals by equality', () => {
    const report = build();
    const p99 = report.latency.acquire.p99;
    expect(p99).toBeGreaterThan(100);
    const results = evaluateThresholds(report, [
      threshold('latency.acquire.p99', '<', 200, '< 200ms'),
      threshold('latency.acquire.p99', '<', 100, '< 100ms'),
      threshold('totals.violations', '==', 0),
      threshold('totals.timeouts', '==', 0),
      threshold('rates.successRate', '>', 0.99),
      threshold('rates.successRate', '>=', 0.98),
    ]);
    expect(results.map((result) => result.pass)).toEqual([true, false, true, false, false, true]);
    expect(results[1]).toEqual({ metric: 'latency.acquire.p99', op: '<', value: 100, actual: p99, pass: false, source: '< 100ms' });
    expect(results[3].actual).toBe(100);
  });

  it('passes at the edge only for the inclusive operators', () => {
    const report = build();
    const results = evaluateThresholds(report, [
      threshold('rates.throughput', '<=', 980),
      threshold('rates.throughput', '<', 980),
      threshold('rates.throughput', '>=', 980),
      threshold('rates.throughput', '!=', 980),
    ]);
    expect(results.map((result) => result.pass)).toEqual([true, false, true, false]);
  });

  it('fails a path that holds no number, with actual null', () => {
    const report = build();
    const [missing, notNumber] = evaluateThresholds(report, [threshold('latency.acquire.p42', '<', 1), threshold('scenario.name', '==', 0)]);
    expect(missing).toMatchObject({ actual: null, pass: false });
    expect(notNumber).toMatchObject({ actual: null, pass: false });
  });

  it('reads phases by index or by name', () => {
    const report = build();
    expect(readMetric(report, 'phases.0.rates.throughput')).toBe(970);
    expect(readMetric(report, 'phases.warmup.rates.throughput')).toBe(970);
    expect(readMetric(report, 'phases.nope.rates.throughput')).toBeNull();
    expect(readMetric(report, 'warnings.length')).toBe(0);
  });

  it("evaluates the scenario's thresholds into the report", () => {
    const report = build(makeMeasurements(), makeScenario({ thresholds: [threshold('totals.violations', '==', 0, '== 0')] }));
    expect(report.thresholds).toEqual([{ metric: 'totals.violations', op: '==', value: 0, actual: 0, pass: true, source: '== 0' }]);
  });
});

describe('warnings', () => {
  it('has none for a clean run', () => {
    expect(build().warnings).toEqual([]);
  });

  it('names the saturated worker and what crossed the limit', () => {
    const report = build(
      makeMeasurements({
        generator: {
          workers: [
            { index: 0, eventLoopLagP99Ms: 4, eventLoopLagMaxMs: 9, busyPercent: 50, maxDispatchLagMs: 10 },
            { index: 1, eventLoopLagP99Ms: 120, eventLoopLagMaxMs: 300, busyPercent: 50, maxDispatchLagMs: 10 },
          ],
        },
      }),
    );
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatch(/^the load generator, not the backend, may have limited this run: worker 1 event-loop lag p99 120ms/);
    expect(report.warnings[0]).not.toMatch(/worker 0/);
  });

  it('counts dropped arrivals with the backlog limit, and cancelled ones', () => {
    const report = build(makeMeasurements({ totals: totals({ arrivals: 11_250, dropped: 1_234, cancelled: 116 }) }));
    expect(report.warnings).toHaveLength(2);
    expect(report.warnings[0]).toMatch(/^1,234 arrivals dropped: backlog full \(maxBacklog=10,000/);
    expect(report.warnings[1]).toMatch(/^116 arrivals were still waiting when the run stopped/);
  });

  it('says when the run was interrupted', () => {
    const report = build(makeMeasurements({ interrupted: true, durationMs: 6_000 }));
    expect(report.interrupted).toBe(true);
    expect(report.warnings.some((warning) => /interrupted after 6s of a planned 10s/.test(warning))).toBe(true);
  });

  it("flags a Little's-law mismatch over 10% as a steady-state problem", () => {
    const report = build(makeMeasurements({ waiters: { timeAverage: 15, max: 64 } }));
    expect(report.queueing.littleError).toBeCloseTo(0.32, 12);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatch(/Little's law needs a steady state/);
  });

  it('reports backend errors', () => {
    const report = build(makeMeasurements({ totals: totals({ timeouts: 90, errors: 10 }) }));
    expect(report.warnings).toEqual([expect.stringMatching(/^10 acquire attempts failed with a backend error/)]);
  });
});
