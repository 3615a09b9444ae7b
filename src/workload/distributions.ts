/** Duration distributions (hold, think, rtt) built once from their spec and sampled allocation-free. */
import { ScenarioError } from '../errors.js';
import type { DistributionSpec, MixComponent } from '../scenario/types.js';
import { NORMAL_Z99, normalQuantile } from './normal.js';
import type { Distribution, Rng } from './types.js';

type PlainSpec = MixComponent['dist'];

const PLAIN_COMPONENTS: readonly string[] = Object.freeze(['all']);
/** half a step of the 32-bit uniform: maps [0, 1) onto (0, 1) symmetrically for the normal quantile */
const HALF_ULP_32 = 1 / 8589934592;

class ConstantDistribution implements Distribution {
  readonly components = PLAIN_COMPONENTS;
  readonly lastComponent = 0;
  readonly mean: number;
  constructor(private readonly value: number) {
    this.mean = value;
  }
  sample(): number {
    return this.value;
  }
}

class UniformDistribution implements Distribution {
  readonly components = PLAIN_COMPONENTS;
  readonly lastComponent = 0;
  readonly mean: number;
  private readonly width: number;
  constructor(private readonly min: number, max: number) {
    this.width = max - min;
    this.mean = (min + max) / 2;
  }
  sample(rng: Rng): number {
    return this.min + this.width * rng.next();
  }
}

class ExponentialDistribution implements Distribution {
  readonly components = PLAIN_COMPONENTS;
  readonly lastComponent = 0;
  constructor(readonly mean: number) {}
  sample(rng: Rng): number {
    // 1 - u lies in (0, 1], so the log is finite
    return -this.mean * Math.log(1 - rng.next());
  }
}

class LognormalDistribution implements Distribution {
  readonly components = PLAIN_COMPONENTS;
  readonly lastComponent = 0;
  readonly mean: number;
  private readonly mu: number;
  private readonly sigma: number;
  constructor(median: number, p99: number) {
    this.mu = Math.log(median);
    this.sigma = (Math.log(p99) - this.mu) / NORMAL_Z99;
    this.mean = Math.exp(this.mu + (this.sigma * this.sigma) / 2);
  }
  sample(rng: Rng): number {
    return Math.exp(this.mu + this.sigma * normalQuantile(rng.next() + HALF_ULP_32));
  }
}

class MixDistribution implements Distribution {
  readonly components: readonly string[];
  readonly mean: number;
  lastComponent = 0;
  private readonly parts: readonly Distribution[];
  /** cumulative normalised weights; the last entry is exactly 1 */
  private readonly cumulative: Float64Array;

  constructor(of: readonly MixComponent[]) {
    const total = of.reduce((sum, component) => sum + component.weight, 0);
    this.components = Object.freeze(of.map((component) => component.name));
    this.parts = Object.freeze(of.map((component) => createPlainDistribution(component.dist)));
    this.cumulative = new Float64Array(of.length);
    let running = 0;
    let mean = 0;
    for (let i = 0; i < of.length; i++) {
      running += of[i].weight;
      this.cumulative[i] = running / total;
      mean += (of[i].weight / total) * this.parts[i].mean;
    }
    // the last component with weight > 0 must catch every u < 1 despite rounding
    for (let i = of.length - 1; i >= 0; i--) {
      this.cumulative[i] = 1;
      if (of[i].weight > 0) break;
    }
    this.mean = mean;
  }

  sample(rng: Rng): number {
    const u = rng.next();
    const cumulative = this.cumulative;
    let i = 0;
    // mixes have a handful of components: a linear scan beats a binary search
    while (u >= cumulative[i]) i++;
    this.lastComponent = i;
    return this.parts[i].sample(rng);
  }
}

function invalid(message: string): never {
  throw new ScenarioError(`distribution: ${message}`);
}

function checkPlain(spec: PlainSpec): void {
  switch (spec.type) {
    case 'constant':
      if (!Number.isFinite(spec.value) || spec.value < 0) invalid(`constant value must be a finite number ≥ 0, got ${spec.value}`);
      return;
    case 'uniform':
      if (!Number.isFinite(spec.min) || !Number.isFinite(spec.max) || spec.min < 0 || spec.max < spec.min) {
        invalid(`uniform needs 0 ≤ min ≤ max, got min ${spec.min}, max ${spec.max}`);
      }
      return;
    case 'exponential':
      if (!Number.isFinite(spec.mean) || spec.mean < 0) invalid(`exponential mean must be a finite number ≥ 0, got ${spec.mean}`);
      return;
    case 'lognormal':
      if (!Number.isFinite(spec.median) || !Number.isFinite(spec.p99) || spec.median <= 0 || spec.p99 < spec.median) {
        invalid(`lognormal needs 0 < median ≤ p99, got median ${spec.median}, p99 ${spec.p99}`);
      }
      return;
  }
}

function checkMix(of: readonly MixComponent[]): void {
  if (of.length === 0) invalid('mix needs at least one component');
  let total = 0;
  for (const component of of) {
    if (!Number.isFinite(component.weight) || component.weight < 0) {
      invalid(`mix weight of '${component.name}' must be a finite number ≥ 0, got ${component.weight}`);
    }
    if ((component.dist as DistributionSpec).type === 'mix') invalid(`mix component '${component.name}' cannot itself be a mix`);
    total += component.weight;
  }
  if (!(total > 0)) invalid('mix weights must not all be 0');
}

function createPlainDistribution(spec: PlainSpec): Distribution {
  checkPlain(spec);
  switch (spec.type) {
    case 'constant':
      return new ConstantDistribution(spec.value);
    case 'uniform':
      return new UniformDistribution(spec.min, spec.max);
    case 'exponential':
      return new ExponentialDistribution(spec.mean);
    case 'lognormal':
      return new LognormalDistribution(spec.median, spec.p99);
  }
}

/** Builds a sampler for a duration spec; throws ScenarioError on an impossible spec. */
export function createDistribution(spec: DistributionSpec): Distribution {
  if (spec.type === 'mix') {
    checkMix(spec.of);
    return new MixDistribution(spec.of);
  }
  return createPlainDistribution(spec);
}

/** The exact mean of a duration spec in ms (e.g. to size a run before sampling anything). */
export function distributionMean(spec: DistributionSpec): number {
  return createDistribution(spec).mean;
}
