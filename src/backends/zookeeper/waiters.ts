import { whenAborted } from '../../abort.js';

/**
 * How a wait for the next-lower node ended: it was deleted (look again), the
 * wait budget ran out, the caller's signal aborted, or the connection was lost.
 */
export type WaitOutcome = 'gone' | 'timeout' | 'aborted' | 'lost';

type Settle = (outcome: WaitOutcome, error?: Error) => void;

/**
 * Acquires waiting for a watched node to go, by node path. The session's one
 * watcher function reports each fired watch here (`notify`), so a watch left
 * behind by a waiter that gave up wakes nobody and costs nothing.
 */
export class DeletionWaiters {
  private readonly byPath = new Map<string, Settle[]>();

  /**
   * Waits until `path` is deleted, at most `timeoutMs`. Registers first, then
   * calls `watch` to set the watch on the server (false: already gone); a
   * failing `watch` rejects with its error.
   */
  wait(path: string, timeoutMs: number, signal: AbortSignal | undefined, watch: (path: string) => Promise<boolean>): Promise<WaitOutcome> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return resolve('aborted');
      let done = false;
      let unsubscribe: (() => void) | undefined;
      const settle: Settle = (outcome, error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unsubscribe?.();
        this.forget(path, settle);
        if (error) reject(error);
        else resolve(outcome);
      };
      const timer = setTimeout(settle, Math.max(0, timeoutMs), 'timeout');
      if (signal) unsubscribe = whenAborted(signal, () => settle('aborted'));
      const waiting = this.byPath.get(path);
      if (waiting) waiting.push(settle);
      else this.byPath.set(path, [settle]);
      watch(path).then(
        (exists) => exists || settle('gone'),
        (error: Error) => settle('lost', error),
      );
    });
  }

  /** A watch on `path` fired: wake everyone waiting for it. */
  notify(path: string): void {
    const waiting = this.byPath.get(path);
    if (!waiting) return;
    this.byPath.delete(path);
    for (const settle of waiting) settle('gone');
  }

  /** The connection is gone: every wait ends with 'lost'. */
  failAll(): void {
    const all = [...this.byPath.values()];
    this.byPath.clear();
    for (const waiting of all) for (const settle of waiting) settle('lost');
  }

  private forget(path: string, settle: Settle): void {
    const waiting = this.byPath.get(path);
    if (!waiting) return;
    const index = waiting.indexOf(settle);
    if (index >= 0) waiting.splice(index, 1);
    if (waiting.length === 0) this.byPath.delete(path);
  }
}
