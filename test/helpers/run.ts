import { run } from '../../src/run.js';
import { loadScenarioText } from '../../src/scenario/index.js';
import type { Report } from '../../src/report/index.js';
import type { RunHooks } from '../../src/driver/coordinator.js';

/** Loads scenario text (as if from `file`) and runs it through the library API. */
export async function runScenarioText(yaml: string, hooks: RunHooks = {}, file = 'test.yaml'): Promise<Report> {
  return run(loadScenarioText(yaml, file), hooks);
}

/** arrivals = acquired + failed + dropped + cancelled: nothing lost silently. */
export function accountedArrivals(report: Report): number {
  const { acquired, failed, dropped, cancelled } = report.totals;
  return acquired + failed + dropped + cancelled;
}
