/** `lockbench simulate`: the scenario in virtual time against a model of its backend, reported like a run. */
import type { RunHooks, RunProgress } from '../driver/coordinator.js';
import type { Report } from '../report/index.js';
import { measureWithLiveGates, reportOf } from '../run.js';
import type { LoadedScenario } from '../scenario/types.js';
import { describeModel } from './describe.js';
import { simulateScenario, type SimulationResult } from './simulator.js';

export { simulateScenario, type SimulationResult, type SimulationStats } from './simulator.js';
export { backendModelOf, type BackendModel } from './backend-model.js';

/** Wall time between two progress lines passed on to the caller: simulated seconds fly by. */
const PROGRESS_EVERY_MS = 1000;

/**
 * Simulates a loaded scenario and returns its report (mode 'simulated'); deterministic for the
 * scenario's seed: the same file gives the same report, apart from its timestamps.
 * `onStats`, if given, hears how much work the simulation was (events, requests).
 */
export async function simulate(loaded: LoadedScenario, hooks: RunHooks = {}, onStats?: (result: SimulationResult) => void): Promise<Report> {
  const startedAtEpochMs = Date.now();
  let result: SimulationResult | undefined;
  const { measurements, abortedBy } = await measureWithLiveGates(loaded, { ...hooks, ...(hooks.onProgress && { onProgress: throttled(hooks.onProgress) }) }, async (gated) => {
    result = await simulateScenario(loaded.scenario, {
      startedAtEpochMs,
      ...(gated.signal && { signal: gated.signal }),
      ...(gated.onProgress && { onProgress: gated.onProgress }),
    });
    return result.measurements;
  });
  onStats?.(result!);
  return reportOf(loaded, measurements, { mode: 'simulated', backend: describeModel(loaded.scenario, result!.model), abortedBy });
}

/** Passes on at most one progress report per PROGRESS_EVERY_MS of wall time. */
function throttled(onProgress: (progress: RunProgress) => void): (progress: RunProgress) => void {
  let last = 0;
  return (progress) => {
    const now = Date.now();
    if (now - last < PROGRESS_EVERY_MS) return;
    last = now;
    onProgress(progress);
  };
}
