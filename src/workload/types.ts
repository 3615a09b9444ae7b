/** Contracts of the workload: seeded randomness, arrivals, keys, durations. */

/** A seeded source of uniform numbers in [0, 1). */
export interface Rng {
  next(): number;
  /**
   * Restart the stream at a point derived from (seed, stream, index) without
   * allocating, so a request's draws depend only on its sequence number, never on
   * which worker thread runs it or how many there are.
   */
  reseed(seed: number, stream: number, index: number): void;
}

/** One arrival of the open model. */
export interface Arrival {
  /** 0-based sequence number over the whole run (all workers) */
  readonly seq: number;
  /** intended start, ms after the run's start */
  readonly atMs: number;
  /** index into the scenario's phases */
  readonly phase: number;
}

/** Arrivals in time order; a worker sees only its share of the run's sequence. */
export interface ArrivalSchedule {
  /** next arrival of this share, or undefined after the last phase */
  next(): Arrival | undefined;
}

/** Picks a resource id in [0, count). */
export interface KeyPicker {
  pick(rng: Rng): number;
}

/** A distribution of durations in ms. */
export interface Distribution {
  /** names of the mix components; ['all'] for a plain distribution */
  readonly components: readonly string[];
  readonly mean: number;
  /** draws a value; the component it came from is left in `lastComponent` */
  sample(rng: Rng): number;
  readonly lastComponent: number;
}
