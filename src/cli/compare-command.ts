/** `lockbench compare <base.json> <new.json>`: side by side, with deltas; exit 99 when a gated metric regressed. */
import { ExitCode } from '../errors.js';
import { compareReports, formatConsoleComparison, formatMarkdownComparison, readReportFile, resolveReportPath } from '../report/index.js';
import { DEFAULT_MAX_REGRESSION, parseMaxRegression } from './report-options.js';
import { appendStepSummary } from './step-summary.js';

/** The flags of `lockbench compare`. */
export interface CompareFlags {
  maxRegression: string;
  json?: boolean;
}

/** Prints the comparison (table or JSON); 99 when acquire p99 or throughput regressed beyond the tolerance. */
export async function compareCommand(baseFile: string, nextFile: string, flags: CompareFlags): Promise<ExitCode> {
  const tolerance = parseMaxRegression(flags.maxRegression ?? DEFAULT_MAX_REGRESSION);
  const [base, next] = await Promise.all([readReportFile(resolveReportPath(baseFile)), readReportFile(resolveReportPath(nextFile))]);
  const comparison = compareReports(base, next, { tolerance, baseFile, nextFile });
  process.stdout.write(flags.json ? `${JSON.stringify(comparison, null, 2)}\n` : formatConsoleComparison(comparison));
  const summaryProblem = await appendStepSummary(formatMarkdownComparison(comparison));
  if (summaryProblem) process.stderr.write(`lockbench: ${summaryProblem}\n`);
  return comparison.regressed ? ExitCode.gateFailed : ExitCode.ok;
}
