import { describeBackend } from './backends/registry.js';
import { runScenario, type RunHooks } from './driver/coordinator.js';
import { buildReport, type Report } from './report/index.js';
import type { LoadedScenario } from './scenario/types.js';
import { toolVersion } from './version.js';

/** Runs a loaded scenario and returns its report (nothing is printed or written). */
export async function run(loaded: LoadedScenario, hooks: RunHooks = {}): Promise<Report> {
  const measurements = await runScenario(loaded.scenario, hooks);
  return buildReport({
    measurements,
    scenario: loaded.scenario,
    file: loaded.file,
    sha256: loaded.sha256,
    toolVersion,
    backend: describeBackend(loaded.scenario.backend),
  });
}
