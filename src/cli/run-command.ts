/** `lockbench run`: run, write the report, print the summary, gate (thresholds, baseline) and pick the exit code. */
import { ExitCode, UsageError } from '../errors.js';
import {
  compareReports,
  failedThresholds,
  formatConsoleSummary,
  formatMarkdownSummary,
  readReportFile,
  resolveReportPath,
  writeReport,
  writeReportToDir,
  type Report,
} from '../report/index.js';
import type { RunHooks } from '../driver/coordinator.js';
import { run } from '../run.js';
import { loadScenarioFile, type LoadOptions } from '../scenario/index.js';
import type { LoadedScenario } from '../scenario/types.js';
import { resolveScenarioPath } from './builtin-scenarios.js';
import { progressPrinter } from './progress.js';
import { DEFAULT_MAX_REGRESSION, parseFormats, parseMaxRegression, withCliThresholds } from './report-options.js';
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
}

/** What produces a report from a loaded scenario: `run` (real backend) or `simulate` (virtual time). */
export type ScenarioExecutor = (loaded: LoadedScenario, hooks: RunHooks) => Promise<Report>;

/**
 * Runs (or simulates) the scenario; exit 130 when interrupted, 99 when a gate failed (after everything is written).
 * `execute` is `run` for `lockbench run` and `simulate` for `lockbench simulate`: loading, gates and report files are the same.
 */
export async function runCommand(scenarioArg: string, flags: RunFlags, loadOptions: LoadOptions, execute: ScenarioExecutor = run): Promise<ExitCode> {
  const loaded = await loadScenarioFile(resolveScenarioPath(scenarioArg), loadOptions);
  const gated: LoadedScenario = { ...loaded, scenario: { ...loaded.scenario, thresholds: withCliThresholds(loaded.scenario, flags.threshold) } };
  const formats = parseFormats(flags.format, loaded.scenario.report.formats);
  if (flags.maxRegression !== undefined && flags.baseline === undefined) throw new UsageError('--max-regression needs --baseline <report.json>');
  const tolerance = parseMaxRegression(flags.maxRegression ?? DEFAULT_MAX_REGRESSION);
  // read the baseline before the run: a wrong path should not cost a whole run
  const baseline = flags.baseline === undefined ? undefined : { file: flags.baseline, report: await readReportFile(resolveReportPath(flags.baseline)) };

  const measured = await runWithInterrupts(gated, flags.quiet === true, execute);
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

/** Ctrl-C stops the run and keeps what was measured; a second Ctrl-C quits without a report. */
async function runWithInterrupts(loaded: LoadedScenario, quiet: boolean, execute: ScenarioExecutor): Promise<Report> {
  const stop = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    if (++interrupts > 1) process.exit(ExitCode.interrupted);
    process.stderr.write('\nstopping: writing the partial report (Ctrl-C again to quit without it)\n');
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  const progress = quiet ? undefined : progressPrinter(process.stderr);
  try {
    return await execute(loaded, { signal: stop.signal, onProgress: progress?.update });
  } finally {
    progress?.done();
    process.off('SIGINT', onSigint);
  }
}

/** 130 for Ctrl-C; 99 when an abortOnFail threshold stopped the run, a threshold failed or the baseline regressed. */
export function exitCodeOf(report: Report): ExitCode {
  if (report.interrupted && !report.abortedBy) return ExitCode.interrupted;
  if (report.abortedBy || failedThresholds(report).length > 0 || report.baseline?.regressed) return ExitCode.gateFailed;
  return ExitCode.ok;
}
