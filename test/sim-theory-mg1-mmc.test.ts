/**
 * The simulator against queueing theory beyond M/M/1, on one key with Poisson arrivals:
 * - deterministic holds: M/D/1, Pollaczek–Khinchine Wq = λ·E[S²] / (2(1 − ρ)) = ρ·D / (2(1 − ρ));
 * - c permits with exponential holds: M/M/c, Erlang C: Wq = C(c, a) / (cμ − λ), a = λ/μ.
 * Same precision rule as sim-theory-mm1: 2% is at least three batch-means standard errors.
 */
import { describe, expect, it } from 'vitest';
import { simulateQueue } from './helpers/queue-sim.js';

const TOLERANCE = 0.02;

/** Erlang C: the probability that an arrival waits, for c servers offered a = λ/μ erlangs (a < c). */
function erlangC(c: number, a: number): number {
  let term = 1; // a^k / k!
  let sum = 0;
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const top = term * (c / (c - a)); // a^c / c! · c / (c − a)
  return top / (sum + top);
}

describe('simulator vs M/D/1 and Erlang C', () => {
  it('deterministic holds: within 2% of M/D/1 (P-K)', async () => {
    // D = 0.1 ms, λ = 8,000/s: ρ = 0.8, Wq = 0.8 · 0.1 / (2 · 0.2) = 0.2 ms
    const expectedMs = (0.8 * 0.1) / (2 * (1 - 0.8));
    const result = await simulateQueue({ lambda: 8_000, hold: '0.1ms', servers: 1, requests: 2_000_000, seed: 12 });
    const error = Math.abs(result.meanWaitMs - expectedMs) / expectedMs;
    console.info(`M/D/1 ρ=0.8: ${result.requests} requests, mean wait ${result.meanWaitMs.toFixed(5)} ms vs ${expectedMs} ms (${(error * 100).toFixed(2)}% off; standard error ${((result.standardErrorMs / expectedMs) * 100).toFixed(2)}%)`);
    expect((result.standardErrorMs / expectedMs) * 3).toBeLessThanOrEqual(TOLERANCE);
    expect(error).toBeLessThan(TOLERANCE);
  }, 60_000);

  it('3 permits: within 2% of Erlang C', async () => {
    // μ = 10,000/s per permit, λ = 24,000/s: a = 2.4 erlangs, ρ = 0.8 per permit
    // C(3, 2.4) = (2.4³/3! · 3/0.6) / (1 + 2.4 + 2.4²/2 + 2.4³/3! · 3/0.6) = 11.52 / (6.28 + 11.52) = 0.6472
    const c = 3;
    const a = 2.4;
    const probabilityOfWaiting = erlangC(c, a);
    expect(probabilityOfWaiting).toBeCloseTo(11.52 / 17.8, 6);
    // Wq = C / (cμ − λ) = 0.6472 / 6,000 s = 0.1079 ms
    const expectedMs = (probabilityOfWaiting / (c * 10_000 - 24_000)) * 1000;
    const result = await simulateQueue({ lambda: 24_000, hold: '{ type: exponential, mean: 0.1ms }', servers: c, requests: 3_000_000, seed: 13 });
    const error = Math.abs(result.meanWaitMs - expectedMs) / expectedMs;
    console.info(`M/M/3 a=2.4: ${result.requests} requests, mean wait ${result.meanWaitMs.toFixed(5)} ms vs ${expectedMs.toFixed(5)} ms (${(error * 100).toFixed(2)}% off; standard error ${((result.standardErrorMs / expectedMs) * 100).toFixed(2)}%)`);
    expect((result.standardErrorMs / expectedMs) * 3).toBeLessThanOrEqual(TOLERANCE);
    expect(error).toBeLessThan(TOLERANCE);
  }, 60_000);
});
