import { whenAborted } from './abort.js';

/**
 * One monotonic clock for every thread of the process: process.hrtime reads
 * CLOCK_MONOTONIC, which worker threads share (performance.now() does not: each
 * worker has its own time origin).
 */
export function monotonicMs(): number {
  const [seconds, nanos] = process.hrtime();
  return seconds * 1e3 + nanos / 1e6;
}

/**
 * Resolves after at least `ms` milliseconds on the monotonic clock (0 → next
 * macrotask), or at once when `signal` aborts. libuv timers can fire up to ~1 ms
 * early (they count from a cached loop time), so the timer is re-armed until the
 * deadline has really passed: a 5 ms hold is never 4.2 ms.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    if (ms <= 0) {
      setImmediate(resolve);
      return;
    }
    const deadline = monotonicMs() + ms;
    let unsubscribe: (() => void) | undefined;
    const onTimer = (): void => {
      const remaining = deadline - monotonicMs();
      if (remaining > 0) {
        timer = setTimeout(onTimer, remaining);
        return;
      }
      unsubscribe?.();
      resolve();
    };
    let timer = setTimeout(onTimer, ms);
    if (signal) {
      unsubscribe = whenAborted(signal, () => {
        clearTimeout(timer);
        resolve();
      });
    }
  });
}
