import { fileURLToPath } from 'node:url';
import hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { accountedArrivals, runScenarioText } from './helpers/run.js';

const stallBackend = fileURLToPath(new URL('./fixtures/stall-once-backend.mjs', import.meta.url));

/** How many recorded values (µs) lie above `ms`, read off the histogram by bisection on percentiles. */
function countAbove(encoded: string, ms: number): number {
  const histogram = hdr.decodeFromCompressedBase64(encoded, 64, false);
  let low = 0;
  let high = 100;
  for (let i = 0; i < 50; i++) {
    const mid = (low + high) / 2;
    if (histogram.getValueAtPercentile(mid) <= ms * 1000) low = mid;
    else high = mid;
  }
  const above = Math.round(histogram.totalCount * (1 - low / 100));
  histogram.destroy();
  return above;
}

describe('open model', () => {
  it("sends the schedule's arrivals (within 1% of its integral), counts drops, loses nothing", async () => {
    // 2 phases: 1000/s for 1 s, then a ramp 1000 → 3000/s over 1 s: 1000 + 2000 = 3000 arrivals
    const report = await runScenarioText(`
name: open-count
workers: 2
phases:
  - { duration: 1s, rate: 1000 }
  - { duration: 1s, rate: 1000, rampTo: 3000 }
maxInFlight: 20
maxBacklog: 30
resources: { count: 1000 }
lock: { acquireTimeout: 1s, retry: { strategy: none } }
hold: 20ms
drain: 2s
`);
    expect(Math.abs(report.totals.arrivals - 3000) / 3000).toBeLessThan(0.01);
    // 20 slots × 50 cycles/s = 1000/s: the ramp overflows 20 + 30 waiting places
    expect(report.totals.dropped).toBeGreaterThan(0);
    expect(accountedArrivals(report)).toBe(report.totals.arrivals);
    expect(report.phases.map((phase) => phase.name)).toEqual(['phase-1', 'phase-2']);
    expect(report.phases[0].totals.arrivals + report.phases[1].totals.arrivals).toBe(report.totals.arrivals);
    expect(report.warnings.join('\n')).toMatch(/dropped/);
  });

  it('corrects coordinated omission: a 500 ms stall shows in acquire for every arrival it delayed', async () => {
    // 1000 arrivals/s for 2 s, one request in flight at a time, one 500 ms stall at call 500:
    // the ~500 arrivals intended during the stall wait 500 → 0 ms (uniformly), everyone else ~0.
    const report = await runScenarioText(`
name: stall-once
workers: 1
phases: [{ duration: 2s, rate: 1000 }]
maxInFlight: 1
maxBacklog: 100000
resources: { count: 100000 }
backend: { type: module, path: ${JSON.stringify(stallBackend)}, options: { stallAt: 500, stallMs: 500 } }
lock: { acquireTimeout: 5s, retry: { strategy: none } }
hold: 0ms
`);
    const { acquire, acquireService } = report.latency;
    expect(report.totals.acquired).toBe(2000);
    // service time: only the one stalled call carries the stall
    expect(acquireService.max).toBeGreaterThanOrEqual(495);
    expect(countAbove(acquireService.hdr, 100)).toBe(1);
    // from the intended start: arrivals in the stall window carry what was left of it
    expect(acquire.max).toBeGreaterThanOrEqual(495);
    expect(acquire.max).toBeLessThan(650);
    const delayed = countAbove(acquire.hdr, 100); // expected (500 − 100) / 1 ms = 400
    expect(delayed).toBeGreaterThan(340);
    expect(delayed).toBeLessThan(460);
    // p90: 10% of 2000 = 200 arrivals above it, i.e. those intended in the stall's first 200 ms → ≈ 300 ms
    expect(acquire.p90).toBeGreaterThan(240);
    expect(acquire.p90).toBeLessThan(360);
    expect(acquireService.p99).toBeLessThan(50);
  });
});
