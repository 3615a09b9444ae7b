/**
 * One 'abort' listener per signal, however many waits hang on it: tens of
 * thousands of waiting requests share the run's signal, and EventTarget's
 * removeEventListener is linear in the listener count.
 */
const callbacksBySignal = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `callback` once when `signal` aborts; returns the unsubscribe (O(1)). */
export function whenAborted(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = callbacksBySignal.get(signal);
  if (!callbacks) {
    const registered = new Set<() => void>();
    callbacks = registered;
    callbacksBySignal.set(signal, registered);
    signal.addEventListener(
      'abort',
      () => {
        for (const pending of registered) pending();
        registered.clear();
      },
      { once: true },
    );
  }
  const set = callbacks;
  set.add(callback);
  return () => set.delete(callback);
}
