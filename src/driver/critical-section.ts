/** Inside the lock: the ground-truth board, the protected state's read → hold → write, and the client faults that strike there. */
import type { Lease } from '../backends/types.js';
import { monotonicMs, sleep } from '../clock.js';
import { nextValue, Write } from '../safety/resource-model.js';
import type { FaultWindow } from './fault-plan.js';
import type { CycleContext, LockRequest } from './lock-cycle.js';

/** Puts the holder on the ground-truth board at its grant; a grant into a key someone else holds is an overlap. Returns its slot. */
export function enterBoard(context: CycleContext, request: LockRequest, id: number, grantedAt: number): number {
  const { holders, recorder } = context;
  const slot = holders.enter(id, request.client, grantedAt);
  if (holders.others > 0) recorder.overlap(request.phase, context.overlapsCount);
  if (holders.reclaimedAfterMs >= 0) recorder.reclaimed(holders.reclaimedAfterMs);
  return slot;
}

/** Takes the holder off the board at `now` (crashed: it vanished); the overlaps it ends become examples. */
export function leaveBoard(context: CycleContext, request: LockRequest, id: number, slot: number, now: number, crashed = false): void {
  const { holders, recorder } = context;
  if (crashed) holders.crash(id, slot, now);
  else holders.leave(id, slot, now);
  for (let i = 0; i < holders.pairCount && recorder.wantsOverlapExamples; i++) {
    recorder.overlapExample({
      key: context.keyOf(id),
      holders: [String(holders.pairClient[i]), String(request.client)],
      atMs: holders.pairSince[i] - context.startAt,
      overlapMs: holders.pairOverlapMs[i],
    });
  }
}

/** The fence a holder presents to the protected store: its lease's, 0 without a lock. */
export function fenceOf(lease: Lease | null | undefined): number {
  return lease ? Number(lease.fence) : 0;
}

/**
 * Holds for the request's hold time, as struck by the client faults: a pause freezes the
 * client until the fault ends (its work resumes after; `pause` suspends and resumes its
 * renewals), a crash ends the hold at once. Returns the crash, or undefined when the
 * work is done (or the run was stopped). Only called when the run has client faults.
 */
export async function holdThroughFaults(context: CycleContext, request: LockRequest, pause?: (paused: boolean) => void): Promise<FaultWindow | undefined> {
  const { signal, recorder } = context;
  const faults = context.faults!;
  let workLeft = request.holdMs;
  let now = monotonicMs();
  for (;;) {
    const hit = faults.nextHit(request.client, now, now + workLeft);
    if (!hit) {
      if (workLeft > 0) await sleep(workLeft, signal);
      return undefined;
    }
    if (hit.start > now) {
      await sleep(hit.start - now, signal);
      workLeft -= hit.start - now;
    }
    if (signal.aborted) return undefined;
    recorder.faultHit(hit.index);
    if (hit.type === 'client-crash') return hit;
    pause?.(true);
    await sleep(hit.end - monotonicMs(), signal);
    pause?.(false);
    if (signal.aborted) return undefined;
    now = monotonicMs();
  }
}

/** A holder crashed: off the board, no write, no release; the lock outlives it until its lease runs out. */
export function recordCrash(context: CycleContext, request: LockRequest, id: number, lease: Lease | null | undefined): void {
  const now = monotonicMs();
  context.recorder.crashed({
    key: context.keyOf(id),
    client: String(request.client),
    atMs: now - context.startAt,
    ghostMs: lease ? Math.max(0, lease.expiresAt - now) : 0,
  });
}

/**
 * The holder's write after its read: what the resource model makes of the value read
 * (NaN = nothing to do). Damage and accepted stale writes are violations.
 */
export async function writeResource(context: CycleContext, request: LockRequest, id: number, fence: number, current: number): Promise<void> {
  const { store, spec } = context.resource!;
  const value = nextValue(spec, current, request.amount);
  if (Number.isNaN(value)) {
    await store.skip();
    return;
  }
  recordWrite(context, request, await store.write(id, fence, value, request.amount));
}

/** Counts what a write did: damage, or a stale write the store took, is a violation. */
export function recordWrite(context: CycleContext, request: LockRequest, result: number): void {
  if (result & Write.DAMAGE) context.recorder.violation(request.phase);
  if ((result & (Write.ACCEPTED | Write.STALE)) === (Write.ACCEPTED | Write.STALE)) context.recorder.violation(request.phase);
}
