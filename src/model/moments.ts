/** The first two moments of a duration spec: what the queueing formulas need of a hold or rtt distribution. */
import type { DistributionSpec, MixComponent } from '../scenario/types.js';
import { distributionMean, NORMAL_Z99 } from '../workload/index.js';

/** E[X] and E[X²] of a duration, in ms and ms². */
export interface Moments {
  readonly mean: number;
  readonly secondMoment: number;
}

/** E[X²] of a plain (non-mix) spec, in ms². */
function plainSecondMoment(spec: MixComponent['dist']): number {
  switch (spec.type) {
    case 'constant':
      return spec.value * spec.value;
    case 'uniform':
      return (spec.min * spec.min + spec.min * spec.max + spec.max * spec.max) / 3;
    case 'exponential':
      return 2 * spec.mean * spec.mean;
    case 'lognormal': {
      // same parameters as the sampler: mu = ln median, sigma = (ln p99 − mu) / z99; E[X²] = e^(2mu + 2sigma²)
      const mu = Math.log(spec.median);
      const sigma = (Math.log(spec.p99) - mu) / NORMAL_Z99;
      return Math.exp(2 * mu + 2 * sigma * sigma);
    }
  }
}

/** E[X] and E[X²] of a duration spec (a mix weighs its components' moments); throws ScenarioError on an impossible spec. */
export function distributionMoments(spec: DistributionSpec): Moments {
  // distributionMean also validates the spec
  const mean = distributionMean(spec);
  if (spec.type !== 'mix') return { mean, secondMoment: plainSecondMoment(spec) };
  const total = spec.of.reduce((sum, component) => sum + component.weight, 0);
  const secondMoment = spec.of.reduce((sum, component) => sum + (component.weight / total) * plainSecondMoment(component.dist), 0);
  return { mean, secondMoment };
}

/** The moments of X + Y for independent X and Y: E[(X+Y)²] = E[X²] + 2E[X]E[Y] + E[Y²]. */
export function sumMoments(x: Moments, y: Moments): Moments {
  return { mean: x.mean + y.mean, secondMoment: x.secondMoment + 2 * x.mean * y.mean + y.secondMoment };
}

/** The squared coefficient of variation Var[X] / E[X]² (0 for a constant, 1 for an exponential); 0 when E[X] = 0. */
export function squaredCoefficientOfVariation(moments: Moments): number {
  if (moments.mean === 0) return 0;
  return Math.max(0, moments.secondMoment / (moments.mean * moments.mean) - 1);
}
