/** `lockbench plan`: the analytic estimates of a scenario, without running anything, as plain data (plan.json). */
import { formatMs } from '../report/index.js';
import type { KeyPickSpec, LoadedScenario, ResolvedScenario } from '../scenario/types.js';
import { distributionMean } from '../workload/index.js';
import { lockKeySpace } from '../workload/lock-keys.js';
import type { AnalyticMaxRate } from './analytic-max-rate.js';
import { plannedRates } from './arrival-rate.js';
import { evaluateAt, type Evaluation, type KeyFigures } from './evaluate.js';
import { keyShares, type KeyShares } from './key-shares.js';
import type { LevelSearch } from './max-rate-search.js';
import { squaredCoefficientOfVariation } from './moments.js';
import { serviceModel, type ServiceModel } from './service.js';

/** Bumped when a field of plan.json changes meaning or goes away. */
export const PLAN_SCHEMA_VERSION = 1;

/** A hot key (or a run of keys with the same share) with its names. */
export interface PlannedKey extends KeyFigures {
  /** the key of firstId */
  readonly key: string;
  /** the key of the class's last id, when it has more than one */
  readonly lastKey?: string;
}

/** The plan at one rate, hot keys named. */
export interface PlannedEvaluation extends Omit<Evaluation, 'hotKeys'> {
  /** the phase ('peak', 'closed', 'given' or a phase name) */
  readonly name: string;
  /** how the rate was found */
  readonly basis: string;
  readonly hotKeys: readonly PlannedKey[];
}

/** What the formulas were given. */
export interface PlanInputs {
  readonly model: 'open' | 'closed';
  /** the rate of `peak`, requests/s; an upper bound for the closed model */
  readonly arrivalRate: { readonly requestsPerSecond: number; readonly basis: string; readonly upperBound: boolean };
  readonly service: {
    readonly holdMeanMs: number;
    readonly holdSecondMomentMs2: number;
    readonly rttMeanMs?: number;
    /** E[S], ms */
    readonly meanMs: number;
    /** E[S²], ms² */
    readonly secondMomentMs2: number;
    /** Var[S] / E[S]² */
    readonly squaredCv: number;
    readonly madeOf: string;
  };
  /** c: holders per key at once */
  readonly permits: number;
  readonly discipline: 'fifo' | 'polling';
  readonly keys: {
    /** K: lockable keys */
    readonly count: number;
    readonly keysPerRequest: number;
    readonly pick: KeyPickSpec;
    /** P(two requests lock a common key) */
    readonly pairCollision: number;
  };
  /** sim.capacity, operations/s */
  readonly capacity?: number;
  readonly timeScale: number;
}

/** find-max-rate: the simulated search and the analytic estimate beside it. */
export interface PlanMaxRate {
  /** the SLO as given, e.g. latency.acquire.p99<100ms */
  readonly slo: string;
  /** what a level is: peak arrivals/s (open model) or users (closed) */
  readonly levelUnit: 'arrivals/s' | 'users';
  readonly simulated: LevelSearch;
  readonly analytic: AnalyticMaxRate;
}

/** plan.json. Infinite figures (a saturated key's wait) are written as null. */
export interface Plan {
  readonly schemaVersion: typeof PLAN_SCHEMA_VERSION;
  readonly tool: { readonly name: 'lockbench'; readonly version: string };
  readonly createdAt: string;
  readonly scenario: { readonly name: string; readonly file: string; readonly sha256: string };
  readonly inputs: PlanInputs;
  /** the assumptions that matter for this scenario, and where the figures stop being right */
  readonly notes: readonly string[];
  /** the headline rate: the schedule's peak, the closed model's estimate, or --rate */
  readonly peak: PlannedEvaluation;
  /** one per phase at its mean rate (open model); absent with --rate or a closed model */
  readonly phases?: readonly PlannedEvaluation[];
  readonly findMaxRate?: PlanMaxRate;
}

/** What a plan is asked for. */
export interface PlanOptions {
  /** evaluate this rate (requests/s) instead of the scenario's */
  readonly rate?: number;
  /** hot-key classes listed per rate @default 10 */
  readonly top?: number;
  readonly createdAt: string;
  readonly toolVersion: string;
}

/** The scenario's key shares and service model: what the plan and find-max-rate's estimate share. */
export interface PlanModel {
  readonly shares: KeyShares;
  readonly service: ServiceModel;
}

/** The key shares and S of a scenario. */
export function planModel(scenario: ResolvedScenario): PlanModel {
  return { shares: keyShares(scenario), service: serviceModel(scenario) };
}

/** E[think] + E[S] of a closed model (one user's cycle if nobody waited), else undefined. */
export function closedCycleMs(scenario: ResolvedScenario, service: ServiceModel): number | undefined {
  return scenario.load.model === 'closed' ? distributionMean(scenario.load.thinkTime) + service.service.mean : undefined;
}

function notesOf(scenario: ResolvedScenario, model: PlanModel, peak: Evaluation, upperBound: boolean): string[] {
  const { shares, service } = model;
  const notes: string[] = [];
  const lock = scenario.lock;
  if (lock.mode === 'none') notes.push('lock.mode is none: the run takes no lock; these are the waits its keys would see if it did');
  if (service.discipline === 'polling' && lock.retry.strategy === 'none') {
    notes.push(
      'one attempt and no retry on a backend that answers "busy": a request that finds its key taken fails at once (a loss system, ' +
        'P(fail) = Erlang B(c, a), a/(1 + a) for a mutex), so the waits listed do not happen',
    );
  } else if (service.discipline === 'polling') {
    notes.push(
      `polling: a busy key answers "busy" and the client retries by lock.retry (${lock.retry.strategy}), so the waits here are a lower bound (the backoff adds to them) and P(wait) counts first attempts`,
    );
  }
  if (upperBound) notes.push('closed model: λ = users / (E[think] + E[S]) ignores the time users spend waiting, so it is an upper bound on the rate');
  if (lock.keys?.type === 'levels') {
    notes.push(`hierarchy: every request locks one node per level (${lock.keys.levels.map((level) => level.name).join(' → ')}), so a top-level node sees every request below it; each key is taken as its own queue, though a request holds its upper nodes while it waits for the lower ones, so the waits are a lower bound`);
  } else if (lock.keys?.type === 'count' && lock.keys.count > 1) {
    notes.push(`each request locks ${lock.keys.count} keys in id order and holds the first while it waits for the next; each key is taken as its own queue, so the waits are a lower bound`);
  }
  if (shares.approximation) notes.push(shares.approximation);
  if (shares.classes.some((keyClass) => !keyClass.exact)) {
    notes.push('the zipf tail beyond rank 100,000 is summed in buckets of nearly equal keys (the totals, not the hot keys listed)');
  }
  if (scenario.load.model === 'open' && scenario.load.phases.some((phase) => phase.arrival === 'uniform')) {
    notes.push('arrivals are taken as Poisson; phases with evenly spaced (uniform) arrivals wait less than this');
  }
  if (service.serverTimeMs !== undefined) notes.push(`sim.serviceTime (mean ${service.serverTimeMs}ms per operation) is left out of S`);
  if (service.rtt === undefined && scenario.backend.type !== 'memory') {
    notes.push('the simulator assumes a network rtt (lognormal median 0.4ms, p99 3ms) for this backend; set sim.rtt to count the hand-over in S');
  }
  if (peak.serverUtilization !== undefined && peak.serverUtilization >= 1) {
    notes.push(`the server itself saturates at the peak (${peak.serverUtilization.toFixed(2)} × sim.capacity): every wait here is optimistic`);
  }
  const hottestWait = peak.hotKeys[0]?.queue.waitMs ?? 0;
  if (hottestWait > lock.acquireTimeoutMs) {
    const wait = Number.isFinite(hottestWait) ? `mean wait ${formatMs(hottestWait)}` : 'queue grows without bound';
    notes.push(
      `at the peak the hottest key's ${wait}, beyond lock.acquireTimeout (${formatMs(lock.acquireTimeoutMs)}): waiters give up and fail there, which the formulas (no reneging) do not model`,
    );
  }
  return notes;
}

/** Names the keys of each listed class. */
function nameKeys(evaluation: Evaluation, keyOf: (id: number) => string): PlannedKey[] {
  return evaluation.hotKeys.map((figures) => ({
    ...figures,
    key: keyOf(figures.firstId),
    ...(figures.count > 1 && { lastKey: keyOf(figures.firstId + figures.count - 1) }),
  }));
}

/** The plan of a loaded scenario (without find-max-rate). */
export function buildPlan(loaded: LoadedScenario, options: PlanOptions): Plan {
  const scenario = loaded.scenario;
  const model = planModel(scenario);
  const { shares, service } = model;
  const top = options.top ?? 10;
  const rates = plannedRates(scenario, service.service.mean, options.rate);
  const { keyOf } = lockKeySpace(scenario);
  const evaluate = (rate: { name: string; requestsPerSecond: number; basis: string }): PlannedEvaluation => {
    const evaluation = evaluateAt(rate.requestsPerSecond, shares, service, top);
    return { name: rate.name, basis: rate.basis, ...evaluation, hotKeys: nameKeys(evaluation, keyOf) };
  };
  const peak = evaluate(rates.peak);
  const perPhase = options.rate === undefined && scenario.load.model === 'open';
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    tool: { name: 'lockbench', version: options.toolVersion },
    createdAt: options.createdAt,
    scenario: { name: scenario.name, file: loaded.file, sha256: loaded.sha256 },
    inputs: {
      model: scenario.load.model,
      arrivalRate: { requestsPerSecond: rates.peak.requestsPerSecond, basis: rates.peak.basis, upperBound: rates.upperBound },
      service: {
        holdMeanMs: service.hold.mean,
        holdSecondMomentMs2: service.hold.secondMoment,
        ...(service.rtt && { rttMeanMs: service.rtt.mean }),
        meanMs: service.service.mean,
        secondMomentMs2: service.service.secondMoment,
        squaredCv: squaredCoefficientOfVariation(service.service),
        madeOf: service.madeOf,
      },
      permits: service.permits,
      discipline: service.discipline,
      keys: { count: shares.keyCount, keysPerRequest: shares.keysPerRequest, pick: scenario.resources.pick, pairCollision: shares.pairCollision },
      ...(service.capacity !== undefined && { capacity: service.capacity }),
      timeScale: scenario.timeScale,
    },
    notes: notesOf(scenario, model, peak, rates.upperBound),
    peak,
    ...(perPhase && { phases: rates.phases.map(evaluate) }),
  };
}
