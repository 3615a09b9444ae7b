/** `lockbench plan`: analytic estimates of a scenario (nothing runs), and with --find-max-rate a search on the simulator. */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, UsageError } from '../errors.js';
import {
  analyticMaxRate,
  atLoadLevel,
  buildPlan,
  closedCycleMs,
  formatPlanConsole,
  loadLevel,
  planModel,
  searchMaxLevel,
  type LevelProbe,
  type Plan,
  type PlanMaxRate,
} from '../model/index.js';
import { claimFolder, evaluateThresholds, formatNumber, safeFileName, utcStamp, writeAtomically } from '../report/index.js';
import { loadScenarioFile, type LoadOptions } from '../scenario/index.js';
import { parseThresholdArgument } from '../scenario/thresholds.js';
import type { LoadedScenario, ThresholdSpec } from '../scenario/types.js';
import { simulate } from '../sim/index.js';
import { toolVersion } from '../version.js';
import { phaseWindows } from '../workload/timeline.js';
import { resolveScenarioPath } from './builtin-scenarios.js';

/** The flags of `lockbench plan` beyond the scenario options. */
export interface PlanFlags {
  /** evaluate this request rate (per second) instead of the scenario's */
  rate?: string;
  /** hot-key rows per rate @default 10 */
  top?: string;
  json?: boolean;
  out?: string;
  findMaxRate?: boolean;
  /** the SLO of --find-max-rate, threshold syntax: latency.acquire.p99<100ms */
  slo?: string;
  /** simulations --find-max-rate may run @default 12 */
  probes?: string;
  quiet?: boolean;
}

const DEFAULT_TOP = 10;
const DEFAULT_PROBES = 12;

function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} ${text}: a number > 0 is allowed`);
  return value;
}

function wholeNumber(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`${flag} ${text}: a whole number ≥ 1 is allowed`);
  return value;
}

/** The SLO of --find-max-rate, as written and parsed; undefined without --find-max-rate. */
function parseSlo(flags: PlanFlags, loaded: LoadedScenario): { text: string; spec: ThresholdSpec } | undefined {
  if (flags.slo !== undefined && !flags.findMaxRate) throw new UsageError('--slo goes with --find-max-rate');
  if (!flags.findMaxRate) return undefined;
  if (flags.slo === undefined) throw new UsageError("--find-max-rate needs --slo, e.g. --slo 'latency.acquire.p99<100ms'");
  if (flags.rate !== undefined) throw new UsageError('--find-max-rate searches the rate itself: leave out --rate');
  try {
    return { text: flags.slo, spec: parseThresholdArgument(flags.slo, phaseWindows(loaded.scenario).map((window) => window.name)) };
  } catch (error) {
    throw new UsageError(`--slo '${flags.slo}': ${(error as Error).message}`);
  }
}

/** Plans the scenario, prints the plan (table or --json) and writes plan.json; exit 2 when the input is wrong, 99 when --find-max-rate found no rate that meets the SLO. */
export async function planCommand(scenarioArg: string, flags: PlanFlags, loadOptions: LoadOptions): Promise<ExitCode> {
  const loaded = await loadScenarioFile(resolveScenarioPath(scenarioArg), loadOptions);
  const rate = flags.rate === undefined ? undefined : positiveNumber('--rate', flags.rate);
  const top = wholeNumber('--top', flags.top, DEFAULT_TOP);
  const maxProbes = wholeNumber('--probes', flags.probes, DEFAULT_PROBES);
  const slo = parseSlo(flags, loaded);
  const now = new Date();

  const plan = buildPlan(loaded, { rate, top, createdAt: now.toISOString(), toolVersion });
  const planned: Plan = slo ? { ...plan, findMaxRate: await findMaxRate(loaded, slo, maxProbes, flags.quiet === true) } : plan;

  const file = await writePlan(planned, flags.out, loaded.scenario.report.dir, now);
  process.stdout.write(flags.json ? `${JSON.stringify(planned, null, 2)}\n` : formatPlanConsole(planned));
  process.stderr.write(`plan: ${file}\n`);
  if (planned.findMaxRate && planned.findMaxRate.simulated.highestPassing === null) {
    process.stderr.write(`lockbench: no simulated rate met ${planned.findMaxRate.slo} (the lowest probed missed it too)\n`);
    return ExitCode.gateFailed;
  }
  return ExitCode.ok;
}

/** Bisection on the simulator for the highest load level that meets the SLO, with the analytic estimate beside it. */
async function findMaxRate(
  loaded: LoadedScenario,
  { text, spec: slo }: { text: string; spec: ThresholdSpec },
  maxProbes: number,
  quiet: boolean,
): Promise<PlanMaxRate> {
  const scenario = loaded.scenario;
  const start = loadLevel(scenario);
  if (!(start > 0)) throw new UsageError('--find-max-rate scales the schedule, but its peak rate is 0');
  const closed = scenario.load.model === 'closed';
  const probe = async (level: number): Promise<Omit<LevelProbe, 'level'>> => {
    // the SLO is the probe's only gate: an abortOnFail counter gate may end a hopeless probe early
    const probed: LoadedScenario = { ...loaded, scenario: { ...atLoadLevel(scenario, level), thresholds: [slo] } };
    const report = await simulate(probed, {});
    const [verdict] = evaluateThresholds(report, [slo]);
    return { pass: verdict.pass, actual: verdict.actual, throughput: report.rates.throughput };
  };
  const unit = closed ? 'users' : 'arrivals/s';
  const simulated = await searchMaxLevel(probe, {
    start,
    integer: closed,
    maxProbes,
    onProbe: (result, index) => {
      if (quiet) return;
      const actual = result.actual === null ? 'n/a' : formatNumber(result.actual);
      process.stderr.write(`probe ${index + 1}/${maxProbes}: ${formatNumber(result.level)} ${unit} → ${slo.metric} = ${actual} (${result.pass ? 'meets' : 'misses'} ${slo.source})\n`);
    },
  });
  const { shares, service } = planModel(scenario);
  return {
    slo: text,
    levelUnit: unit,
    simulated,
    analytic: analyticMaxRate(slo, shares, service, closedCycleMs(scenario, service)),
  };
}

/** Writes plan.json into `out` (--out), else into a fresh `<report.dir>/<name>-plan-<UTC stamp>/`; returns its path. */
async function writePlan(plan: Plan, out: string | undefined, reportDir: string, now: Date): Promise<string> {
  let folder = out;
  if (folder === undefined) {
    await mkdir(reportDir, { recursive: true });
    folder = await claimFolder(path.join(reportDir, `${safeFileName(plan.scenario.name)}-plan-${utcStamp(now)}`));
  } else await mkdir(folder, { recursive: true });
  const file = path.join(folder, 'plan.json');
  await writeAtomically(file, `${JSON.stringify(plan, null, 2)}\n`);
  return file;
}
