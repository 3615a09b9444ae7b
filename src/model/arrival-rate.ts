/** The request rates a plan is evaluated at: the schedule's peak and each phase's mean, or the closed model's estimate. */
import type { ResolvedScenario } from '../scenario/types.js';
import { distributionMean } from '../workload/index.js';

/** One rate to evaluate, in requests per second. */
export interface PlannedRate {
  /** the phase's name, 'peak', 'closed' or 'given' */
  readonly name: string;
  readonly requestsPerSecond: number;
  /** how the rate was found, in words */
  readonly basis: string;
}

/** The rates of a plan: one headline rate (the peak) and one per phase. */
export interface PlannedRates {
  readonly peak: PlannedRate;
  readonly phases: readonly PlannedRate[];
  /** the closed model's rate ignores waiting, so the real one is lower */
  readonly upperBound: boolean;
}

/** The schedule's highest rate: max over phases of rate and rampTo (0 for a closed model). */
export function peakRate(scenario: ResolvedScenario): number {
  if (scenario.load.model === 'closed') return 0;
  return scenario.load.phases.reduce((peak, phase) => Math.max(peak, phase.rate, phase.rampTo), 0);
}

/**
 * The open model's peak and per-phase mean rates; the closed model's λ ≈ users / (E[think] + E[S]);
 * or just `givenRate` (requests/s) when the caller names one. `meanServiceMs` is E[S].
 */
export function plannedRates(scenario: ResolvedScenario, meanServiceMs: number, givenRate?: number): PlannedRates {
  if (givenRate !== undefined) {
    const given = { name: 'given', requestsPerSecond: givenRate, basis: 'given with --rate' };
    return { peak: given, phases: [given], upperBound: false };
  }
  const load = scenario.load;
  if (load.model === 'closed') {
    const cycleMs = distributionMean(load.thinkTime) + meanServiceMs;
    const closed = {
      name: 'closed',
      requestsPerSecond: cycleMs > 0 ? (load.users * 1000) / cycleMs : Infinity,
      basis: `closed model: users / (E[think] + E[S]) = ${load.users} / ${cycleMs.toPrecision(4)}ms`,
    };
    return { peak: closed, phases: [closed], upperBound: true };
  }
  const peak = peakRate(scenario);
  const peakPhase = load.phases.find((phase) => Math.max(phase.rate, phase.rampTo) === peak);
  return {
    peak: { name: 'peak', requestsPerSecond: peak, basis: `the schedule's peak${peakPhase ? ` (phase ${peakPhase.name})` : ''}` },
    phases: load.phases.map((phase) => ({
      name: phase.name,
      requestsPerSecond: (phase.rate + phase.rampTo) / 2,
      basis: phase.rate === phase.rampTo ? 'the phase rate' : `the phase's mean rate (${phase.rate} → ${phase.rampTo}/s)`,
    })),
    upperBound: false,
  };
}
