/**
 * How a scenario's requests spread over its lockable keys, exactly as src/workload draws them:
 * the share of requests that lock each key, grouped into classes of consecutive ids with the same share
 * (uniform: one class; hotspot: two or three; zipf: one per rank, then narrow buckets far down the tail).
 */
import type { KeyPickSpec, ResolvedScenario } from '../scenario/types.js';
import { ZipfSums } from './zipf-sums.js';

/** Consecutive lockable ids that each get the same share of the requests. */
export interface KeyClass {
  /** hierarchy level (0 = the top); 0 without a hierarchy */
  readonly level: number;
  /** first lockable id of the run */
  readonly firstId: number;
  /** how many ids */
  readonly count: number;
  /** P(a request locks one given key of the class) */
  readonly share: number;
  /** false for a bucket of the zipf tail, whose keys differ a little and `share` is their mean */
  readonly exact: boolean;
}

/** The key space as the formulas see it. */
export interface KeyShares {
  /** lockable ids (every node of every level of a hierarchy) */
  readonly keyCount: number;
  /** keys one request locks: 1, lock.keys count, or the number of levels */
  readonly keysPerRequest: number;
  /** hottest first; the shares of each level sum to 1 (to keysPerRequest without a hierarchy) */
  readonly classes: readonly KeyClass[];
  /** P(two independent requests lock at least one common key) */
  readonly pairCollision: number;
  /** when two requests collide exactly when they pick the same of this many equally likely keys: the exact birthday formula applies */
  readonly birthdayKeys?: number;
  /** shares are approximations (multi-key requests over skewed keys); the reason, for the output */
  readonly approximation?: string;
}

/** Per-rank classes below this many nodes of a level; beyond it the zipf tail is bucketed. */
const EXACT_CLASSES = 100_000;
/** A tail bucket spans this fraction of its first rank: the weights in it differ by < 0.1%·s. */
const BUCKET_GROWTH = 1e-3;

/** The picked resource id's distribution over [0, count): share of a range of ids, and where it is piecewise constant. */
interface PickedIds {
  readonly count: number;
  /** share of the picks that land in [from, to) */
  rangeShare(from: number, to: number): number;
  /** ids where a piecewise-constant share changes (empty: constant); undefined: it changes at every id (zipf) */
  readonly breakpoints: readonly number[] | undefined;
}

function overlap(from: number, to: number, low: number, high: number): number {
  return Math.max(0, Math.min(to, high) - Math.max(from, low));
}

function uniformIds(count: number): PickedIds {
  return { count, rangeShare: (from, to) => (to - from) / count, breakpoints: [] };
}

/** Mirrors createHotspotPicker: ceil(hotKeys·count) hot ids; with no hot or no cold ids it is uniform. */
function hotspotIds(count: number, hotKeys: number, hotTraffic: number): PickedIds {
  const hotCount = Math.min(count, Math.ceil(hotKeys * count));
  if (hotCount === 0 || hotCount === count) return uniformIds(count);
  const hotShare = hotTraffic / hotCount;
  const coldShare = (1 - hotTraffic) / (count - hotCount);
  return {
    count,
    rangeShare: (from, to) => overlap(from, to, 0, hotCount) * hotShare + overlap(from, to, hotCount, count) * coldShare,
    breakpoints: [hotCount],
  };
}

function zipfIds(count: number, s: number): PickedIds {
  if (s === 0 || count === 1) return uniformIds(count);
  const sums = new ZipfSums(s);
  const total = sums.between(1, count);
  // id i is rank i + 1
  return { count, rangeShare: (from, to) => sums.between(from + 1, to) / total, breakpoints: undefined };
}

/** The distribution of the id `resources.pick` draws among `count` resources. */
function pickedIds(spec: KeyPickSpec, count: number): PickedIds {
  switch (spec.type) {
    case 'uniform':
      return uniformIds(count);
    case 'hotspot':
      return hotspotIds(count, spec.hotKeys, spec.hotTraffic);
    case 'zipf':
      return zipfIds(count, spec.s);
  }
}

/**
 * Classes of one level: `nodes` nodes, node j covering picked ids [j·width, (j+1)·width), at lockable ids
 * from `offset`. Adjacent nodes with the same share merge into one class.
 */
function levelClasses(ids: PickedIds, level: number, offset: number, nodes: number, width: number): KeyClass[] {
  const classes: KeyClass[] = [];
  const add = (first: number, end: number, share: number, exact: boolean): void => {
    const last = classes[classes.length - 1];
    if (last !== undefined && last.exact && exact && last.share === share && last.firstId + last.count === offset + first) {
      classes[classes.length - 1] = { ...last, count: last.count + end - first };
    } else classes.push({ level, firstId: offset + first, count: end - first, share, exact });
  };
  const nodeShare = (first: number, end: number): number => ids.rangeShare(first * width, end * width) / (end - first);

  if (ids.breakpoints !== undefined) {
    // constant between breakpoints: a node that straddles one is a class of its own
    const cuts = new Set<number>([0, nodes]);
    for (const breakpoint of ids.breakpoints) {
      const node = Math.floor(breakpoint / width);
      cuts.add(node);
      if (breakpoint % width !== 0) cuts.add(node + 1);
    }
    const sorted = [...cuts].filter((cut) => cut <= nodes).sort((a, b) => a - b);
    for (let i = 0; i + 1 < sorted.length; i++) add(sorted[i], sorted[i + 1], nodeShare(sorted[i], sorted[i] + 1), true);
    return classes;
  }
  const exactNodes = Math.min(nodes, EXACT_CLASSES);
  for (let node = 0; node < exactNodes; node++) add(node, node + 1, nodeShare(node, node + 1), true);
  for (let node = exactNodes; node < nodes; ) {
    const end = Math.min(nodes, node + Math.max(1, Math.floor(node * BUCKET_GROWTH)));
    add(node, end, nodeShare(node, end), end - node === 1);
    node = end;
  }
  return classes;
}

function hottestFirst(classes: KeyClass[]): KeyClass[] {
  return classes.sort((a, b) => b.share - a.share || a.firstId - b.firstId);
}

function sumOfSquares(classes: readonly KeyClass[]): number {
  return classes.reduce((sum, keyClass) => sum + keyClass.count * keyClass.share * keyClass.share, 0);
}

/**
 * Multi-key requests lock `keys` distinct ids drawn with the picker. The chance that id i is among them is
 * approximated as 1 − (1 − p_i)^t with t draws chosen so the chances add up to `keys` (exact for uniform picks).
 */
function inclusionClasses(base: readonly KeyClass[], keys: number): KeyClass[] {
  const included = (draws: number): number =>
    base.reduce((sum, keyClass) => sum + keyClass.count * -Math.expm1(draws * Math.log1p(-keyClass.share)), 0);
  let low = keys;
  let high = keys;
  for (let doublings = 0; included(high) < keys && doublings < 64; doublings++) high *= 2;
  for (let step = 0; step < 100; step++) {
    const middle = (low + high) / 2;
    if (included(middle) < keys) low = middle;
    else high = middle;
  }
  return base.map((keyClass) => ({ ...keyClass, share: -Math.expm1(high * Math.log1p(-keyClass.share)) }));
}

/** Nodes per level, top down (2 trains, 20 coaches, 1,440 seats for 2 × 10 × 72). */
function nodesPerLevel(levels: readonly { readonly count: number }[]): number[] {
  let nodes = 1;
  return levels.map((level) => (nodes *= level.count));
}

/** The shares of every lockable key of the scenario (lock.keys: one key, N keys, or a hierarchy). */
export function keyShares(scenario: ResolvedScenario): KeyShares {
  const { count, pick } = scenario.resources;
  const ids = pickedIds(pick, count);
  const keys = scenario.lock.keys;
  if (keys?.type === 'levels') {
    const nodes = nodesPerLevel(keys.levels);
    const leaves = nodes[nodes.length - 1];
    const classes: KeyClass[] = [];
    let offset = 0;
    nodes.forEach((levelNodes, level) => {
      classes.push(...levelClasses(ids, level, offset, levelNodes, leaves / levelNodes));
      offset += levelNodes;
    });
    // two requests share some key exactly when they share the top-level one
    const top = classes.filter((keyClass) => keyClass.level === 0);
    return {
      keyCount: offset,
      keysPerRequest: nodes.length,
      classes: hottestFirst(classes),
      pairCollision: sumOfSquares(top),
      ...(top.length === 1 && { birthdayKeys: nodes[0] }),
    };
  }
  const single = levelClasses(ids, 0, 0, count, 1);
  if (keys?.type !== 'count' || keys.count === 1) {
    return {
      keyCount: count,
      keysPerRequest: 1,
      classes: hottestFirst(single),
      pairCollision: sumOfSquares(single),
      ...(single.length === 1 && { birthdayKeys: count }),
    };
  }
  const multi = inclusionClasses(single, keys.count);
  const noCommonKey = multi.reduce((sum, keyClass) => sum + keyClass.count * Math.log1p(-keyClass.share * keyClass.share), 0);
  return {
    keyCount: count,
    keysPerRequest: keys.count,
    classes: hottestFirst(multi),
    pairCollision: -Math.expm1(noCommonKey),
    ...(single.length > 1 && {
      approximation: `each request locks ${keys.count} distinct keys of skewed picks: a key's share is 1 − (1 − p)^t with t draws making the shares add up to ${keys.count}`,
    }),
  };
}
