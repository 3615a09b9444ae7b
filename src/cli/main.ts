import { Command, CommanderError, Option } from 'commander';
import { describeFailure, ExitCode, UsageError } from '../errors.js';
import { failedThresholds, formatConsoleSummary, writeReport, writeReportToDir } from '../report/index.js';
import { run } from '../run.js';
import { loadScenarioFile, parseDuration, type LoadOptions } from '../scenario/index.js';
import type { ReportFormat } from '../scenario/types.js';
import { toolVersion } from '../version.js';
import { listBuiltinScenarios, resolveScenarioPath } from './builtin-scenarios.js';
import { describeScenario } from './describe.js';
import { progressPrinter } from './progress.js';

interface ScenarioFlags {
  set: string[];
  duration?: string;
  timeScale?: string;
  workers?: string;
}

interface RunFlags extends ScenarioFlags {
  out?: string;
  format?: string;
  json?: boolean;
  quiet?: boolean;
}

const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'md'];

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Options shared by run and validate. */
function withScenarioOptions(command: Command): Command {
  return command
    .option('--set <path=value>', 'override a scenario field, e.g. --set phases.0.rate=500 (repeatable)', collect, [])
    .option('--duration <duration>', 'run length, e.g. 10s (open model: cut or extend the schedule)')
    .option('--time-scale <factor>', 'multiply every duration of the file, e.g. 0.01 for a quick run')
    .option('--workers <n>', 'worker threads (default: the scenario, else available cores)');
}

function loadOptions(flags: ScenarioFlags): LoadOptions {
  const set = [...flags.set];
  if (flags.workers !== undefined) set.push(`workers=${flags.workers}`);
  const options: { set: string[]; durationMs?: number; timeScale?: number } = { set };
  if (flags.duration !== undefined) {
    try {
      options.durationMs = parseDuration(flags.duration);
    } catch (error) {
      throw new UsageError(`--duration ${flags.duration}: ${(error as Error).message}`);
    }
    if (!(options.durationMs > 0)) throw new UsageError(`--duration ${flags.duration}: must be more than 0`);
  }
  if (flags.timeScale !== undefined) {
    const factor = Number(flags.timeScale);
    if (!Number.isFinite(factor) || factor <= 0) throw new UsageError(`--time-scale ${flags.timeScale}: a number > 0 is allowed, e.g. 0.01`);
    options.timeScale = factor;
  }
  return options;
}

function parseFormats(list: string | undefined, fallback: readonly ReportFormat[]): readonly ReportFormat[] {
  if (list === undefined) return fallback;
  const formats = list.split(',').map((format) => format.trim()).filter(Boolean);
  for (const format of formats) {
    if (!REPORT_FORMATS.includes(format as ReportFormat)) throw new UsageError(`--format ${list}: '${format}' is not a format (allowed: ${REPORT_FORMATS.join(', ')})`);
  }
  return formats as ReportFormat[];
}

async function runCommand(scenarioArg: string, flags: RunFlags): Promise<ExitCode> {
  const loaded = await loadScenarioFile(resolveScenarioPath(scenarioArg), loadOptions(flags));
  const formats = parseFormats(flags.format, loaded.scenario.report.formats);
  const stop = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    if (++interrupts > 1) process.exit(ExitCode.interrupted);
    process.stderr.write('\nstopping: writing the partial report (Ctrl-C again to quit without it)\n');
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  const progress = flags.quiet ? undefined : progressPrinter(process.stderr);
  let report;
  try {
    report = await run(loaded, { signal: stop.signal, onProgress: progress?.update });
  } finally {
    progress?.done();
    process.off('SIGINT', onSigint);
  }
  const written = flags.out ? await writeReportToDir(report, flags.out, formats) : await writeReport(report, { dir: loaded.scenario.report.dir, formats });
  if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatConsoleSummary(report));
  process.stderr.write(`report: ${written.dir}\n`);
  if (report.interrupted) return ExitCode.interrupted;
  if (failedThresholds(report).length > 0) return ExitCode.gateFailed;
  return ExitCode.ok;
}

async function validateCommand(scenarioArg: string, flags: ScenarioFlags): Promise<ExitCode> {
  const path = resolveScenarioPath(scenarioArg);
  const loaded = await loadScenarioFile(path, loadOptions(flags));
  process.stdout.write(`${describeScenario(path, loaded.scenario)}\n`);
  return ExitCode.ok;
}

function scenariosCommand(): ExitCode {
  const scenarios = listBuiltinScenarios();
  const width = Math.max(...scenarios.map((scenario) => scenario.id.length), 4);
  for (const scenario of scenarios) process.stdout.write(`${scenario.id.padEnd(width)}  ${scenario.description}\n`);
  return ExitCode.ok;
}

function buildProgram(setExitCode: (code: ExitCode) => void): Command {
  const program = new Command('lockbench')
    .description('Load-test and simulate distributed locks: open-model load, HDR latency, mutual-exclusion checks')
    .version(toolVersion)
    .showHelpAfterError('(run lockbench --help for usage)')
    .exitOverride();

  withScenarioOptions(
    program
      .command('run')
      .description('run a scenario against its lock backend and write reports/<name>-<stamp>/')
      .argument('<scenario>', 'a scenario file, or the name of a built-in one (see lockbench scenarios)'),
  )
    .option('--out <dir>', 'write the report files into exactly this folder')
    .option('--format <list>', `report files to write, comma-separated (${REPORT_FORMATS.join(', ')}); default: the scenario's report.formats`)
    .option('--json', 'print report.json on stdout instead of the summary table')
    .addOption(new Option('-q, --quiet', 'no progress line on stderr'))
    .action(async (scenario: string, flags: RunFlags) => setExitCode(await runCommand(scenario, flags)));

  withScenarioOptions(
    program
      .command('validate')
      .description('check a scenario file and say what it would run; exit 2 with file:line:col when it is wrong')
      .argument('<scenario>', 'a scenario file or a built-in name'),
  ).action(async (scenario: string, flags: ScenarioFlags) => setExitCode(await validateCommand(scenario, flags)));

  program
    .command('scenarios')
    .description('list the built-in scenarios, a line each')
    .action(() => setExitCode(scenariosCommand()));
  return program;
}

async function main(argv: string[]): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.ok;
  const program = buildProgram((code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander printed its own message (or the help / version)
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const failure = describeFailure(error);
    process.stderr.write(`lockbench: ${failure.message}\n`);
    return failure.exitCode;
  }
}

process.exitCode = await main(process.argv);
