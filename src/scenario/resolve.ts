/** Validated file → ResolvedScenario: timeScale applied, --duration applied, context-dependent defaults filled. */
import { availableParallelism } from 'node:os';
import { ScenarioError } from '../errors.js';
import { leafCount } from './hierarchy.js';
import { resolveBackendSpec } from './backend.js';
import { mixComponentName, type RawDistribution } from './distribution.js';
import { phaseName, type RawScenario } from './schema.js';
import type { RawFault } from './faults.js';
import type { RawResource } from './resource.js';
import type { RawSim } from './sim.js';
import type { RawBackoff, RawRetry } from './retry.js';
import type { BackoffSpec, DistributionSpec, FaultSpec, LoadSpec, Millis, MultiKeySpec, PhaseSpec, ResolvedScenario, ResourceSpec, RetrySpec, SimSpec } from './types.js';

export interface ResolveContext {
  /** scenario file path as given; module backends resolve against its folder */
  readonly file: string;
  readonly timeScale?: number;
  readonly durationMs?: number;
  readonly defaultWorkers?: number;
}

type Scale = (ms: Millis) => Millis;

/** Multiplies by timeScale; rounding keeps 30s × 0.01 at 300, not 300.00000000000006. */
function scaler(timeScale: number): Scale {
  return (ms) => Math.round(ms * timeScale * 1e6) / 1e6;
}

function scaleDistribution(d: RawDistribution, scale: Scale): DistributionSpec {
  switch (d.type) {
    case 'constant':
      return { type: 'constant', value: scale(d.value) };
    case 'uniform':
      return { type: 'uniform', min: scale(d.min), max: scale(d.max) };
    case 'exponential':
      return { type: 'exponential', mean: scale(d.mean) };
    case 'lognormal':
      return { type: 'lognormal', median: scale(d.median), p99: scale(d.p99) };
    case 'mix':
      return {
        type: 'mix',
        of: d.of.map((c, index) => ({
          weight: c.weight,
          name: mixComponentName(c.name, index),
          dist: scaleDistribution(c.dist, scale) as Exclude<DistributionSpec, { type: 'mix' }>,
        })),
      };
  }
}

function resolveBackoff(r: RawBackoff, scale: Scale): BackoffSpec {
  switch (r.strategy) {
    case 'none':
      return { strategy: 'none' };
    case 'fixed':
      return { strategy: 'fixed', delayMs: scale(r.delay) };
    default:
      return { strategy: r.strategy, baseMs: scale(r.base), maxMs: scale(r.max) };
  }
}

function resolveRetry(r: RawRetry, scale: Scale): RetrySpec {
  if (r.strategy !== 'circuit-breaker') return resolveBackoff(r, scale);
  return {
    strategy: 'circuit-breaker',
    backoff: resolveBackoff(r.backoff, scale),
    failureRate: r.failureRate,
    windowMs: scale(r.window),
    minAttempts: r.minAttempts,
    openForMs: scale(r.openFor),
    countBusy: r.countBusy,
  };
}

function leavesOf(keys: RawScenario['lock']['keys']): number | undefined {
  return keys && 'levels' in keys ? leafCount(keys.levels) : undefined;
}

function resolveMultiKeys(keys: RawScenario['lock']['keys']): MultiKeySpec | undefined {
  if (keys === undefined) return undefined;
  return 'count' in keys ? { type: 'count', count: keys.count } : { type: 'levels', levels: keys.levels };
}

/** Resource amounts are not durations: timeScale leaves them alone. */
function resolveResource(r: RawResource): ResourceSpec {
  const store = r.store.type === 'memory' ? { type: 'memory' as const } : { type: 'redis' as const, url: r.store.url, keyPrefix: r.store.keyPrefix };
  const common = { fencing: r.fencing, store };
  switch (r.type) {
    case 'inventory':
      return { type: 'inventory', stock: r.stock, ...common };
    case 'wallet':
      return { type: 'wallet', balance: r.balance, debit: { min: r.debit.min, max: r.debit.max }, ...common };
    case 'seat':
      return { type: 'seat', ...common };
    case 'counter':
      return { type: 'counter', ...common };
  }
}

function resolveFaults(faults: readonly RawFault[], scale: Scale): FaultSpec[] {
  return faults
    .map((f) => ({ type: f.type, atMs: scale(f.at), durationMs: scale(f.duration), fraction: f.fraction }))
    .sort((a, b) => a.atMs - b.atMs);
}

/**
 * Makes the open-model schedule exactly `targetMs` long: phases past it are cut (the one straddling it
 * ends at the rate reached there), or the last phase is lengthened (keeping its end rate).
 */
export function fitSchedule(phases: readonly PhaseSpec[], targetMs: Millis): PhaseSpec[] {
  const fitted: PhaseSpec[] = [];
  let startMs = 0;
  for (const p of phases) {
    if (startMs >= targetMs) break;
    const remaining = targetMs - startMs;
    if (p.durationMs > remaining) {
      const reached = p.rate + ((p.rampTo - p.rate) * remaining) / p.durationMs;
      fitted.push({ ...p, durationMs: remaining, rampTo: reached });
      return fitted;
    }
    fitted.push(p);
    startMs += p.durationMs;
  }
  const last = fitted[fitted.length - 1];
  if (startMs < targetMs) fitted[fitted.length - 1] = { ...last, durationMs: last.durationMs + (targetMs - startMs) };
  return fitted;
}

function resolveLoad(raw: RawScenario, scale: Scale, durationMs: number | undefined): LoadSpec {
  if (raw.phases) {
    const phases = raw.phases.map(
      (p, index): PhaseSpec => ({
        name: phaseName(p.name, index),
        durationMs: scale(p.duration),
        // rates are arrivals per real second: timeScale shortens the run, it does not thin the traffic
        rate: p.rate,
        rampTo: p.rampTo ?? p.rate,
        arrival: p.arrival,
      }),
    );
    return { model: 'open', phases: durationMs === undefined ? phases : fitSchedule(phases, durationMs) };
  }
  return {
    model: 'closed',
    users: raw.users as number,
    // --duration is the real run length, so it is not scaled
    durationMs: durationMs ?? scale(raw.duration as number),
    thinkTime: raw.thinkTime ? scaleDistribution(raw.thinkTime, scale) : { type: 'constant', value: 0 },
  };
}

/** The backend model's durations scale like every other duration; capacity is a rate and does not. */
function resolveSim(raw: RawSim, scale: Scale): SimSpec {
  return {
    ...(raw.rtt && { rtt: scaleDistribution(raw.rtt, scale) }),
    ...(raw.serviceTime && { serviceTime: scaleDistribution(raw.serviceTime, scale) }),
    ...(raw.capacity !== undefined && { capacity: raw.capacity }),
    ...(raw.discipline && { discipline: raw.discipline }),
  };
}

function checkPositive(flag: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw new ScenarioError(`${flag} must be a number > 0, got ${value}`);
}

/** Checks the CLI values that resolve() uses, before anything is read. */
export function checkResolveOptions(context: Omit<ResolveContext, 'file'>): void {
  checkPositive('--time-scale', context.timeScale);
  checkPositive('--duration', context.durationMs);
  if (context.defaultWorkers !== undefined && !(Number.isInteger(context.defaultWorkers) && context.defaultWorkers >= 1)) {
    throw new ScenarioError(`default workers must be an integer ≥ 1, got ${context.defaultWorkers}`);
  }
}

/** Fills in what the file leaves to context and scales every duration by timeScale. */
export function resolveScenario(raw: RawScenario, context: ResolveContext): ResolvedScenario {
  const timeScale = context.timeScale ?? raw.timeScale;
  const scale = scaler(timeScale);
  return {
    name: raw.name,
    description: raw.description,
    seed: raw.seed,
    backend: resolveBackendSpec(raw.backend, (d) => scaleDistribution(d, scale), context.file),
    workers: raw.workers ?? context.defaultWorkers ?? availableParallelism(),
    load: resolveLoad(raw, scale, context.durationMs),
    maxInFlight: raw.maxInFlight,
    maxBacklog: raw.maxBacklog,
    resources: { ...raw.resources, count: raw.resources.count ?? leavesOf(raw.lock.keys) ?? 1 },
    lock: {
      mode: raw.lock.mode,
      ttlMs: scale(raw.lock.ttl),
      acquireTimeoutMs: scale(raw.lock.acquireTimeout),
      retry: resolveRetry(raw.lock.retry, scale),
      ...(raw.lock.renew && { renew: { everyMs: scale(raw.lock.renew.every) } }),
      ...(raw.lock.keys && { keys: resolveMultiKeys(raw.lock.keys) }),
      permits: raw.lock.permits,
    },
    hold: scaleDistribution(raw.hold, scale),
    ...(raw.resource && { resource: resolveResource(raw.resource) }),
    ...(raw.faults.length > 0 && { faults: resolveFaults(raw.faults, scale) }),
    timeScale,
    drainMs: scale(raw.drain),
    thresholds: raw.thresholds,
    report: raw.report,
    ...(raw.sim !== undefined && { sim: resolveSim(raw.sim, scale) }),
  };
}
