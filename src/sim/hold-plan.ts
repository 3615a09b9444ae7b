/**
 * What happens to a holder between its grant and its release, worked out at the grant: the
 * client faults that strike it (a pause freezes its work and its renewals; a crash ends it),
 * the renewals it sends, and whether its lease runs out at the server before the release
 * gets there. Everything is known at the grant (the fault timeline and the holder's draws are
 * fixed), so a hold costs events only for what really happens: its end, and a lapse or crash.
 */
import type { FaultPlan, FaultWindow } from '../driver/fault-plan.js';

/** The client faults of the simulation: FaultPlan's client faults, plus event-loop blocks, which pause every client of a blocked worker thread. */
export class SimFaults {
  constructor(
    private readonly plan: FaultPlan,
    /** the event-loop blocks and the worker threads each one stops (the first `workers` of them) */
    private readonly loopBlocks: readonly { readonly window: FaultWindow; readonly workers: number }[],
    private readonly workerCount: number,
  ) {}

  /** The earliest fault that strikes `client` while it works in [from, until]. */
  nextHit(client: number, from: number, until: number): FaultWindow | undefined {
    let first = this.plan.nextHit(client, from, until);
    const worker = client % this.workerCount;
    for (const block of this.loopBlocks) {
      const window = block.window;
      if (worker >= block.workers || window.end <= from || window.start > until) continue;
      if (!first || window.start < first.start) first = window;
    }
    return first;
  }
}

/** The holder's timeline from its grant. */
export interface HoldPlan {
  /** when the work ends and the release is sent, or when the client crashes */
  at: number;
  crashed: boolean;
  /** client faults that struck it (indices into the scenario's faults; event-loop blocks are counted per thread elsewhere) */
  readonly hits: number[];
  /** [start, end) of each pause, in time order */
  readonly pauses: number[];
}

/** Works out the hold from `grantedAt`: `holdMs` of work, stretched by pauses, or cut by a crash. */
export function planHold(faults: SimFaults | undefined, client: number, grantedAt: number, holdMs: number, into: HoldPlan): HoldPlan {
  if (!faults) {
    // without faults the lists stay empty and nothing crashes
    into.at = grantedAt + holdMs;
    return into;
  }
  into.hits.length = 0;
  into.pauses.length = 0;
  into.crashed = false;
  let now = grantedAt;
  let workLeft = holdMs;
  for (;;) {
    const hit = faults.nextHit(client, now, now + workLeft);
    if (!hit) {
      into.at = now + workLeft;
      return into;
    }
    if (hit.start > now) {
      workLeft -= hit.start - now;
      now = hit.start;
    }
    if (hit.type !== 'event-loop-block') into.hits.push(hit.index);
    if (hit.type === 'client-crash') {
      into.at = now;
      into.crashed = true;
      return into;
    }
    into.pauses.push(now, hit.end);
    now = hit.end;
  }
}

/**
 * The lease's fate under renewals: the client extends every `everyMs` from the grant (a
 * paused client skips its ticks and renews as it wakes, like src/driver/renewal.ts);
 * each extend reaches the server `leg()` later and moves the expiry to arrival + ttl, unless
 * the lease had already run out, which fails the renewal and marks the lease lost.
 * Returns the server expiry after the last renewal sent before `until`.
 */
export function renewLease(
  plan: HoldPlan,
  grantedAt: number,
  expiry: number,
  everyMs: number,
  ttlMs: number,
  leg: () => number,
  out: { renewals: number; lost: boolean },
): number {
  out.renewals = 0;
  out.lost = false;
  const until = plan.at;
  const pauses = plan.pauses;
  /** one extend sent at `at`; false once nothing more is sent (the hold is over, or the lease is lost) */
  const send = (at: number): boolean => {
    if (at >= until) return false;
    const arrival = at + leg();
    if (arrival > expiry) {
      out.lost = true;
      return false;
    }
    expiry = arrival + ttlMs;
    out.renewals++;
    return true;
  };
  let p = 0;
  for (let k = 1; ; k++) {
    const tick = grantedAt + k * everyMs;
    // pauses over before this tick: the client renews as it wakes (src/driver/renewal.ts resume)
    while (p < pauses.length && pauses[p + 1] <= tick) {
      if (!send(pauses[p + 1])) return expiry;
      p += 2;
    }
    if (tick >= until) return expiry;
    const asleep = p < pauses.length && pauses[p] <= tick;
    if (!asleep && !send(tick)) return expiry;
  }
}
