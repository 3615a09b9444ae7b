/**
 * A key's service time S as the simulator sees it: the hold, plus (when the scenario gives an rtt) the
 * hand-over to the next waiter: the release's half round trip to the server and the grant's half back.
 */
import type { ResolvedScenario } from '../scenario/types.js';
import { backendModelOf } from '../sim/backend-model.js';
import { distributionMoments, sumMoments, type Moments } from './moments.js';

/** What the queueing formulas take as S, and where it came from. */
export interface ServiceModel {
  readonly hold: Moments;
  /** the rtt added as the hand-over; absent when the scenario names no rtt */
  readonly rtt?: Moments;
  /** S: hold, or hold + rtt */
  readonly service: Moments;
  /** what S is made of, in words, for the output */
  readonly madeOf: string;
  /** holders per key at once (1 = mutex) */
  readonly permits: number;
  /** fifo: waiters queue and get the key on release; polling: they retry by backoff (the formulas are then a lower bound) */
  readonly discipline: 'fifo' | 'polling';
  /** server operations per second (sim.capacity); absent = unlimited */
  readonly capacity?: number;
  /** E[sim.serviceTime] in ms when it is not 0: the server's time per operation, left out of S */
  readonly serverTimeMs?: number;
}

/** S of the scenario: E[hold] (+ E[rtt] when sim.rtt or the memory backend's rtt is given), with E[S²] for M/G/1. */
export function serviceModel(scenario: ResolvedScenario): ServiceModel {
  const model = backendModelOf(scenario);
  const hold = distributionMoments(scenario.hold);
  // the simulator's default network rtt is its guess, not the scenario's: S uses what the file says
  const rtt = model.source.rtt === 'default' ? undefined : distributionMoments(model.rtt);
  const withRtt = rtt !== undefined && rtt.mean > 0;
  const serverTime = distributionMoments(model.serviceTime).mean;
  return {
    hold,
    ...(withRtt && { rtt }),
    service: withRtt ? sumMoments(hold, rtt) : hold,
    madeOf: withRtt
      ? `hold + rtt (the hand-over: the release's half round trip to the server and the grant's half to the next waiter; rtt from ${model.source.rtt === 'sim' ? 'sim.rtt' : 'backend.rtt'})`
      : 'hold (the scenario gives no rtt, so the hand-over to the next waiter is taken as instant)',
    permits: scenario.lock.permits,
    discipline: model.discipline,
    ...(model.capacity !== undefined && { capacity: model.capacity }),
    ...(serverTime > 0 && { serverTimeMs: serverTime }),
  };
}
