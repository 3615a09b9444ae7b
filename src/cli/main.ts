import { Command, CommanderError, Option } from 'commander';
import { describeFailure, ExitCode, UsageError } from '../errors.js';
import { loadScenarioVariants, parseDuration, type LoadOptions } from '../scenario/index.js';
import { DEFAULT_REPORT_FORMATS, REPORT_FORMATS } from '../scenario/schema.js';
import { toolVersion } from '../version.js';
import { listBuiltinScenarios, resolveScenarioPath } from './builtin-scenarios.js';
import { compareCommand, type CompareFlags } from './compare-command.js';
import { describeScenarioFile } from './describe.js';
import { reportCommand, RERENDER_FORMATS, type ReportFlags } from './report-command.js';
import { DEFAULT_MAX_REGRESSION } from './report-options.js';
import { runCommand, type RunFlags } from './run-command.js';
import { simulateExecutor } from './simulate-command.js';
import { planCommand, type PlanFlags } from './plan-command.js';

interface ScenarioFlags {
  set: string[];
  duration?: string;
  timeScale?: string;
  workers?: string;
}

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

/** Options of the commands that produce a report (run, simulate): where it goes, its gates. */
function withReportOptions(command: Command): Command {
  return command
    .option('--out <dir>', "write the report files into exactly this folder (with matrix: the folder of each variant's folder and matrix.json)")
    .option('--format <list>', `report files to write, comma-separated (${REPORT_FORMATS.join(', ')}); default: the scenario's report.formats, else ${DEFAULT_REPORT_FORMATS.join(',')}`)
    .option('--threshold <gate>', "a gate such as 'latency.acquire.p99<100ms' or 'totals.violations==0,abortOnFail' (repeatable; replaces the scenario's on the same metric); exit 99 when one fails", collect, [])
    .option('--baseline <report.json>', 'compare with an earlier report; exit 99 when acquire p99 or throughput regress beyond --max-regression')
    .option('--max-regression <percent>', `the tolerance of --baseline (default ${DEFAULT_MAX_REGRESSION})`)
    .option('--json', 'print report.json (with matrix: matrix.json) on stdout instead of the summary table')
    .option('--variant <names>', 'with matrix: run only these variants, comma-separated (repeatable); default all', collect, [])
    .addOption(new Option('-q, --quiet', 'no progress line on stderr'));
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

async function validateCommand(scenarioArg: string, flags: ScenarioFlags): Promise<ExitCode> {
  const path = resolveScenarioPath(scenarioArg);
  process.stdout.write(`${describeScenarioFile(path, await loadScenarioVariants(path, loadOptions(flags)))}\n`);
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

  withReportOptions(
    withScenarioOptions(
      program
        .command('run')
        .description('run a scenario against its lock backend and write reports/<name>-<stamp>/')
        .argument('<scenario>', 'a scenario file, or the name of a built-in one (see lockbench scenarios)'),
    ),
  ).action(async (scenario: string, flags: RunFlags & ScenarioFlags) => setExitCode(await runCommand(scenario, flags, loadOptions(flags))));

  withReportOptions(
    withScenarioOptions(
      program
        .command('simulate')
        .description('simulate a scenario in virtual time against a model of its backend (sim: rtt, serviceTime, capacity) and write the same report, mode "simulated"')
        .argument('<scenario>', 'a scenario file, or the name of a built-in one (see lockbench scenarios)'),
    ),
  ).action(async (scenario: string, flags: RunFlags & ScenarioFlags) => setExitCode(await runCommand(scenario, flags, loadOptions(flags), simulateExecutor(flags.quiet === true))));

  withScenarioOptions(
    program
      .command('plan')
      .description('queueing estimates of a scenario without running it: per-key utilisation, saturated keys, M/M/1, M/G/1 and Erlang C waits, contention odds; writes plan.json')
      .argument('<scenario>', 'a scenario file or a built-in name'),
  )
    .option('--rate <n>', "evaluate this request rate (per second) instead of the scenario's")
    .option('--top <n>', 'hot keys to list per rate (default 10)')
    .option('--json', 'print plan.json on stdout instead of the tables')
    .option('--out <dir>', 'write plan.json into exactly this folder')
    .option('--find-max-rate', 'search, on the simulator, the highest rate that meets --slo (bisection)')
    .option('--slo <gate>', "the SLO of --find-max-rate, e.g. 'latency.acquire.p99<100ms'")
    .option('--probes <n>', 'simulations --find-max-rate may run (default 12)')
    .addOption(new Option('-q, --quiet', 'no line per probe on stderr'))
    .action(async (scenario: string, flags: PlanFlags & ScenarioFlags) => setExitCode(await planCommand(scenario, flags, loadOptions(flags))));

  withScenarioOptions(
    program
      .command('validate')
      .description('check a scenario file and say what it would run; exit 2 with file:line:col when it is wrong')
      .argument('<scenario>', 'a scenario file or a built-in name'),
  ).action(async (scenario: string, flags: ScenarioFlags) => setExitCode(await validateCommand(scenario, flags)));

  program
    .command('report')
    .description("re-render a report.json (of a run or a simulation) into other formats, beside it or into --out")
    .argument('<report.json>', "a report written by lockbench (or the run's folder)")
    .option('--format <list>', `files to write, comma-separated (${REPORT_FORMATS.join(', ')}); default ${RERENDER_FORMATS.join(',')}`)
    .option('--out <dir>', "write into this folder instead of the report's own")
    .action(async (file: string, flags: ReportFlags) => setExitCode(await reportCommand(file, flags)));

  program
    .command('compare')
    .description('compare two reports side by side (acquire p50/p99/p99.9, throughput, success, violations); exit 99 when acquire p99 or throughput regressed')
    .argument('<base.json>', 'the report to compare against')
    .argument('<new.json>', 'the report under test')
    .option('--max-regression <percent>', 'how much worse a gated metric may get', DEFAULT_MAX_REGRESSION)
    .option('--json', 'print the comparison as JSON')
    .action(async (base: string, next: string, flags: CompareFlags) => setExitCode(await compareCommand(base, next, flags)));

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
