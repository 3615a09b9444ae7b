/** `lockbench run`: run, write the report, print the summary, gate (thresholds, baseline) and pick the exit code. */
import { type ExitCode, UsageError } from '../errors.js';
import {
  compareReports,
  formatConsoleSummary,
  formatMarkdownSummary,
  readReportFile,
  resolveReportPath,
  writeReport,
  writeReportToDir,
  type Report,
} from '../report/index.js';
import type { RunHooks } from '../driver/coordinator.js';
import { checkRunnable, run } from '../run.js';
import { loadScenarioVariants, type LoadOptions } from '../scenario/index.js';
import type { LoadedScenario } from '../scenario/types.js';
import { resolveScenarioPath } from './builtin-scenarios.js';
import { executeWithProgress, exitCodeOf, withInterrupts } from './execute.js';
import { DEFAULT_MAX_REGRESSION, parseFormats, parseMaxRegression, withCliThresholds } from './report-options.js';
import { runMatrix } from './run-matrix.js';
import { appendStepSummary } from './step-summary.js';

/** The flags of `lockbench run` beyond the scenario options. */
export interface RunFlags {
  out?: string;
  format?: string;
  json?: boolean;
  quiet?: boolean;
  threshold: string[];
  baseline?: string;
  maxRegression?: string;
  /** with `matrix:`: the variants to run (names, or comma-separated lists of them); default all */
  variant?: string[];
}

/** What produces a report from a loaded scenario: `run` (real backend) or `simulate` (virtual time). */
export interface ScenarioExecutor {
  (loaded: LoadedScenario, hooks: RunHooks): Promise<Report>;
  /** refuses, before anything runs, a scenario this executor cannot execute (a ScenarioError): every variant of a matrix is checked first */
  readonly check?: (loaded: LoadedScenario) => void;
}

/** `lockbench run`'s executor: the real backend. */
export const runExecutor: ScenarioExecutor = Object.assign((loaded: LoadedScenario, hooks: RunHooks) => run(loaded, hooks), { check: checkRunnable });

/**
 * Runs (or simulates) the scenario; exit 130 when interrupted, 99 when a gate failed (after everything is written).
 * `execute` is `run` for `lockbench run` and `simulate` for `lockbench simulate`: loading, gates and report files are the same.
 * A scenario with `matrix:` runs each variant in turn and compares them (run-matrix.ts).
 */
export async function runCommand(scenarioArg: string, flags: RunFlags, loadOptions: LoadOptions, execute: ScenarioExecutor = runExecutor): Promise<ExitCode> {
  const scenarioFile = await loadScenarioVariants(resolveScenarioPath(scenarioArg), loadOptions);
  if (scenarioFile.variants.length > 0) return runMatrix(scenarioFile, flags, execute);
  const loaded = scenarioFile.base;
  if (flags.variant?.length) throw new UsageError(`--variant: ${loaded.file} has no variants (a scenario lists them under matrix:)`);
  const gated: LoadedScenario = { ...loaded, scenario: { ...loaded.scenario, thresholds: withCliThresholds(loaded.scenario, flags.threshold) } };
  const formats = parseFormats(flags.format, loaded.scenario.report.formats);
  if (flags.maxRegression !== undefined && flags.baseline === undefined) throw new UsageError('--max-regression needs --baseline <report.json>');
  const tolerance = parseMaxRegression(flags.maxRegression ?? DEFAULT_MAX_REGRESSION);
  // read the baseline before the run: a wrong path should not cost a whole run
  const baseline = flags.baseline === undefined ? undefined : { file: flags.baseline, report: await readReportFile(resolveReportPath(flags.baseline)) };

  const measured = await withInterrupts('stopping: writing the partial report (Ctrl-C again to quit without it)', (signal) =>
    executeWithProgress(gated, signal, flags.quiet === true, execute),
  );
  const report: Report = baseline
    ? { ...measured, baseline: { ...compareReports(baseline.report, measured, { tolerance, baseFile: baseline.file }), file: baseline.file } }
    : measured;

  const written = flags.out ? await writeReportToDir(report, flags.out, formats) : await writeReport(report, { dir: loaded.scenario.report.dir, formats });
  if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatConsoleSummary(report));
  process.stderr.write(`report: ${written.dir}\n`);
  const summaryProblem = await appendStepSummary(formatMarkdownSummary(report));
  if (summaryProblem) process.stderr.write(`lockbench: ${summaryProblem}\n`);
  return exitCodeOf(report);
}
