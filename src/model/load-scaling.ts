/** The load level find-max-rate turns: the open schedule's peak rate, or the closed model's users. */
import type { ResolvedScenario } from '../scenario/types.js';
import { peakRate } from './arrival-rate.js';

/** The scenario's own level: peak arrivals/s (open) or users (closed). */
export function loadLevel(scenario: ResolvedScenario): number {
  return scenario.load.model === 'closed' ? scenario.load.users : peakRate(scenario);
}

/**
 * The scenario at another level: every phase's rate and rampTo scaled so the peak becomes `level`
 * (the schedule keeps its shape), or `level` users for a closed model.
 */
export function atLoadLevel(scenario: ResolvedScenario, level: number): ResolvedScenario {
  const load = scenario.load;
  if (load.model === 'closed') return { ...scenario, load: { ...load, users: level } };
  const factor = level / peakRate(scenario);
  return { ...scenario, load: { ...load, phases: load.phases.map((phase) => ({ ...phase, rate: phase.rate * factor, rampTo: phase.rampTo * factor })) } };
}
