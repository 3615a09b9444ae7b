/**
 * A spin latch in one word of a shared Int32Array (0 free, 1 taken), for state
 * that several worker threads update in a few instructions: the memory
 * backend's lock table and the safety checker's holder board.
 */

/** Spins this often before sleeping 50 µs: the latch's holder was preempted inside its few instructions. */
const SPINS_BEFORE_SLEEP = 256;

export function acquireLatch(ints: Int32Array, index: number): void {
  let spins = 0;
  while (Atomics.compareExchange(ints, index, 0, 1) !== 0) {
    if (++spins > SPINS_BEFORE_SLEEP) {
      Atomics.wait(ints, index, 1, 0.05);
      spins = 0;
    }
  }
}

export function releaseLatch(ints: Int32Array, index: number): void {
  Atomics.store(ints, index, 0);
}
