import { TOTAL_NAMES, type Totals, type TotalName } from './types.js';

/** All counters at zero. */
export function emptyTotals(): Totals {
  const totals = {} as Totals;
  for (const name of TOTAL_NAMES) totals[name] = 0;
  return totals;
}

/** Adds every counter of `from` into `into`. */
export function addTotals(into: Totals, from: Readonly<Totals>): void {
  for (const name of TOTAL_NAMES) into[name] += from[name];
}

export type { Totals, TotalName };
