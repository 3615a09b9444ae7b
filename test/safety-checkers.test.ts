/** The checkers and client policies on their own: the holder board, the protected store, the circuit breaker, the fault plan. */
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerState } from '../src/driver/circuit-breaker.js';
import { FaultPlan } from '../src/driver/fault-plan.js';
import { allocateHolderBoard, HolderBoard } from '../src/safety/holder-board.js';
import { nextValue, Write } from '../src/safety/resource-model.js';
import { resourceOutcome } from '../src/safety/resource-store.js';
import { allocateSharedResource, SharedResourceStore, tallySharedResource } from '../src/safety/shared-resource-store.js';
import type { ResourceSpec } from '../src/scenario/types.js';

const busyWait = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('holder board (interval overlap)', () => {
  it('a second holder of a key is an overlap; the pair’s overlap is known when the first leaves', () => {
    const board = new HolderBoard(allocateHolderBoard(3));
    const first = board.enter(1, 100);
    expect(board.others).toBe(0);
    busyWait(2);
    const second = board.enter(1, 200);
    expect(board.others).toBe(1);
    expect(board.otherClient).toBe(100);
    busyWait(3);
    board.leave(1, first);
    expect(board.pairCount).toBe(1);
    expect(board.pairClient[0]).toBe(200);
    expect(board.pairOverlapMs[0]).toBeGreaterThanOrEqual(3);
    board.leave(1, second);
    expect(board.pairCount).toBe(0);
    expect(board.overlapMs).toBeGreaterThanOrEqual(3);
    // another key is independent
    board.enter(2, 300);
    expect(board.others).toBe(0);
  });

  it('counts holders beyond its slots and times a crashed holder’s reclaim', () => {
    const board = new HolderBoard(allocateHolderBoard(1));
    const slots = Array.from({ length: 6 }, (_, client) => board.enter(0, client));
    expect(board.others).toBe(5);
    expect(slots.filter((slot) => slot < 0)).toHaveLength(2);
    for (const slot of slots) board.leave(0, slot);
    const holder = board.enter(0, 9);
    board.crash(0, holder);
    busyWait(2);
    board.enter(0, 10);
    expect(board.others).toBe(0);
    expect(board.reclaimedAfterMs).toBeGreaterThanOrEqual(2);
  });
});

describe('protected store (shared memory)', () => {
  const counter = (fencing: boolean): ResourceSpec => ({ type: 'counter', fencing, store: { type: 'memory' } });

  it('without fencing takes a stale write and flags it; the tally shows the lost update', () => {
    const memory = allocateSharedResource(counter(false), 1);
    const store = new SharedResourceStore(counter(false), memory);
    const old = store.read(0, 1); // holder with fence 1 reads, then stalls
    const young = store.read(0, 2); // its lease expired; fence 2 reads the same value
    expect(store.write(0, 2, young + 1, 1)).toBe(Write.ACCEPTED);
    expect(store.write(0, 1, old + 1, 1)).toBe(Write.ACCEPTED | Write.STALE);
    const outcome = resourceOutcome(counter(false), tallySharedResource(memory));
    expect(outcome).toMatchObject({ type: 'counter', increments: 2, finalValue: 1, lostUpdates: 1, staleWritesAccepted: 1, violations: 2 });
  });

  it('with fencing rejects the stale write: nothing is lost', () => {
    const memory = allocateSharedResource(counter(true), 1);
    const store = new SharedResourceStore(counter(true), memory);
    const old = store.read(0, 1);
    const young = store.read(0, 2);
    // the stale holder writes first: its fence is already below the highest seen (the read of fence 2)
    expect(store.write(0, 1, old + 1, 1)).toBe(Write.STALE);
    expect(store.write(0, 2, young + 1, 1)).toBe(Write.ACCEPTED);
    const outcome = resourceOutcome(counter(true), tallySharedResource(memory));
    expect(outcome).toMatchObject({ increments: 1, finalValue: 1, lostUpdates: 0, staleWritesRejected: 1, staleWritesAccepted: 0, violations: 0 });
  });

  it('the models: inventory sells down to zero, a wallet declines what it cannot pay, a booked seat is taken', () => {
    const inventory: ResourceSpec = { type: 'inventory', stock: 1, fencing: false, store: { type: 'memory' } };
    expect(nextValue(inventory, 1, 1)).toBe(0);
    expect(nextValue(inventory, 0, 1)).toBeNaN();
    const wallet: ResourceSpec = { type: 'wallet', balance: 1000, debit: { min: 500, max: 600 }, fencing: false, store: { type: 'memory' } };
    expect(nextValue(wallet, 1000, 600)).toBe(400);
    expect(nextValue(wallet, 400, 500)).toBeNaN();
    // the Paytm story: two debits read 1000 at once and both pass
    const memory = allocateSharedResource(wallet, 1);
    const store = new SharedResourceStore(wallet, memory);
    const a = store.read(0, 0);
    const b = store.read(0, 0);
    expect(store.write(0, 0, a - 600, 600)).toBe(Write.ACCEPTED);
    expect(store.write(0, 0, b - 500, 500)).toBe(Write.ACCEPTED | Write.DAMAGE);
    expect(resourceOutcome(wallet, tallySharedResource(memory))).toMatchObject({ debited: 1100, negativeBalances: 1, minBalance: -100 });
    const seat: ResourceSpec = { type: 'seat', fencing: false, store: { type: 'memory' } };
    expect(nextValue(seat, 0, 1)).toBe(1);
    expect(nextValue(seat, 1, 1)).toBeNaN();
  });
});

describe('circuit breaker', () => {
  it('opens on the failure rate, fails fast while open, and lets one probe decide', () => {
    const changes: string[] = [];
    const breaker = new CircuitBreaker(
      { strategy: 'circuit-breaker', backoff: { strategy: 'none' }, failureRate: 0.5, windowMs: 1000, minAttempts: 4, openForMs: 100, countBusy: true },
      (from: BreakerState, to: BreakerState) => changes.push(`${from}→${to}`),
    );
    let now = 1000;
    breaker.record(now, 'granted');
    breaker.record(now, 'busy');
    breaker.record(now, 'granted');
    expect(breaker.state).toBe('closed'); // 1 of 3: too few attempts for a verdict anyway
    breaker.record(now, 'busy'); // 2 of 4 failed: 50%
    expect(breaker.state).toBe('open');
    expect(breaker.allow(now + 50)).toBe(false);
    now += 150;
    expect(breaker.allow(now)).toBe(true); // the probe
    expect(breaker.state).toBe('half-open');
    expect(breaker.allow(now)).toBe(false); // one probe at a time
    breaker.record(now, 'error');
    expect(breaker.state).toBe('open');
    now += 150;
    expect(breaker.allow(now)).toBe(true);
    breaker.record(now, 'granted');
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['closed→open', 'open→half-open', 'half-open→open', 'open→half-open', 'half-open→closed']);
  });

  it('forgets failures older than its window, and may ignore busy keys', () => {
    const spec = { strategy: 'circuit-breaker' as const, backoff: { strategy: 'none' as const }, failureRate: 0.5, windowMs: 100, minAttempts: 2, openForMs: 100, countBusy: false };
    const breaker = new CircuitBreaker(spec, () => undefined);
    breaker.record(0, 'busy');
    breaker.record(1, 'busy');
    expect(breaker.state).toBe('closed'); // busy does not count
    breaker.record(2, 'error');
    breaker.record(500, 'granted');
    breaker.record(501, 'granted');
    expect(breaker.state).toBe('closed'); // the error aged out
  });
});

describe('fault plan', () => {
  it('hits a seeded share of clients, the same ones whatever the worker count, only inside the window', () => {
    const plan = new FaultPlan([{ type: 'client-pause', atMs: 100, durationMs: 50, fraction: 0.25 }], 1000, 42);
    const hit = Array.from({ length: 4000 }, (_, client) => plan.nextHit(client, 1090, 1110) !== undefined).filter(Boolean).length;
    expect(hit).toBeGreaterThan(800);
    expect(hit).toBeLessThan(1200);
    const again = new FaultPlan([{ type: 'client-pause', atMs: 100, durationMs: 50, fraction: 0.25 }], 1000, 42);
    for (let client = 0; client < 100; client++) expect(again.nextHit(client, 1120, 1121)).toEqual(plan.nextHit(client, 1120, 1121));
    // work that ends before the fault or starts after it is never hit
    const all = new FaultPlan([{ type: 'client-crash', atMs: 100, durationMs: 50, fraction: 1 }], 1000, 42);
    expect(all.nextHit(7, 1000, 1099)).toBeUndefined();
    expect(all.nextHit(7, 1150, 1200)).toBeUndefined();
    expect(all.nextHit(7, 1000, 1100)?.type).toBe('client-crash');
  });

  it('blocks the first ⌈fraction × workers⌉ event loops', () => {
    const plan = new FaultPlan([{ type: 'event-loop-block', atMs: 0, durationMs: 10, fraction: 0.5 }], 0, 1);
    expect([0, 1, 2, 3].map((worker) => plan.loopBlocksOf(worker, 4).length)).toEqual([1, 1, 0, 0]);
    expect(plan.loopBlocksOf(0, 1)).toHaveLength(1);
    expect(plan.hasClientFaults).toBe(false);
  });
});
