/**
 * One monotonic clock for every thread of the process: process.hrtime reads
 * CLOCK_MONOTONIC, which worker threads share (performance.now() does not: each
 * worker has its own time origin).
 */
export function monotonicMs(): number {
  const [seconds, nanos] = process.hrtime();
  return seconds * 1e3 + nanos / 1e6;
}

/** Resolves after `ms` milliseconds (0 → next macrotask). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = ms <= 0 ? setImmediate(done) : setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      if (ms <= 0) clearImmediate(timer as NodeJS.Immediate);
      else clearTimeout(timer as NodeJS.Timeout);
      resolve();
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
