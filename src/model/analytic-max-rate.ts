/**
 * find-max-rate's analytic companion: the request rate at which the hottest key's wait just meets a
 * latency SLO (`latency.acquire.p99<100ms`), by the formulas instead of simulation.
 */
import type { ThresholdSpec } from '../scenario/types.js';
import type { KeyShares } from './key-shares.js';
import { exponentialWaitQuantile, keyQueue } from './queues.js';
import type { ServiceModel } from './service.js';

/** The analytic estimate, or why there is none. */
export interface AnalyticMaxRate {
  /** requests per second; null when the formulas say nothing about this SLO */
  readonly requestRate: number | null;
  /** the same as a load level: peak arrivals/s (open model) or users (closed); null with requestRate */
  readonly level: number | null;
  /** which formula, or why none applies */
  readonly approximation: string;
}

const SLO_LATENCY = /^latency\.(acquire|acquireService)\.(mean|p50|p90|p95|p99|p999|p9999)$/;
const QUANTILES: Readonly<Record<string, number>> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99, p999: 0.999, p9999: 0.9999 };
/** halvings of the rate bracket: far below any figure worth printing */
const BISECTIONS = 200;

function none(approximation: string): AnalyticMaxRate {
  return { requestRate: null, level: null, approximation };
}

/** The formula for the SLO's statistic, in words. */
function describe(statistic: string, permits: number, withRtt: boolean): string {
  const formula =
    statistic === 'mean'
      ? permits === 1
        ? "the hottest key's M/G/1 mean wait (Pollaczek–Khinchine)"
        : `the hottest key's M/G/${permits} mean wait (Erlang C × (1 + cs²)/2, Lee–Longton)`
      : permits === 1
        ? `the ${statistic} of the hottest key's wait from the M/M/1 tail P(W > t) = ρ·e^{−(μ−λ)t}`
        : `the ${statistic} of the hottest key's wait from the M/M/${permits} tail P(W > t) = C(c,a)·e^{−(cμ−λ)t}`;
  const rtt = withRtt ? ' plus one mean rtt (the acquire’s own round trip)' : '';
  return `${formula}${rtt}; the hottest key waits longest, so with skewed keys (where the SLO over all requests is looser) this errs low`;
}

/**
 * The highest rate at which the hottest key's wait meets `slo` (a `<`/`<=` bound on latency.acquire or
 * latency.acquireService: mean, or p50…p9999). `cycleMs` (closed model: E[think] + E[S]) turns the rate into users.
 */
export function analyticMaxRate(slo: ThresholdSpec, shares: KeyShares, service: ServiceModel, cycleMs?: number): AnalyticMaxRate {
  const match = SLO_LATENCY.exec(slo.metric);
  if (!match || (slo.op !== '<' && slo.op !== '<=')) {
    return none(`no formula for '${slo.metric} ${slo.source}': only an upper bound on latency.acquire or latency.acquireService (mean, p50 … p9999)`);
  }
  const statistic = match[2];
  const share = shares.classes[0]?.share ?? 0;
  const { permits } = service;
  const meanServiceMs = service.service.mean;
  if (!(share > 0 && meanServiceMs > 0)) return none('no key is ever held for any time: the formulas give no wait at any rate');

  const budgetMs = slo.value - (service.rtt?.mean ?? 0);
  const waitAt = (requestsPerSecond: number): number => {
    const arrivalsPerMs = (requestsPerSecond * share) / 1000;
    return statistic === 'mean'
      ? keyQueue(arrivalsPerMs, service.service, permits).waitMs
      : exponentialWaitQuantile(arrivalsPerMs, meanServiceMs, permits, QUANTILES[statistic]);
  };
  // the wait grows with the rate and is unbounded at the hottest key's saturation
  let low = 0;
  let high = (permits * 1000) / (meanServiceMs * share);
  if (budgetMs <= 0) high = 0;
  for (let step = 0; step < BISECTIONS && high > low; step++) {
    const middle = (low + high) / 2;
    if (waitAt(middle) <= budgetMs) low = middle;
    else high = middle;
  }
  return {
    requestRate: low,
    level: cycleMs === undefined ? low : (low * cycleMs) / 1000,
    approximation: describe(statistic, permits, service.rtt !== undefined),
  };
}
