/**
 * Znode names of the lock recipe: one parent per lock key under the root, and
 * in it one `${guid}-lock-${sequence}` child per holder or waiter.
 */
import { randomBytes } from 'node:crypto';

/** What ZooKeeper appends to a sequential node's name: 10 zero-padded digits. */
const SEQUENCE_DIGITS = 10;

/**
 * Characters a znode name may not hold ('/', the ranges ZooKeeper rejects)
 * and '%', the escape itself, so the encoding stays reversible.
 */
const UNSAFE = /[%/\u0000-\u001f\u007f-\u009f\ud800-\uf8ff\ufff0-\uffff]/g;

function escape(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100 ? `%${code.toString(16).padStart(2, '0').toUpperCase()}` : `%u${code.toString(16).padStart(4, '0').toUpperCase()}`;
}

/**
 * A lock key as one znode name: ':' and most text stay as they are, '/' and
 * the characters ZooKeeper forbids are percent-escaped, and the names '.',
 * '..' (relative paths) and '' become escapes too.
 */
export function encodeLockKey(key: string): string {
  if (key === '') return '%';
  if (key === '.' || key === '..') return key.replaceAll('.', '%2E');
  return key.replace(UNSAFE, escape);
}

/**
 * The parent znode of each lock key, memoised: the driver asks for the same
 * few thousand keys over and over. Lock parents are never deleted during a run,
 * since the sequence numbers in them are the keys' fences.
 */
export class LockParents {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly root: string,
    private readonly capacity = 100_000,
  ) {}

  of(key: string): string {
    let parent = this.cache.get(key);
    if (parent === undefined) {
      if (this.cache.size >= this.capacity) this.cache.clear();
      parent = `${this.root}/${encodeLockKey(key)}`;
      this.cache.set(key, parent);
    }
    return parent;
  }
}

/**
 * Unique name prefixes for this client's lock nodes (the recipe's "guid": after
 * a connection loss during create, the node is found again by its prefix).
 * A random id per client plus a counter: unique without a UUID per call.
 */
export class NodePrefixes {
  private readonly clientId = randomBytes(6).toString('hex');
  private counter = 0;

  /** `${clientId}-${n}-lock-` */
  next(): string {
    return `${this.clientId}-${(this.counter++).toString(36)}-lock-`;
  }
}

/** The sequence number ZooKeeper appended to `name`, or NaN for a foreign child. */
export function sequenceOf(name: string): number {
  if (name.length <= SEQUENCE_DIGITS) return Number.NaN;
  return Number(name.slice(-SEQUENCE_DIGITS));
}

/** Where our node stands among its siblings. */
export interface Standing {
  /** our node is among the children (false: it is gone, e.g. its session expired) */
  readonly present: boolean;
  /** the child with the highest sequence below ours: the one to wait for; undefined = we hold the lock */
  readonly nextLower: string | undefined;
}

/** Finds our node (`sequence`) and the one just below it among `children`, in one pass. */
export function standingOf(children: readonly string[], sequence: number): Standing {
  let present = false;
  let nextLower: string | undefined;
  let nextLowerSequence = -1;
  for (const child of children) {
    const childSequence = sequenceOf(child);
    if (childSequence === sequence) present = true;
    else if (childSequence < sequence && childSequence > nextLowerSequence) {
      nextLower = child;
      nextLowerSequence = childSequence;
    }
  }
  return { present, nextLower };
}
