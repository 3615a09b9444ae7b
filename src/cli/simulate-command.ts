/** `lockbench simulate`: `run`'s command with the simulator as executor, plus one line on how much work the simulation was. */
import { formatCount } from '../report/index.js';
import { simulate, type SimulationResult } from '../sim/index.js';
import type { ScenarioExecutor } from './run-command.js';

/** The simulator as a command executor; unless quiet it tells stderr how many events it handled and how fast. */
export function simulateExecutor(quiet: boolean): ScenarioExecutor {
  return async (loaded, hooks) => {
    const started = performance.now();
    return simulate(loaded, hooks, (result: SimulationResult) => {
      if (quiet) return;
      const seconds = (performance.now() - started) / 1000;
      const { events, requests } = result.stats;
      process.stderr.write(
        `simulated ${formatCount(requests)} requests (${formatCount(events)} events) in ${seconds.toFixed(1)} s of wall time, ` +
          `${formatCount(Math.round(events / Math.max(seconds, 1e-6)))} events/s\n`,
      );
    });
  };
}
