import type { ResolvedScenario } from '../scenario/types.js';
import { scheduleDurationMs } from './arrivals.js';

/** A phase's window, ms from the run's start. */
export interface PhaseWindow {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** Phase windows of the load (the closed model is one window, named 'closed'). */
export function phaseWindows(scenario: ResolvedScenario): PhaseWindow[] {
  if (scenario.load.model === 'closed') return [{ name: 'closed', startMs: 0, endMs: scenario.load.durationMs }];
  let startMs = 0;
  return scenario.load.phases.map((phase) => {
    const window = { name: phase.name, startMs, endMs: startMs + phase.durationMs };
    startMs = window.endMs;
    return window;
  });
}

/** Planned length of the load, ms (the drain comes after). */
export function plannedDurationMs(scenario: ResolvedScenario): number {
  return scenario.load.model === 'closed' ? scenario.load.durationMs : scheduleDurationMs(scenario.load.phases);
}
