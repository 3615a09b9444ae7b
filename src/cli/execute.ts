/** Running a scenario from the CLI: Ctrl-C wired to the run's stop signal, and the progress line on stderr. */
import { ExitCode } from '../errors.js';
import { failedThresholds, type Report } from '../report/index.js';
import type { LoadedScenario } from '../scenario/types.js';
import { progressPrinter } from './progress.js';
import type { ScenarioExecutor } from './run-command.js';

/**
 * Runs `work` with Ctrl-C aborting its signal: the first stops what is running (what was measured is kept,
 * `notice` says so on stderr), a second quits at once with exit 130 and no report.
 */
export async function withInterrupts<T>(notice: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    if (++interrupts > 1) process.exit(ExitCode.interrupted);
    process.stderr.write(`\n${notice}\n`);
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(stop.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Executes one scenario until done or `signal`, with the progress line on stderr unless `quiet`. */
export async function executeWithProgress(loaded: LoadedScenario, signal: AbortSignal, quiet: boolean, execute: ScenarioExecutor): Promise<Report> {
  const progress = quiet ? undefined : progressPrinter(process.stderr);
  try {
    return await execute(loaded, { signal, onProgress: progress?.update });
  } finally {
    progress?.done();
  }
}

/** 130 for Ctrl-C; 99 when an abortOnFail threshold stopped the run, a threshold failed or the baseline regressed. */
export function exitCodeOf(report: Report): ExitCode {
  if (report.interrupted && !report.abortedBy) return ExitCode.interrupted;
  if (report.abortedBy || failedThresholds(report).length > 0 || report.baseline?.regressed) return ExitCode.gateFailed;
  return ExitCode.ok;
}
