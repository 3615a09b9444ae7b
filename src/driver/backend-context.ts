import type { BackendContext } from '../backends/types.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { lockKeySpace } from '../workload/lock-keys.js';

/** What a backend is told about the run, in the coordinator (workerIndex -1) and in each worker. */
export function backendContext(scenario: ResolvedScenario, workerIndex: number, workerCount: number): BackendContext {
  const clients = scenario.load.model === 'closed' ? scenario.load.users : scenario.maxInFlight;
  return {
    workerIndex,
    workerCount,
    resourceCount: lockKeySpace(scenario).lockableCount,
    clientsPerWorker: Math.max(1, Math.ceil(clients / workerCount)),
    seed: scenario.seed,
  };
}
