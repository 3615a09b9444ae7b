/** find-max-rate: bisection on the load level for the highest one whose probe (a simulation) meets the SLO. */

/** What one probe found. */
export interface LevelProbe {
  /** peak arrivals/s (open model) or users (closed) */
  readonly level: number;
  readonly pass: boolean;
  /** the SLO metric's value in the probe's report (null: the report has no such number) */
  readonly actual: number | null;
  /** acquired/s in the probe */
  readonly throughput: number | null;
}

/** Where the search ended: the highest passing level and the lowest failing one bracket the answer. */
export interface LevelSearch {
  readonly probes: readonly LevelProbe[];
  /** the highest level that met the SLO; null when none did */
  readonly highestPassing: number | null;
  /** the lowest level that missed it; null when none did */
  readonly lowestFailing: number | null;
}

/** How to search. */
export interface LevelSearchOptions {
  /** the first level probed (the scenario's own) */
  readonly start: number;
  /** levels are whole numbers (users) */
  readonly integer: boolean;
  /** probes at most @default 12 */
  readonly maxProbes?: number;
  /** stop once the bracket is this narrow relative to its top @default 0.01 */
  readonly precision?: number;
  /** called after each probe (progress) */
  readonly onProbe?: (probe: LevelProbe, index: number) => void;
}

/** The next level to probe, or undefined when the bracket cannot get narrower. */
function nextLevel(passing: number | null, failing: number | null, options: LevelSearchOptions): number | undefined {
  const round = (level: number): number => (options.integer ? Math.floor(level) : level);
  if (passing === null) {
    if (failing === null) return options.start;
    const lower = round(failing / 2);
    return lower > 0 ? lower : undefined;
  }
  if (failing === null) return options.integer ? Math.max(passing + 1, passing * 2) : passing * 2;
  if (failing - passing <= failing * (options.precision ?? 0.01)) return undefined;
  const middle = round((passing + failing) / 2);
  return middle > passing && middle < failing ? middle : undefined;
}

/**
 * Doubles from `start` while the SLO holds (or halves while it fails) to bracket the answer, then bisects;
 * assumes the SLO only gets harder as the level grows. At most `maxProbes` probes.
 */
export async function searchMaxLevel(
  probe: (level: number) => Promise<Omit<LevelProbe, 'level'>>,
  options: LevelSearchOptions,
): Promise<LevelSearch> {
  const probes: LevelProbe[] = [];
  let passing: number | null = null;
  let failing: number | null = null;
  while (probes.length < (options.maxProbes ?? 12)) {
    const level = nextLevel(passing, failing, options);
    if (level === undefined) break;
    const result = { level, ...(await probe(level)) };
    probes.push(result);
    options.onProbe?.(result, probes.length - 1);
    if (result.pass) passing = level;
    else failing = level;
  }
  return { probes, highestPassing: passing, lowestFailing: failing };
}
