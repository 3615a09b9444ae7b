/**
 * How requests map onto lockable ids. One key per request (the picked resource id); several
 * distinct ones (lock.keys: N); or a hierarchy (lock.keys.levels, e.g. train → coach → seat):
 * the picked id is a leaf, and the request locks its ancestor at every level, top down.
 * Hierarchy ids are laid out level by level (all trains, then all coaches, then all seats),
 * so ascending id order is the top-down order: one global order, no deadlock.
 */
export { leafCount } from '../scenario/hierarchy.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { createKeyFormatter } from './keys.js';
import type { KeyPicker, Rng } from './types.js';

/** The lockable ids of a run and how a request picks its own. */
export interface LockKeySpace {
  /** lockable ids: resources.count, or every node of every level of a hierarchy */
  readonly lockableCount: number;
  /** the ids that carry protected state are [stateOffset, stateOffset + stateCount): the leaves of a hierarchy, else all */
  readonly stateOffset: number;
  readonly stateCount: number;
  readonly keyOf: (id: number) => string;
  /** the ids one request locks, ascending; absent = one key, the picked id */
  readonly idsOf?: (picker: KeyPicker, rng: Rng) => number[];
}

/** Draws beyond which a skewed picker that keeps landing on taken ids gives way to the next free ids. */
const DRAWS_PER_KEY = 32;

/** The key space of a scenario. */
export function lockKeySpace(scenario: ResolvedScenario): LockKeySpace {
  const { resources } = scenario;
  const keys = scenario.lock.keys;
  const format = createKeyFormatter(resources.key);
  if (keys?.type === 'levels') return hierarchy(keys.levels, (path) => resources.key.split('{id}').join(path));
  const plain = { lockableCount: resources.count, stateOffset: 0, stateCount: resources.count, keyOf: format };
  if (keys?.type !== 'count') return plain;
  return { ...plain, idsOf: (picker, rng) => pickDistinctKeys(picker, rng, keys.count, resources.count) };
}

/**
 * `count` distinct resource ids in [0, resourceCount), drawn with `picker` and sorted
 * ascending: every request locks its keys in the same global order, so none can wait on
 * another in a cycle (no deadlock).
 */
export function pickDistinctKeys(picker: KeyPicker, rng: Rng, count: number, resourceCount: number): number[] {
  const chosen = new Set<number>();
  for (let draws = 0; chosen.size < count && draws < count * DRAWS_PER_KEY; draws++) chosen.add(picker.pick(rng));
  for (let id = 0; chosen.size < count && id < resourceCount; id++) chosen.add(id);
  return [...chosen].sort((a, b) => a - b);
}

/** Nodes per level (2 trains, 20 coaches, 1,440 seats) for `levels` of 2 × 10 × 72. */
function nodesPerLevel(levels: readonly { readonly count: number }[]): number[] {
  let nodes = 1;
  return levels.map((level) => (nodes *= level.count));
}

function hierarchy(levels: readonly { readonly name: string; readonly count: number }[], format: (path: string) => string): LockKeySpace {
  const nodes = nodesPerLevel(levels);
  const offsets: number[] = [];
  let total = 0;
  for (const count of nodes) {
    offsets.push(total);
    total += count;
  }
  const leaves = nodes[nodes.length - 1];
  // a node's key names its path: train:1:coach:3:seat:17 (in resources.key's {id})
  const keyOf = (id: number): string => {
    let level = nodes.length - 1;
    while (id < offsets[level]) level--;
    let index = id - offsets[level];
    const path: string[] = [];
    for (let l = level; l >= 0; l--) {
      path.unshift(`${levels[l].name}:${index % levels[l].count}`);
      index = Math.floor(index / levels[l].count);
    }
    return format(path.join(':'));
  };
  const idsOf = (picker: KeyPicker, rng: Rng): number[] => {
    const leaf = picker.pick(rng);
    return nodes.map((count, level) => offsets[level] + Math.floor(leaf / (leaves / count)));
  };
  return { lockableCount: total, stateOffset: offsets[offsets.length - 1], stateCount: leaves, keyOf, idsOf };
}
