/** lockbench's library API: load a scenario, run or simulate it, get a report; plan it analytically. */
export { run } from './run.js';
export { runScenario, type RunHooks, type RunProgress } from './driver/coordinator.js';
export { simulate, simulateScenario, type SimulationResult, type SimulationStats } from './sim/index.js';
export { buildPlan, type Plan, type PlanOptions } from './model/index.js';
export { loadScenarioFile, loadScenarioText, loadScenarioVariants, loadScenarioVariantsText, type LoadOptions } from './scenario/index.js';
export type { LoadedScenario, ResolvedScenario } from './scenario/types.js';
export type { Report } from './report/index.js';
export {
  buildReport,
  compareReports,
  formatConsoleSummary,
  formatHtmlReport,
  formatMarkdownSummary,
  readReportFile,
  renderReportFiles,
  writeReport,
  writeReportToDir,
} from './report/index.js';
export type { ReportComparison } from './report/index.js';
export type { AcquireOptions, BackendContext, BackendFactory, Lease, LockBackend } from './backends/types.js';
export type { RunMeasurements } from './metrics/types.js';
export { BackendUnavailableError, ExitCode, ScenarioError } from './errors.js';
export { toolVersion } from './version.js';
