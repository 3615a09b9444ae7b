/**
 * The simulator against queueing theory, one key with Poisson arrivals and exponential holds:
 * an M/M/1 queue, whose mean wait in queue is Wq = ρ / (μ − λ).
 *
 * Precision: each case simulates enough requests that 2% of Wq is at least three standard errors
 * of the simulated mean (the standard error comes from 20 batch means and is asserted too), so a
 * pass is not luck (≥ 99.7% confidence under normality) and a 2% bias would be seen. The seed is
 * fixed, so the figures are the same on every machine.
 */
import { describe, expect, it } from 'vitest';
import { simulateQueue } from './helpers/queue-sim.js';

const TOLERANCE = 0.02;

describe('simulator vs M/M/1', () => {
  // μ = 10,000/s: holds of mean 0.1 ms
  const mu = 10_000;

  it.each([
    // ρ = 0.5: λ = 5,000/s, Wq = 0.5 / (10,000 − 5,000) s = 0.1 ms
    { rho: 0.5, requests: 1_000_000, expectedMs: (0.5 / (mu - 5_000)) * 1000 },
    // ρ = 0.8: λ = 8,000/s, Wq = 0.8 / (10,000 − 8,000) s = 0.4 ms (waits correlate far more: more requests)
    { rho: 0.8, requests: 5_000_000, expectedMs: (0.8 / (mu - 8_000)) * 1000 },
  ])('ρ = $rho: mean wait within 2% of ρ/(μ−λ) = $expectedMs ms', async ({ rho, requests, expectedMs }) => {
    const result = await simulateQueue({ lambda: rho * mu, hold: '{ type: exponential, mean: 0.1ms }', servers: 1, requests, seed: 11 });
    const error = Math.abs(result.meanWaitMs - expectedMs) / expectedMs;
    const relativeStandardError = result.standardErrorMs / expectedMs;
    console.info(
      `M/M/1 ρ=${rho}: ${result.requests} requests, mean wait ${result.meanWaitMs.toFixed(5)} ms vs ${expectedMs} ms ` +
        `(${(error * 100).toFixed(2)}% off; standard error ${(relativeStandardError * 100).toFixed(2)}%)`,
    );
    expect(result.requests).toBeGreaterThan(requests * 0.98);
    expect(relativeStandardError * 3).toBeLessThanOrEqual(TOLERANCE);
    expect(error).toBeLessThan(TOLERANCE);
  }, 60_000);
});
