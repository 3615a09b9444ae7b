/** Seeded randomness: sfc32 whose 128-bit state is hashed from (seed, stream, index). */
import type { Rng } from './types.js';

/**
 * Stream ids: each kind of draw has its own stream, so adding a draw of one kind
 * never shifts the values of another (e.g. a new retry jitter leaves hold times alone).
 */
export const Stream = { arrivals: 1, key: 2, hold: 3, think: 4, retry: 5, rtt: 6, amount: 7 } as const;
export type Stream = (typeof Stream)[keyof typeof Stream];

const TWO_POW_32 = 4294967296;
const TWO_POW_MINUS_32 = 1 / TWO_POW_32;
/** sfc32 outputs thrown away after seeding, so nearby seeds diverge even in the first draw */
const WARMUP_ROUNDS = 8;

/** One murmur3 body step: folds a 32-bit word into the running hash. */
function mixWord(hash: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = hash ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** murmur3 fmix32 finaliser: full avalanche of a 32-bit word. */
function fmix32(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** High 32 bits of an integer up to 2^53 (negative and fractional inputs wrap deterministically). */
function highWord(value: number): number {
  return Math.floor(value / TWO_POW_32) | 0;
}

/**
 * One 32-bit lane of the state: murmur3 of the five input words under a lane-specific seed.
 * Four independent lanes make the 128-bit state, so distinct (seed, stream, index) triples
 * collide with probability ~2^-128 rather than the 2^-32 a single hash would give.
 */
function laneHash(lane: number, seedLo: number, seedHi: number, stream: number, indexLo: number, indexHi: number): number {
  let h = Math.imul(lane + 1, 0x9e3779b9);
  h = mixWord(h, seedLo);
  h = mixWord(h, seedHi);
  h = mixWord(h, stream);
  h = mixWord(h, indexLo);
  h = mixWord(h, indexHi);
  return fmix32(h ^ 20);
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), 32-bit outputs. */
class Sfc32 implements Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number, stream: number, index: number) {
    this.reseed(seed, stream, index);
  }

  next(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return (t >>> 0) * TWO_POW_MINUS_32;
  }

  reseed(seed: number, stream: number, index: number): void {
    const seedLo = seed | 0;
    const seedHi = highWord(seed);
    const streamWord = stream | 0;
    const indexLo = index | 0;
    const indexHi = highWord(index);
    this.a = laneHash(0, seedLo, seedHi, streamWord, indexLo, indexHi);
    this.b = laneHash(1, seedLo, seedHi, streamWord, indexLo, indexHi);
    this.c = laneHash(2, seedLo, seedHi, streamWord, indexLo, indexHi);
    this.d = laneHash(3, seedLo, seedHi, streamWord, indexLo, indexHi);
    for (let round = 0; round < WARMUP_ROUNDS; round++) this.next();
  }
}

/**
 * A fast seeded generator of uniforms in [0, 1) with 32-bit resolution; the draws of
 * request n come from `reseed(seed, stream, n)`, so they never depend on the worker count.
 * @param stream one of {@link Stream} @default 0
 * @param index e.g. the request's sequence number or the phase index @default 0
 */
export function createRng(seed: number, stream = 0, index = 0): Rng {
  return new Sfc32(seed, stream, index);
}
