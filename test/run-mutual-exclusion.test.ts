import { describe, expect, it } from 'vitest';
import { accountedArrivals, runScenarioText } from './helpers/run.js';

// 2 worker threads, 20 users, one key, a fixed 5 ms hold: the key can be held at
// most 2000 ms / 5 ms = 400 times in the run, whoever asks.
const oneHotKey = (mode: 'single' | 'none', retry: string) => `
name: one-hot-key
workers: 2
users: 20
duration: 2s
drain: 2s
resources: { count: 1, key: "the-only-seat:{id}" }
lock: { mode: ${mode}, ttl: 10s, acquireTimeout: 5s, retry: ${retry} }
hold: 5ms
`;

describe('mutual exclusion across worker threads (memory backend)', () => {
  it('one key, 5 ms hold, queued waiters: at most ~1000/5 grants per second and no overlap', async () => {
    const report = await runScenarioText(oneHotKey('single', '{ strategy: none }'));
    const holdSeconds = report.durationMs / 1000;
    expect(report.totals.acquired).toBeGreaterThan(100);
    // ceiling: one holder at a time, each ≥ 5 ms
    expect(report.totals.acquired).toBeLessThanOrEqual(Math.ceil((holdSeconds * 1000) / 5) + 2);
    expect(report.latency.hold.min).toBeGreaterThanOrEqual(4.9);
    expect(report.totals.violations).toBe(0);
    expect(report.safety.overlaps).toBe(0);
    expect(report.totals.contended).toBeGreaterThan(0);
    expect(accountedArrivals(report)).toBe(report.totals.arrivals);
  });

  it('the same with client-side retries (exponential-jitter polling)', async () => {
    const report = await runScenarioText(oneHotKey('single', '{ strategy: exponential-jitter, base: 1ms, max: 20ms }'));
    expect(report.totals.acquired).toBeGreaterThan(50);
    expect(report.totals.acquired).toBeLessThanOrEqual(Math.ceil(report.durationMs / 5) + 2);
    expect(report.totals.attempts).toBeGreaterThan(report.totals.acquired);
    expect(report.totals.violations).toBe(0);
  });

  it('without a lock the ground-truth checker sees holders overlap', async () => {
    const report = await runScenarioText(oneHotKey('none', '{ strategy: none }'));
    expect(report.totals.violations).toBeGreaterThan(0);
    expect(report.safety.examples.length).toBeGreaterThan(0);
    expect(report.safety.examples[0].key).toBe("the-only-seat:0");
  });
});
