import { describe, expect, it } from 'vitest';
import { runScenarioText } from './helpers/run.js';

describe("Little's law", () => {
  it('on a steady state, L = λW agrees with the time-averaged waiters within 5%', async () => {
    // 50 keys, Poisson 1500/s → 30/s per key; exponential holds of 15 ms → ρ = 0.45 per key:
    // M/M/1 per key, mean wait ρ/(μ−λ) ≈ 12 ms, ~18 waiters on average across keys.
    const report = await runScenarioText(`
name: little
workers: 2
seed: 7
phases: [{ duration: 8s, rate: 1500, arrival: poisson }]
resources: { count: 50 }
lock: { acquireTimeout: 10s, retry: { strategy: none } }
hold: { type: exponential, mean: 15ms }
`);
    const { littleL, measuredL, littleError } = report.queueing;
    expect(measuredL).toBeGreaterThan(5);
    expect(Math.abs(littleL - measuredL) / measuredL).toBeLessThanOrEqual(0.05);
    expect(littleError).toBeLessThanOrEqual(0.05);
    expect(report.totals.failed).toBe(0);
  });
});
