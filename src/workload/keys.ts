/** Which resource an arrival locks: id pickers (uniform, zipf, hotspot) and the id → key formatter. */
import { ScenarioError } from '../errors.js';
import type { KeyPickSpec } from '../scenario/types.js';
import type { KeyPicker, Rng } from './types.js';

/**
 * Largest resource count for which zipf uses an exact CDF table (16 MB of Float64Array at the
 * limit); above it, rejection-inversion needs O(1) memory.
 */
export const ZIPF_TABLE_MAX_COUNT = 2_000_000;

class UniformKeyPicker implements KeyPicker {
  constructor(private readonly count: number) {}
  pick(rng: Rng): number {
    return Math.floor(rng.next() * this.count);
  }
}

/** Uniform on [offset, offset + count). */
class OffsetUniformKeyPicker implements KeyPicker {
  constructor(
    private readonly offset: number,
    private readonly count: number,
  ) {}
  pick(rng: Rng): number {
    return this.offset + Math.floor(rng.next() * this.count);
  }
}

/** Zipf by inversion of a precomputed CDF: one draw, binary search over `count` entries. */
class ZipfTableKeyPicker implements KeyPicker {
  private readonly cdf: Float64Array;
  constructor(count: number, s: number) {
    const cdf = new Float64Array(count);
    let total = 0;
    for (let k = 0; k < count; k++) {
      total += Math.pow(k + 1, -s);
      cdf[k] = total;
    }
    const scale = 1 / total;
    for (let k = 0; k < count; k++) cdf[k] *= scale;
    cdf[count - 1] = 1;
    this.cdf = cdf;
  }
  pick(rng: Rng): number {
    const u = rng.next();
    const cdf = this.cdf;
    // first k with u < cdf[k]
    let low = 0;
    let high = cdf.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (u < cdf[middle]) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}

/** log(1 + x) / x, continuous at 0 */
function log1pOverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** (e^x − 1) / x, continuous at 0 */
function expm1OverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}

/**
 * Zipf by rejection-inversion (Hörmann & Derflinger 1996, as in Apache Commons Math's
 * ZipfRejectionInversionSampler). Exact in distribution, not an approximation: it inverts a
 * continuous hat function and rejects the few draws outside the discrete histogram, so it
 * takes ~1 draw on average with O(1) memory, for any count and any s > 0.
 */
class ZipfRejectionKeyPicker implements KeyPicker {
  private readonly hIntegralX1: number;
  private readonly hIntegralCount: number;
  /** below this distance from the rounded rank a draw is accepted without the costlier test */
  private readonly acceptanceBound: number;

  constructor(
    private readonly count: number,
    private readonly s: number,
  ) {
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralCount = this.hIntegral(count + 0.5);
    this.acceptanceBound = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  pick(rng: Rng): number {
    for (;;) {
      const u = this.hIntegralCount + rng.next() * (this.hIntegralX1 - this.hIntegralCount);
      const x = this.hIntegralInverse(u);
      let rank = Math.floor(x + 0.5);
      if (rank < 1) rank = 1;
      else if (rank > this.count) rank = this.count;
      if (rank - x <= this.acceptanceBound || u >= this.hIntegral(rank + 0.5) - this.h(rank)) return rank - 1;
    }
  }

  /** h(x) = x^-s, the unnormalised weight of rank x */
  private h(x: number): number {
    return Math.exp(-this.s * Math.log(x));
  }

  /** H(x) = ∫₁ˣ t^-s dt, written to stay accurate near s = 1 */
  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return expm1OverX((1 - this.s) * logX) * logX;
  }

  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.s);
    if (t < -1) t = -1;
    return Math.exp(log1pOverX(t) * x);
  }
}

/** `hotTraffic` of the draws uniformly on [0, hotCount), the rest uniformly on [hotCount, count). */
class HotspotKeyPicker implements KeyPicker {
  private readonly hotScale: number;
  private readonly coldScale: number;
  constructor(
    private readonly count: number,
    private readonly hotCount: number,
    private readonly hotTraffic: number,
  ) {
    this.hotScale = hotCount / hotTraffic;
    this.coldScale = (count - hotCount) / (1 - hotTraffic);
  }
  pick(rng: Rng): number {
    // one draw picks both the side and the id within it
    const u = rng.next();
    if (u < this.hotTraffic) return Math.min(this.hotCount - 1, Math.floor(u * this.hotScale));
    return Math.min(this.count - 1, this.hotCount + Math.floor((u - this.hotTraffic) * this.coldScale));
  }
}

function invalid(message: string): never {
  throw new ScenarioError(`resources: ${message}`);
}

function createHotspotPicker(count: number, hotKeys: number, hotTraffic: number): KeyPicker {
  if (!(hotKeys >= 0 && hotKeys <= 1)) invalid(`hotspot hotKeys must be a fraction in [0, 1], got ${hotKeys}`);
  if (!(hotTraffic >= 0 && hotTraffic <= 1)) invalid(`hotspot hotTraffic must be a fraction in [0, 1], got ${hotTraffic}`);
  const hotCount = Math.min(count, Math.ceil(hotKeys * count));
  // with no hot ids, no cold ids, or all traffic on one side the other side cannot be drawn
  if (hotCount === 0 || hotCount === count) return new UniformKeyPicker(count);
  if (hotTraffic === 0) return new OffsetUniformKeyPicker(hotCount, count - hotCount);
  if (hotTraffic === 1) return new UniformKeyPicker(hotCount);
  return new HotspotKeyPicker(count, hotCount, hotTraffic);
}

/** Builds the resource-id picker for `count` resources; throws ScenarioError on an impossible spec. */
export function createKeyPicker(spec: KeyPickSpec, count: number): KeyPicker {
  if (!Number.isSafeInteger(count) || count < 1) invalid(`count must be a whole number ≥ 1, got ${count}`);
  switch (spec.type) {
    case 'uniform':
      return new UniformKeyPicker(count);
    case 'zipf':
      if (!Number.isFinite(spec.s) || spec.s < 0) invalid(`zipf s must be a finite number ≥ 0, got ${spec.s}`);
      if (spec.s === 0 || count === 1) return new UniformKeyPicker(count);
      return count <= ZIPF_TABLE_MAX_COUNT ? new ZipfTableKeyPicker(count, spec.s) : new ZipfRejectionKeyPicker(count, spec.s);
    case 'hotspot':
      return createHotspotPicker(count, spec.hotKeys, spec.hotTraffic);
  }
}

/**
 * Turns a resource id into its key by replacing every `{id}` in the template; the template is
 * split once here, so a call only concatenates.
 */
export function createKeyFormatter(template: string): (id: number) => string {
  const parts = template.split('{id}');
  if (parts.length === 1) return () => template;
  if (parts.length === 2) {
    const [prefix, suffix] = parts;
    return (id) => prefix + id + suffix;
  }
  const last = parts.length - 1;
  return (id) => {
    let key = parts[0];
    for (let i = 1; i <= last; i++) key += id + parts[i];
    return key;
  };
}
