/**
 * The simulator's agenda: a calendar queue over typed arrays. Events due within the current
 * millisecond sit in a small binary heap; later ones wait unsorted in one-millisecond buckets
 * (a ring covering the next ~65 s), and events further out in an overflow heap. A simulation
 * with a million pending events (queued waiters' timeouts, long holds) then pays for a heap of
 * a few hundred, not a million: pushes are O(1), and each event is sorted once, when its
 * millisecond comes. Same sequence of pushes and pops, same order out: deterministic.
 */
import { grownArray } from './typed-arrays.js';

/** Width of a bucket, ms. */
const BUCKET_MS = 1;
/** Buckets in the ring (a power of two): the horizon is RING × BUCKET_MS. */
const RING = 1 << 16;
const RING_MASK = RING - 1;

/** A binary min-heap of (time, word, extra). */
class Heap {
  times = new Float64Array(256);
  words = new Int32Array(256);
  extras = new Int32Array(256);
  count = 0;
  word = 0;
  extra = 0;

  push(time: number, word: number, extra: number): void {
    if (this.count === this.times.length) this.grow();
    const times = this.times;
    const words = this.words;
    const extras = this.extras;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (pt <= time) break;
      times[i] = pt;
      words[i] = words[parent];
      extras[i] = extras[parent];
      i = parent;
    }
    times[i] = time;
    words[i] = word;
    extras[i] = extra;
  }

  /** Removes the earliest; returns its time, leaves its word and extra in the fields. */
  pop(): number {
    const times = this.times;
    const words = this.words;
    const extras = this.extras;
    const time = times[0];
    this.word = words[0];
    this.extra = extras[0];
    const last = --this.count;
    if (last > 0) {
      const lt = times[last];
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= last) break;
        if (child + 1 < last && times[child + 1] < times[child]) child++;
        const ct = times[child];
        if (lt <= ct) break;
        times[i] = ct;
        words[i] = words[child];
        extras[i] = extras[child];
        i = child;
      }
      times[i] = lt;
      words[i] = words[last];
      extras[i] = extras[last];
    }
    return time;
  }

  private grow(): void {
    const size = this.times.length * 2;
    this.times = grownArray(this.times, size);
    this.words = grownArray(this.words, size);
    this.extras = grownArray(this.extras, size);
  }
}

export class EventQueue {
  /** events of buckets up to `cursor` */
  private readonly near = new Heap();
  /** events beyond the ring's horizon */
  private readonly far = new Heap();
  /** the ring: per bucket the head of a singly linked list of pooled entries (-1 = empty) */
  private readonly heads = new Int32Array(RING).fill(-1);
  private times = new Float64Array(1024);
  private words = new Int32Array(1024);
  private extras = new Int32Array(1024);
  private links = new Int32Array(1024);
  private free = -1;
  private pooled = 0;
  /** entries in the ring */
  private inRing = 0;
  /** the last bucket whose events were moved into `near` */
  private cursor = 0;
  private count = 0;

  /** The word and extra of the last popped event. */
  word = 0;
  extra = 0;

  get size(): number {
    return this.count;
  }

  /** Time of the event `pop` would return; Infinity when empty. (Moves the next due bucket into the near heap.) */
  get nextTime(): number {
    if (this.near.count === 0 && !this.advance()) return Infinity;
    return this.near.times[0];
  }

  push(time: number, word: number, extra = 0): void {
    this.count++;
    const bucket = Math.floor(time / BUCKET_MS);
    if (bucket <= this.cursor) this.near.push(time, word, extra);
    else if (bucket - this.cursor < RING) this.toRing(bucket, time, word, extra);
    else this.far.push(time, word, extra);
  }

  /** Removes the earliest event (call nextTime first: it must not be Infinity): returns its time, leaves its word and extra in the fields. */
  pop(): number {
    if (this.near.count === 0) this.advance();
    const time = this.near.pop();
    this.word = this.near.word;
    this.extra = this.near.extra;
    this.count--;
    return time;
  }

  /** Moves the cursor to the next bucket holding events and pours them into the near heap; false when nothing is pending. */
  private advance(): boolean {
    if (this.count === 0) return false;
    for (;;) {
      if (this.near.count > 0) return true;
      if (this.inRing === 0) {
        // nothing within the horizon: jump to just before the far heap's first bucket
        this.cursor = Math.max(this.cursor, Math.floor(this.far.times[0] / BUCKET_MS) - 1);
      }
      this.cursor++;
      this.pullFar();
      const slot = this.cursor & RING_MASK;
      let entry = this.heads[slot];
      this.heads[slot] = -1;
      while (entry >= 0) {
        const next = this.links[entry];
        this.near.push(this.times[entry], this.words[entry], this.extras[entry]);
        this.links[entry] = this.free;
        this.free = entry;
        this.inRing--;
        entry = next;
      }
    }
  }

  /** Far events whose bucket came within the horizon go into the ring (or straight into near when due). */
  private pullFar(): void {
    const far = this.far;
    while (far.count > 0 && Math.floor(far.times[0] / BUCKET_MS) - this.cursor < RING) {
      const time = far.pop();
      const bucket = Math.floor(time / BUCKET_MS);
      if (bucket <= this.cursor) this.near.push(time, far.word, far.extra);
      else this.toRing(bucket, time, far.word, far.extra);
    }
  }

  private toRing(bucket: number, time: number, word: number, extra: number): void {
    let entry = this.free;
    if (entry >= 0) this.free = this.links[entry];
    else {
      if (this.pooled === this.times.length) this.grow();
      entry = this.pooled++;
    }
    this.times[entry] = time;
    this.words[entry] = word;
    this.extras[entry] = extra;
    const slot = bucket & RING_MASK;
    this.links[entry] = this.heads[slot];
    this.heads[slot] = entry;
    this.inRing++;
  }

  private grow(): void {
    const size = this.times.length * 2;
    this.times = grownArray(this.times, size);
    this.words = grownArray(this.words, size);
    this.extras = grownArray(this.extras, size);
    this.links = grownArray(this.links, size);
  }
}
