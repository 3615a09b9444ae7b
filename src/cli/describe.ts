import type { DistributionSpec, ResolvedScenario } from '../scenario/types.js';
import { formatDuration, type LoadedScenarioFile } from '../scenario/index.js';
import { formatCount, formatMs } from '../report/index.js';
import { formatVariantSet } from '../report/matrix-summary.js';
import { distributionMean, expectedArrivals, scheduleDurationMs } from '../workload/index.js';

/** A distribution in a few words: its type and mean. */
function describeDistribution(spec: DistributionSpec): string {
  return spec.type === 'constant' ? formatMs(spec.value) : `${spec.type}, mean ${formatMs(distributionMean(spec))}`;
}

/** What the scenario protects and breaks: its resource, its keys per request, its faults. */
function safetyLines(scenario: ResolvedScenario): string[] {
  const lines: string[] = [];
  const { resource, lock } = scenario;
  if (lock.keys) {
    lines.push(
      lock.keys.type === 'count'
        ? `  ${lock.keys.count} keys per request, in ascending id order, all or nothing`
        : `  hierarchy ${lock.keys.levels.map((level) => `${level.name} (${formatCount(level.count)})`).join(' → ')}, locked top down`,
    );
  }
  if (resource) {
    const what =
      resource.type === 'inventory'
        ? ` (stock ${formatCount(resource.stock)} per key)`
        : resource.type === 'wallet'
          ? ` (balance ${formatCount(resource.balance)}, debits ${resource.debit.min}–${resource.debit.max})`
          : '';
    lines.push(`  protected ${resource.type}${what} in ${resource.store.type}${resource.fencing ? ', fenced' : ''}`);
  }
  if (scenario.sim) {
    const { rtt, serviceTime, capacity, discipline } = scenario.sim;
    const parts = [
      rtt && `rtt ${describeDistribution(rtt)}`,
      serviceTime && `service ${describeDistribution(serviceTime)}`,
      capacity !== undefined && `capacity ${formatCount(capacity)} ops/s`,
      discipline,
    ].filter(Boolean);
    lines.push(`  sim (for lockbench simulate): ${parts.join(', ')}`);
  }
  if (lock.permits > 1) lines.push(`  ${lock.permits} permits per key (a semaphore: lockbench simulate and plan only)`);
  for (const fault of scenario.faults ?? []) {
    lines.push(`  fault ${fault.type} at ${formatDuration(fault.atMs)} for ${formatDuration(fault.durationMs)} on ${Math.round(fault.fraction * 100)}%`);
  }
  return lines;
}

/** A few lines saying what a valid scenario will do (for `lockbench validate`). */
export function describeScenario(file: string, scenario: ResolvedScenario): string {
  const { load } = scenario;
  const loadLine =
    load.model === 'open'
      ? `open model: ${load.phases.length} phase${load.phases.length === 1 ? '' : 's'} over ${formatDuration(scheduleDurationMs(load.phases))}, ` +
        `${formatCount(Math.round(expectedArrivals(load.phases)))} arrivals expected (${load.phases.map((p) => `${p.name} ${formatDuration(p.durationMs)} @ ${p.rate === p.rampTo ? p.rate : `${p.rate}→${p.rampTo}`}/s ${p.arrival}`).join(', ')})`
      : `closed model: ${formatCount(load.users)} users for ${formatDuration(load.durationMs)}, think time mean ${formatDuration(distributionMean(load.thinkTime))}`;
  return [
    `${file}: ok — ${scenario.name}${scenario.description ? `: ${scenario.description}` : ''}`,
    `  ${loadLine}`,
    `  ${formatCount(scenario.resources.count)} keys (${scenario.resources.key}, ${scenario.resources.pick.type}); hold mean ${formatDuration(distributionMean(scenario.hold))}; ` +
      `lock ${scenario.lock.mode}, ttl ${formatDuration(scenario.lock.ttlMs)}, acquireTimeout ${formatDuration(scenario.lock.acquireTimeoutMs)}, retry ${scenario.lock.retry.strategy}`,
    ...safetyLines(scenario),
    `  backend ${scenario.backend.type}; ${scenario.workers} worker thread${scenario.workers === 1 ? '' : 's'}; timeScale ${scenario.timeScale}` +
      (scenario.thresholds.length ? `; ${scenario.thresholds.length} threshold${scenario.thresholds.length === 1 ? '' : 's'}` : ''),
  ].join('\n');
}

/** What `lockbench validate` prints for a file: the scenario, then each `matrix:` variant (all checked) and what it sets. */
export function describeScenarioFile(file: string, scenarioFile: LoadedScenarioFile): string {
  const { base, variants } = scenarioFile;
  if (variants.length === 0) return describeScenario(file, base.scenario);
  const width = Math.max(...variants.map((variant) => variant.name.length));
  return [
    describeScenario(file, base.scenario),
    `  matrix: ${variants.length} variant${variants.length === 1 ? '' : 's'}, run one after another and compared (reports named ${base.scenario.name}.<variant>)`,
    ...variants.map((variant) => `    ${variant.name.padEnd(width)}  ${formatVariantSet(variant.set)}${variant.description ? ` — ${variant.description}` : ''}`),
  ].join('\n');
}
