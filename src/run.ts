import { describeBackend } from './backends/registry.js';
import { runScenario, type RunHooks, type RunProgress } from './driver/coordinator.js';
import { abortingThreshold, buildReport, type Report, type ReportAbort } from './report/index.js';
import type { RunMeasurements } from './metrics/types.js';
import type { LoadedScenario } from './scenario/types.js';
import { toolVersion } from './version.js';
import { ScenarioError } from './errors.js';

/** Refuses what only `simulate` and `plan` can do: a semaphore of several permits needs a backend that has one. */
export function checkRunnable(loaded: LoadedScenario): void {
  const { permits } = loaded.scenario.lock;
  if (permits === 1) return;
  const at = loaded.locate('lock.permits');
  throw new ScenarioError(
    `${permits} permits is a semaphore, which lockbench simulate and lockbench plan model but no lock backend of run offers (allowed with run: 1)`,
    at && { file: loaded.file, line: at.line, col: at.col, path: 'lock.permits' },
  );
}

/**
 * Runs a loaded scenario and returns its report (nothing is printed or written).
 * A threshold with abortOnFail stops the run, through the same path as `hooks.signal`, once the live
 * totals show it can no longer pass; the report then names it in `abortedBy`.
 */
export async function run(loaded: LoadedScenario, hooks: RunHooks = {}): Promise<Report> {
  checkRunnable(loaded);
  const { measurements, abortedBy } = await measureWithLiveGates(loaded, hooks, (gated) => runScenario(loaded.scenario, gated));
  return reportOf(loaded, measurements, { mode: 'run', backend: describeBackend(loaded.scenario.backend), abortedBy });
}

/** The report of what was measured on a loaded scenario (by `run` or `simulate`). */
export function reportOf(
  loaded: LoadedScenario,
  measurements: RunMeasurements,
  how: { readonly mode: Report['mode']; readonly backend: Readonly<Record<string, unknown>>; readonly abortedBy: ReportAbort | undefined },
): Report {
  return buildReport({
    measurements,
    scenario: loaded.scenario,
    file: loaded.file,
    sha256: loaded.sha256,
    toolVersion,
    mode: how.mode,
    backend: how.backend,
    ...(how.abortedBy && { abortedBy: how.abortedBy }),
  });
}

/**
 * Measures (a run or a simulation) with the scenario's abortOnFail thresholds watching the live
 * totals: the first that can no longer pass stops the measurement through its signal, as Ctrl-C does.
 */
export async function measureWithLiveGates(
  loaded: LoadedScenario,
  hooks: RunHooks,
  measure: (hooks: RunHooks) => Promise<RunMeasurements>,
): Promise<{ measurements: RunMeasurements; abortedBy?: ReportAbort }> {
  const gates = loaded.scenario.thresholds.filter((threshold) => threshold.abortOnFail);
  const stop = new AbortController();
  const forwardStop = (): void => stop.abort();
  if (hooks.signal?.aborted) stop.abort();
  else hooks.signal?.addEventListener('abort', forwardStop, { once: true });

  let abortedBy: ReportAbort | undefined;
  const onProgress = (progress: RunProgress): void => {
    hooks.onProgress?.(progress);
    if (gates.length === 0 || stop.signal.aborted) return;
    abortedBy = abortingThreshold(gates, progress);
    if (abortedBy) stop.abort();
  };
  try {
    const measurements = await measure({ signal: stop.signal, onProgress });
    return { measurements, ...(abortedBy && { abortedBy }) };
  } finally {
    hooks.signal?.removeEventListener('abort', forwardStop);
  }
}
