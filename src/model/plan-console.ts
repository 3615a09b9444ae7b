/** The console summary of a plan: plain cli-table3 tables like the run summary's, then the figures' caveats. */
import { renderConsoleTable } from '../report/console.js';
import { formatCount, formatMs, formatNumber, formatPercent, formatRate } from '../report/index.js';
import type { KeyPickSpec } from '../scenario/types.js';
import type { Plan, PlanMaxRate, PlannedEvaluation, PlannedKey } from './plan.js';

/** A duration that may be unbounded (a saturated key). */
function formatWait(ms: number): string {
  return Number.isFinite(ms) ? formatMs(ms) : '∞';
}

function formatFigure(value: number): string {
  return Number.isFinite(value) ? formatNumber(value) : '∞';
}

function render(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return renderConsoleTable({ head, rows });
}

function describePick(pick: KeyPickSpec): string {
  switch (pick.type) {
    case 'uniform':
      return 'uniform';
    case 'zipf':
      return `zipf s=${pick.s}`;
    case 'hotspot':
      return `hotspot: ${formatPercent(pick.hotTraffic)} of picks on ${formatPercent(pick.hotKeys)} of the ids`;
  }
}

function keyName(key: PlannedKey): string {
  return key.lastKey === undefined ? key.key : `${key.key} … ${key.lastKey}`;
}

function hotKeyTable(evaluation: PlannedEvaluation, permits: number): string {
  const queue = permits === 1 ? ['Wq M/M/1', 'Wq M/G/1'] : [`Wq M/M/${permits}`, `Wq M/G/${permits} ≈`];
  return render(
    ['key', 'keys', 'share', 'λ per key', 'ρ', 'P(wait)', ...queue, 'Lq'],
    evaluation.hotKeys.map((key) => [
      keyName(key),
      formatCount(key.count),
      formatPercent(key.share),
      formatRate(key.arrivalRate),
      formatNumber(key.queue.utilization),
      formatPercent(key.queue.waitProbability),
      formatWait(key.queue.exponentialWaitMs),
      formatWait(key.queue.waitMs),
      formatFigure(key.queue.waiting),
    ]),
  );
}

function evaluationLines(plan: Plan, evaluation: PlannedEvaluation): string[] {
  const { contention } = evaluation;
  const collision = contention.collision;
  const how = collision.method === 'exact' ? `birthday, exact over ${formatCount(collision.keys)} equally likely keys` : `pairs: q = ${formatPercent(collision.pairCollision, 4)} per pair`;
  const lines = [
    `saturated (ρ ≥ 1): ${formatCount(evaluation.saturatedKeys)} of ${formatCount(plan.inputs.keys.count)} keys`,
    `all keys: P(wait) ${formatPercent(evaluation.waitProbability)} per acquisition, mean wait ${formatWait(evaluation.meanWaitMs)}, ` +
      `waiting at once Σ Lq = ${formatFigure(evaluation.waiting)} (Little: Lq = λ·Wq per key)`,
    `contention: n = λ·E[S] = ${formatNumber(contention.concurrentRequests)} requests at once; ` +
      `P(one of them wants the hottest key) = 1 − (1 − ${formatPercent(contention.hottestKey.share)})^n = ${formatPercent(contention.hottestKey.probability)}; ` +
      `P(two of ${formatCount(collision.requests)} share a key) = ${formatPercent(collision.probability)} (${how})`,
  ];
  if (evaluation.serverUtilization !== undefined) lines.push(`server: ${formatPercent(evaluation.serverUtilization)} of sim.capacity (an acquire and a release per key)`);
  return lines;
}

function phasesTable(phases: readonly PlannedEvaluation[]): string {
  return render(
    ['phase', 'λ (mean)', 'hottest ρ', 'saturated keys', 'hottest Wq', 'mean wait', 'Σ Lq'],
    phases.map((phase) => [
      phase.name,
      formatRate(phase.requestRate),
      formatNumber(phase.hotKeys[0]?.queue.utilization ?? 0),
      formatCount(phase.saturatedKeys),
      formatWait(phase.hotKeys[0]?.queue.waitMs ?? 0),
      formatWait(phase.meanWaitMs),
      formatFigure(phase.waiting),
    ]),
  );
}

function formatLevel(level: number | null, unit: PlanMaxRate['levelUnit']): string {
  if (level === null) return 'none';
  return unit === 'users' ? `${formatCount(level)} users` : formatRate(level);
}

function maxRateLines(search: PlanMaxRate): string[] {
  const { simulated, analytic, levelUnit } = search;
  const found =
    simulated.highestPassing === null
      ? `no probed level met it (lowest tried: ${formatLevel(simulated.lowestFailing, levelUnit)})`
      : `${formatLevel(simulated.highestPassing, levelUnit)} meets it; ` +
        (simulated.lowestFailing === null ? 'no probed level failed' : `${formatLevel(simulated.lowestFailing, levelUnit)} does not`);
  const probes = render(
    [levelUnit === 'users' ? 'users' : 'peak rate', 'throughput', 'SLO metric', 'meets SLO'],
    simulated.probes.map((probe) => [
      formatLevel(probe.level, levelUnit),
      formatRate(probe.throughput),
      probe.actual === null ? 'n/a' : formatNumber(probe.actual),
      probe.pass ? 'yes' : 'no',
    ]),
  );
  const estimate =
    analytic.level === null ? `analytic: n/a (${analytic.approximation})` : `analytic: ${formatLevel(analytic.level, levelUnit)}: ${analytic.approximation}`;
  return [`find-max-rate ${search.slo}: simulated ${simulated.probes.length} probes: ${found}`, probes, estimate];
}

/** The plan as console text (the CLI prints it). */
export function formatPlanConsole(plan: Plan): string {
  const { inputs, peak } = plan;
  const service = inputs.service;
  const permits = inputs.permits === 1 ? 'mutex (1 permit)' : `semaphore of ${inputs.permits} permits per key`;
  const blocks = [
    [
      `lockbench plan: ${plan.scenario.name} (${plan.scenario.file}): queueing formulas, nothing run`,
      `λ = ${formatRate(inputs.arrivalRate.requestsPerSecond)}: ${inputs.arrivalRate.basis}${inputs.arrivalRate.upperBound ? ' (an upper bound)' : ''}`,
      `S = ${service.madeOf}`,
      `  E[S] ${formatMs(service.meanMs)}, E[S²] = (${formatMs(Math.sqrt(service.secondMomentMs2))})², cs² ${formatNumber(service.squaredCv)}; ${permits}; ${inputs.discipline}`,
      `keys: ${formatCount(inputs.keys.count)} lockable, ${describePick(inputs.keys.pick)}, ${inputs.keys.keysPerRequest} per request`,
    ].join('\n'),
    `hot keys at ${formatRate(peak.requestRate)} (top ${peak.hotKeys.length}):\n${hotKeyTable(peak, inputs.permits)}`,
    evaluationLines(plan, peak).join('\n'),
  ];
  if (plan.phases && plan.phases.length > 0) blocks.push(`phases, each at its mean rate:\n${phasesTable(plan.phases)}`);
  if (plan.findMaxRate) blocks.push(maxRateLines(plan.findMaxRate).join('\n'));
  if (plan.notes.length > 0) blocks.push(['notes:', ...plan.notes.map((note) => `  - ${note}`)].join('\n'));
  return `${blocks.join('\n\n')}\n`;
}
