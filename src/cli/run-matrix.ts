/** `lockbench run|simulate` on a scenario with `matrix:`: each variant in turn, each with its own report, then one comparison. */
import path from 'node:path';
import { ExitCode, UsageError } from '../errors.js';
import { REPORT_FILES, writeReportToDir, type Report } from '../report/index.js';
import { buildMatrixReport, notRunRow, ranRow, type MatrixRow } from '../report/matrix.js';
import { formatConsoleMatrix, formatMarkdownMatrix } from '../report/matrix-summary.js';
import { claimMatrixDir, writeMatrixFiles } from '../report/matrix-write.js';
import type { LoadedScenario, LoadedScenarioFile, ReportFormat, ScenarioVariant } from '../scenario/index.js';
import { didYouMean } from '../scenario/suggest.js';
import { toolVersion } from '../version.js';
import { executeWithProgress, exitCodeOf, withInterrupts } from './execute.js';
import { parseFormats, withCliThresholds } from './report-options.js';
import type { RunFlags, ScenarioExecutor } from './run-command.js';
import { appendStepSummary } from './step-summary.js';

/**
 * Runs the chosen variants one after another into `<report.dir>/<name>-<stamp>/<variant>/` (or `--out`), writes
 * matrix.json and matrix.md beside them and prints the comparison. Ctrl-C stops the running variant (its partial
 * report is kept) and skips the rest. Exit 130 when interrupted, else 99 when a variant's gate failed, else 0.
 */
export async function runMatrix(scenarioFile: LoadedScenarioFile, flags: RunFlags, execute: ScenarioExecutor): Promise<ExitCode> {
  const { base } = scenarioFile;
  if (flags.baseline !== undefined) {
    throw new UsageError(
      `--baseline compares one run with one report, and ${base.scenario.name} runs ${scenarioFile.variants.length} variants: ` +
        'compare a variant with lockbench compare <base report.json> <matrix folder>/<variant>/report.json',
    );
  }
  if (flags.maxRegression !== undefined) throw new UsageError('--max-regression needs --baseline <report.json>');
  // every variant's gates and formats are checked before the first one runs
  const plans: VariantPlan[] = chooseVariants(scenarioFile.variants, flags.variant ?? [], base.file).map((variant) => ({
    variant,
    loaded: { ...variant.loaded, scenario: { ...variant.loaded.scenario, thresholds: withCliThresholds(variant.loaded.scenario, flags.threshold) } },
    formats: parseFormats(flags.format, variant.loaded.scenario.report.formats),
  }));
  for (const plan of plans) execute.check?.(plan.loaded);

  const startedAt = new Date();
  const matrixDir = flags.out ?? (await claimMatrixDir(base.scenario.report.dir, base.scenario.name, startedAt));
  const outcome = await withInterrupts('stopping: writing the partial report of this variant and skipping the rest (Ctrl-C again to quit without it)', (signal) =>
    runVariants(plans, { matrixDir, signal, quiet: flags.quiet === true, execute }),
  );
  const matrix = buildMatrixReport({
    scenario: { name: base.scenario.name, description: base.scenario.description, file: base.file, sha256: base.sha256 },
    mode: outcome.mode,
    toolVersion,
    startedAt,
    endedAt: new Date(),
    interrupted: outcome.interrupted,
    rows: outcome.rows,
  });
  await writeMatrixFiles(matrixDir, matrix);
  process.stdout.write(flags.json ? `${JSON.stringify(matrix, null, 2)}\n` : formatConsoleMatrix(matrix));
  process.stderr.write(`report: ${matrixDir}\n`);
  const summaryProblem = await appendStepSummary(formatMarkdownMatrix(matrix));
  if (summaryProblem) process.stderr.write(`lockbench: ${summaryProblem}\n`);
  if (outcome.interrupted) return ExitCode.interrupted;
  return outcome.exitCodes.includes(ExitCode.gateFailed) ? ExitCode.gateFailed : ExitCode.ok;
}

/** A variant ready to run: its scenario with the command line's thresholds, and the files to write. */
interface VariantPlan {
  readonly variant: ScenarioVariant;
  readonly loaded: LoadedScenario;
  readonly formats: readonly ReportFormat[];
}

/** Runs the variants in order, each report into `<matrixDir>/<variant>/`; once `signal` aborts, the rest are rows that did not run. */
async function runVariants(
  plans: readonly VariantPlan[],
  context: { readonly matrixDir: string; readonly signal: AbortSignal; readonly quiet: boolean; readonly execute: ScenarioExecutor },
): Promise<{ rows: MatrixRow[]; exitCodes: ExitCode[]; mode: Report['mode']; interrupted: boolean }> {
  const { matrixDir, signal, quiet, execute } = context;
  const rows: MatrixRow[] = [];
  const exitCodes: ExitCode[] = [];
  let mode: Report['mode'] = 'run';
  for (const [index, plan] of plans.entries()) {
    if (signal.aborted) {
      rows.push(notRunRow(plan.variant));
      continue;
    }
    if (!quiet) process.stderr.write(`variant ${index + 1}/${plans.length}: ${plan.variant.name}\n`);
    const report = await executeWithProgress(plan.loaded, signal, quiet, execute);
    const written = await writeReportToDir(report, path.join(matrixDir, plan.variant.name), plan.formats);
    const reportFile = written.files.some((file) => path.basename(file) === REPORT_FILES.json) ? `${plan.variant.name}/${REPORT_FILES.json}` : null;
    rows.push(ranRow(plan.variant, report, { dir: plan.variant.name, reportFile }));
    exitCodes.push(exitCodeOf(report));
    mode = report.mode;
  }
  return { rows, exitCodes, mode, interrupted: signal.aborted };
}

/** The variants `--variant` names (each flag a name or a comma-separated list), in file order; all when none is named. */
function chooseVariants(variants: readonly ScenarioVariant[], requested: readonly string[], file: string): ScenarioVariant[] {
  const names = requested.flatMap((text) => text.split(',')).map((name) => name.trim());
  if (names.length === 0) return [...variants];
  const known = variants.map((variant) => variant.name);
  for (const name of names) {
    if (!known.includes(name)) {
      throw new UsageError(`--variant ${name || "''"}: ${file} has no such variant${didYouMean(name, known)} (variants: ${known.join(', ')})`);
    }
  }
  return variants.filter((variant) => names.includes(variant.name));
}
