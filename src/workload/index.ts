/** Workload: seeded randomness, arrival schedules, resource-id pickers and duration distributions. */
export type { Arrival, ArrivalSchedule, Distribution, KeyPicker, Rng } from './types.js';
export { createRng, Stream } from './random.js';
export { createDistribution, distributionMean } from './distributions.js';
export { NORMAL_Z99, normalQuantile } from './normal.js';
export { createKeyFormatter, createKeyPicker, ZIPF_TABLE_MAX_COUNT } from './keys.js';
export { createArrivalSchedule, expectedArrivals, scheduleDurationMs } from './arrivals.js';
export { phaseWindows, plannedDurationMs, type PhaseWindow } from './timeline.js';
