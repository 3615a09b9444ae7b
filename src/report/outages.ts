/** When the backend was unreachable, read off the per-second series. */
import type { SeriesPoint } from '../metrics/types.js';

/** A stretch of seconds in which backend operations failed and none was granted. */
export interface BackendOutage {
  /** first second of the outage (seconds since the run's start) */
  readonly fromS: number;
  /** the second after its last one: the outage lasted toS − fromS seconds */
  readonly toS: number;
  /** acquire errors in those seconds */
  readonly errors: number;
}

/** Contiguous seconds with errors > 0 and acquired = 0, in time order. */
export function findOutages(series: readonly SeriesPoint[]): BackendOutage[] {
  const outages: BackendOutage[] = [];
  let open: { fromS: number; toS: number; errors: number } | undefined;
  for (const point of series) {
    const down = point.errors > 0 && point.acquired === 0;
    if (down && open && open.toS === point.t) {
      open.toS = point.t + 1;
      open.errors += point.errors;
    } else if (down) {
      if (open) outages.push(open);
      open = { fromS: point.t, toS: point.t + 1, errors: point.errors };
    } else if (open) {
      outages.push(open);
      open = undefined;
    }
  }
  if (open) outages.push(open);
  return outages;
}
