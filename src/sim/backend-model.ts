/** The model that stands in for the lock server in `lockbench simulate`: what `sim:` says, with defaults from the backend. */
import type { BackendSpec, DistributionSpec, ResolvedScenario } from '../scenario/types.js';
import { backoffOf } from '../driver/retry.js';

/** Backends whose acquire can queue at the server for the wait budget (retry: none) instead of answering busy at once. */
const QUEUEING_BACKENDS: ReadonlySet<BackendSpec['type']> = new Set(['memory', 'postgres', 'mysql', 'etcd', 'zookeeper']);

/** A network round trip on a LAN, when neither `sim.rtt` nor a memory backend's `rtt` says otherwise (the example). */
export const DEFAULT_NETWORK_RTT: DistributionSpec = { type: 'lognormal', median: 0.4, p99: 3 };

/** The resolved model; plain data, written into report.backend.model. */
export interface BackendModel {
  /** round trip of one operation (zero: an in-process memory backend without rtt) */
  readonly rtt: DistributionSpec;
  /** server time per operation, added to its answer */
  readonly serviceTime: DistributionSpec;
  /** operations per second the server processes one after another; absent = unlimited */
  readonly capacity?: number;
  readonly discipline: 'fifo' | 'polling';
  /** where each value came from, for the report */
  readonly source: { readonly rtt: 'sim' | 'backend' | 'default'; readonly discipline: 'sim' | 'backend' };
}

/** The backend model of a scenario: `sim:` first, then the memory backend's own rtt, then the defaults. */
export function backendModelOf(scenario: ResolvedScenario): BackendModel {
  const sim = scenario.sim ?? {};
  const backend = scenario.backend;
  const memoryRtt = backend.type === 'memory' ? backend.rtt : undefined;
  const rtt = sim.rtt ?? memoryRtt ?? (backend.type === 'memory' ? { type: 'constant', value: 0 } : DEFAULT_NETWORK_RTT);
  const queued = backoffOf(scenario.lock.retry).strategy === 'none' && QUEUEING_BACKENDS.has(backend.type);
  return {
    rtt,
    serviceTime: sim.serviceTime ?? { type: 'constant', value: 0 },
    ...(sim.capacity !== undefined && { capacity: sim.capacity }),
    discipline: sim.discipline ?? (queued ? 'fifo' : 'polling'),
    source: {
      rtt: sim.rtt ? 'sim' : memoryRtt || backend.type === 'memory' ? 'backend' : 'default',
      discipline: sim.discipline ? 'sim' : 'backend',
    },
  };
}
