import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findOutages } from '../src/report/outages.js';
import type { SeriesPoint } from '../src/metrics/types.js';
import { accountedArrivals, runScenarioText } from './helpers/run.js';

const flakyBackend = fileURLToPath(new URL('./fixtures/flaky-backend.mjs', import.meta.url));

function point(t: number, acquired: number, errors: number): SeriesPoint {
  return { t, arrivals: acquired + errors, acquired, failed: errors, timeouts: 0, errors, inFlight: 0, waiters: 0, p50: 0, p99: 0 };
}

describe('backend outages', () => {
  it('are the runs of seconds with errors and no grants', () => {
    const series = [point(0, 10, 0), point(1, 0, 5), point(2, 0, 7), point(3, 3, 2), point(4, 0, 1), point(5, 9, 0)];
    expect(findOutages(series)).toEqual([
      { fromS: 1, toS: 3, errors: 12 },
      { fromS: 4, toS: 5, errors: 1 },
    ]);
    expect(findOutages([point(0, 0, 0)])).toEqual([]);
  });

  it('are reported with errors per second, the first error and the backend stats when a backend goes away mid-run', async () => {
    const report = await runScenarioText(`
name: flaky
workers: 1
phases: [{ duration: 5s, rate: 200 }]
resources: { count: 1000 }
backend: { type: module, path: ${JSON.stringify(flakyBackend)}, options: { downFromMs: 950, downUntilMs: 3050 } }
lock: { acquireTimeout: 1s, retry: { strategy: none } }
hold: 0ms
`);
    expect(accountedArrivals(report)).toBe(report.totals.arrivals);
    expect(report.totals.errors).toBeGreaterThan(350);
    expect(report.totals.timeouts).toBe(0);
    // errors show per second, and grants resume after the outage
    const seconds = report.series;
    expect(seconds.reduce((sum, s) => sum + s.errors, 0)).toBe(report.totals.errors);
    expect(seconds.at(-1)!.acquired + seconds.at(-2)!.acquired).toBeGreaterThan(0);
    // seconds 1 and 2 are entirely inside the outage
    expect(report.backend.outages.some((o) => o.fromS <= 1 && o.toS >= 3)).toBe(true);
    expect(report.backend.stats).toEqual({ 'connections refused': report.totals.errors });
    const warning = report.warnings.find((w) => w.includes('backend error'));
    expect(warning).toContain('ECONNREFUSED');
    expect(warning).toMatch(/unreachable \(errors, no grants\) in \d+s–\d+s/);
  });

  it('counts a lease lost on renewal once, at release', async () => {
    const report = await runScenarioText(`
name: lost-on-renewal
workers: 1
users: 2
duration: 1s
resources: { count: 10 }
backend: { type: module, path: ${JSON.stringify(flakyBackend)}, options: { loseOnExtend: true } }
lock: { ttl: 1s, renew: { every: 10ms } }
hold: 40ms
`);
    expect(report.totals.acquired).toBeGreaterThan(10);
    expect(report.totals.lostLeases).toBe(report.totals.acquired);
    expect(report.totals.released).toBe(0);
    expect(report.totals.renewals).toBe(0);
  });
});
