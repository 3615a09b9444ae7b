/**
 * The simulator's agenda: a binary min-heap of (time, insertion order) over typed arrays, so
 * millions of pending events cost no objects and no garbage. Events at the same time come
 * out in the order they were scheduled, which makes a simulation deterministic.
 */
export class EventQueue {
  private times = new Float64Array(1024);
  private orders = new Float64Array(1024);
  /** what happens: the simulator's (slot << 4 | kind) */
  private words = new Int32Array(1024);
  /** one number of context (a request serial or a key id) */
  private extras = new Float64Array(1024);
  private count = 0;
  private scheduled = 0;

  /** time of the event `pop` would return; Infinity when empty */
  get nextTime(): number {
    return this.count === 0 ? Infinity : this.times[0];
  }

  get size(): number {
    return this.count;
  }

  /** The word and extra of the last popped event. */
  word = 0;
  extra = 0;

  push(time: number, word: number, extra = 0): void {
    if (this.count === this.times.length) this.grow();
    const order = this.scheduled++;
    const times = this.times;
    const orders = this.orders;
    let i = this.count++;
    // sift up: move parents down until the new event's place is found
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (pt < time || (pt === time && orders[parent] < order)) break;
      times[i] = pt;
      orders[i] = orders[parent];
      this.words[i] = this.words[parent];
      this.extras[i] = this.extras[parent];
      i = parent;
    }
    times[i] = time;
    orders[i] = order;
    this.words[i] = word;
    this.extras[i] = extra;
  }

  /** Removes the earliest event: its time is returned, its word and extra are left in `word` and `extra`. */
  pop(): number {
    const times = this.times;
    const orders = this.orders;
    const words = this.words;
    const extras = this.extras;
    const time = times[0];
    this.word = words[0];
    this.extra = extras[0];
    const last = --this.count;
    if (last > 0) {
      const lt = times[last];
      const lo = orders[last];
      const lw = words[last];
      const le = extras[last];
      let i = 0;
      // sift down: move the smaller child up until the last event fits
      for (;;) {
        let child = 2 * i + 1;
        if (child >= last) break;
        const right = child + 1;
        if (right < last && (times[right] < times[child] || (times[right] === times[child] && orders[right] < orders[child]))) child = right;
        const ct = times[child];
        if (lt < ct || (lt === ct && lo < orders[child])) break;
        times[i] = ct;
        orders[i] = orders[child];
        words[i] = words[child];
        extras[i] = extras[child];
        i = child;
      }
      times[i] = lt;
      orders[i] = lo;
      words[i] = lw;
      extras[i] = le;
    }
    return time;
  }

  private grow(): void {
    const size = this.times.length * 2;
    const times = new Float64Array(size);
    times.set(this.times);
    this.times = times;
    const orders = new Float64Array(size);
    orders.set(this.orders);
    this.orders = orders;
    const words = new Int32Array(size);
    words.set(this.words);
    this.words = words;
    const extras = new Float64Array(size);
    extras.set(this.extras);
    this.extras = extras;
  }
}
