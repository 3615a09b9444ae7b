/**
 * abortOnFail: stop a run as soon as a threshold can no longer pass. Only counters under `totals.` qualify:
 * they only grow, so `<` and `<=` that fail now fail for good, and `==` once the count is past the value.
 * Percentiles, rates and means can recover, so they are judged when the run ends (the scenario loader rejects
 * abortOnFail on them).
 */
import type { TotalName, Totals } from '../metrics/types.js';
import type { ThresholdSpec } from '../scenario/types.js';
import type { ReportAbort } from './types.js';

/** What the live progress shows: the counters so far, and when. */
export interface LiveTotals {
  /** ms since the run's start */
  readonly elapsedMs: number;
  readonly totals: Readonly<Totals>;
}

/** The first abortOnFail threshold that the live totals show can no longer pass, or undefined. */
export function abortingThreshold(specs: readonly ThresholdSpec[], live: LiveTotals): ReportAbort | undefined {
  for (const spec of specs) {
    if (!spec.abortOnFail || !spec.metric.startsWith('totals.')) continue;
    const actual = live.totals[spec.metric.slice('totals.'.length) as TotalName];
    if (typeof actual === 'number' && cannotPassAnyMore(actual, spec.op, spec.value)) {
      return { metric: spec.metric, source: spec.source, actual, atMs: Math.max(0, Math.round(live.elapsedMs)) };
    }
  }
  return undefined;
}

/** For a count that only grows: is `count op value` false now and forever? */
export function cannotPassAnyMore(count: number, op: ThresholdSpec['op'], value: number): boolean {
  switch (op) {
    case '<':
      return count >= value;
    case '<=':
    case '==':
      return count > value;
    default:
      // > and >= may still be reached; != may still be left
      return false;
  }
}
