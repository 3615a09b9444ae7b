/** report.backend of a simulation: the backend type it stands for, and the model that replaced the server. */
import type { ResolvedScenario } from '../scenario/types.js';
import type { BackendModel } from './backend-model.js';

/** What the report says about the modelled backend (no URL: nothing was contacted). */
export function describeModel(scenario: ResolvedScenario, model: BackendModel): Record<string, unknown> {
  const { capacity } = model;
  return {
    type: scenario.backend.type,
    model: {
      rtt: model.rtt,
      serviceTime: model.serviceTime,
      ...(capacity !== undefined && { capacity }),
      discipline: model.discipline,
      source: model.source,
    },
    notes: [
      `simulated: no ${scenario.backend.type} server was contacted; each operation takes a round trip drawn from ${model.source.rtt === 'default' ? 'the default' : model.source.rtt === 'sim' ? "the scenario's sim.rtt" : "the memory backend's rtt"}` +
        `${capacity !== undefined ? `, the server processes ${capacity} operations/s in arrival order` : ''}, and ` +
        (model.discipline === 'fifo'
          ? 'a held key queues its waiters at the server and hands the lock to the first on release (fifo)'
          : 'a held key is answered busy and the client retries by its backoff (polling)'),
      'renewals are counted but take no server capacity; leases lapse, are renewed and expire exactly as modelled (src/sim/hold-plan.ts)',
    ],
  };
}
