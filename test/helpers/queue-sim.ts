/** Runs one key as a textbook queue in the simulator and reads back the mean wait, with batch means for its standard error. */
import { loadScenarioText } from '../../src/scenario/index.js';
import { simulateScenario } from '../../src/sim/index.js';

export interface QueueCase {
  /** arrivals per second (Poisson) */
  readonly lambda: number;
  /** the hold: its YAML distribution, e.g. "{ type: exponential, mean: 0.1ms }" */
  readonly hold: string;
  /** permits of the one key (servers) */
  readonly servers: number;
  /** simulated requests wanted (split over BATCHES phases of equal length) */
  readonly requests: number;
  readonly seed: number;
}

export interface QueueResult {
  /** exact mean wait (arrival → grant) over every request, ms */
  readonly meanWaitMs: number;
  /** standard error of that mean from the batch means, ms */
  readonly standardErrorMs: number;
  readonly requests: number;
}

/** Batches for the batch-means standard error: one per phase. */
const BATCHES = 20;

/**
 * One key, FIFO, no network (rtt 0), no timeout: the simulator is then exactly an M/G/c queue
 * whose customers are the acquires and whose service is the hold.
 */
export async function simulateQueue(queue: QueueCase): Promise<QueueResult> {
  const batchSeconds = queue.requests / queue.lambda / BATCHES;
  const phases = Array.from({ length: BATCHES }, (_, i) => `  - { name: b${i}, duration: ${batchSeconds}s, rate: ${queue.lambda}, arrival: poisson }`);
  const text = [
    'name: queue',
    `seed: ${queue.seed}`,
    'backend: { type: memory }',
    'sim: { rtt: 0ms, discipline: fifo }',
    'phases:',
    ...phases,
    'maxInFlight: 10000000',
    'resources: { count: 1 }',
    `lock: { ttl: 1h, acquireTimeout: 1h, retry: { strategy: none }, permits: ${queue.servers} }`,
    `hold: ${queue.hold}`,
    'drain: 1h',
  ].join('\n');
  const { scenario } = loadScenarioText(text, 'queue.yaml');
  const { measurements } = await simulateScenario(scenario, { startedAtEpochMs: 0 });
  const { totals } = measurements;
  if (totals.failed + totals.dropped + totals.cancelled > 0) throw new Error(`every request must be served: ${JSON.stringify(totals)}`);
  // batch means: each phase's mean wait (from its histogram, µs resolution) is one observation
  const means = measurements.phases.map((phase) => phase.latency.acquire.mean);
  const average = means.reduce((sum, mean) => sum + mean, 0) / means.length;
  const variance = means.reduce((sum, mean) => sum + (mean - average) ** 2, 0) / (means.length - 1);
  return { meanWaitMs: measurements.wait.meanMs, standardErrorMs: Math.sqrt(variance / means.length), requests: totals.acquired };
}
