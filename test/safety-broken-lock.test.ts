/** Every safety checker against a lock that grants each key twice: a checker that cannot fire is a defect. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScenarioText } from './helpers/run.js';

const doubleGrant = fileURLToPath(new URL('./fixtures/double-grant-backend.mjs', import.meta.url));

/** 20 users on 2 keys of a lock that lets two clients hold a key at once; the hold is the read → write gap. */
const brokenLock = (resource: string, extra = '') => `
name: broken-lock
workers: 1
users: 20
duration: 1s
drain: 2s
resources: { count: 2, key: "key:{id}" }
backend: { type: module, path: ${JSON.stringify(doubleGrant)}, options: { holders: 2 } }
lock: { ttl: 5s, acquireTimeout: 2s, retry: { strategy: fixed, delay: 1ms } }
hold: 3ms
resource: ${resource}
${extra}
`;

describe('the safety checkers catch a lock that grants twice', () => {
  it('interval overlap: overlaps, with the pair, when and for how long', async () => {
    const report = await runScenarioText(brokenLock('{ type: counter }'));
    expect(report.safety.overlaps).toBeGreaterThan(0);
    expect(report.safety.overlapMs).toBeGreaterThan(0);
    const example = report.safety.examples[0];
    expect(example.key).toMatch(/^key:[01]$/);
    expect(example.holders[0]).not.toBe(example.holders[1]);
    expect(example.overlapMs).toBeGreaterThan(0);
    expect(report.safety.violations?.overlaps).toBe(report.safety.overlaps);
  });

  it('counter: lost updates (increments the final value does not show)', async () => {
    const report = await runScenarioText(brokenLock('{ type: counter }'));
    const resource = report.safety.resource!;
    expect(resource.type).toBe('counter');
    if (resource.type !== 'counter') return;
    expect(resource.lostUpdates).toBeGreaterThan(0);
    expect(resource.finalValue + resource.lostUpdates).toBe(resource.increments);
    // totals.violations is the sum of what each checker saw
    expect(report.totals.violations).toBe(report.safety.overlaps + resource.lostUpdates + resource.staleWritesAccepted);
    expect(report.totals.violations).toBe(Object.values(report.safety.violations!).reduce((sum, count) => sum + count, 0));
  });

  it('inventory: oversells (units sold beyond the stock)', async () => {
    const report = await runScenarioText(brokenLock('{ type: inventory, stock: 20 }'));
    const resource = report.safety.resource!;
    if (resource.type !== 'inventory') throw new Error(`expected inventory, got ${resource.type}`);
    expect(resource.sold).toBeGreaterThan(2 * 20);
    expect(resource.oversells).toBe(resource.sold - 2 * 20);
    expect(resource.stockLeft).toBe(0);
    expect(report.safety.violations?.oversells).toBe(resource.oversells);
  });

  it('wallet: debits that drive a balance below zero, and the lowest balance', async () => {
    const report = await runScenarioText(brokenLock('{ type: wallet, balance: 1000, debit: { min: 400, max: 600 } }'));
    const resource = report.safety.resource!;
    if (resource.type !== 'wallet') throw new Error(`expected wallet, got ${resource.type}`);
    expect(resource.negativeBalances).toBeGreaterThan(0);
    expect(resource.minBalance).toBeLessThan(0);
    expect(resource.debited).toBeGreaterThan(2 * 1000);
  });

  it('seat: double bookings', async () => {
    const report = await runScenarioText(brokenLock('{ type: seat }'));
    const resource = report.safety.resource!;
    if (resource.type !== 'seat') throw new Error(`expected seat, got ${resource.type}`);
    expect(resource.seatsBooked).toBe(2);
    expect(resource.doubleBookings).toBeGreaterThan(0);
    expect(resource.bookings).toBe(2 + resource.doubleBookings);
  });

  it('fencing: stale writes accepted without it, rejected with it (and then no lost update)', async () => {
    const open = await runScenarioText(brokenLock('{ type: counter }'));
    expect(open.safety.resource!.staleWritesAccepted).toBeGreaterThan(0);
    expect(open.safety.resource!.staleWritesRejected).toBe(0);

    const fenced = await runScenarioText(brokenLock('{ type: counter, fencing: true }'));
    const resource = fenced.safety.resource!;
    if (resource.type !== 'counter') throw new Error(`expected counter, got ${resource.type}`);
    expect(resource.staleWritesRejected).toBeGreaterThan(0);
    expect(resource.staleWritesAccepted).toBe(0);
    expect(resource.lostUpdates).toBe(0);
    // the overlaps are still seen, but a fencing store makes them harmless: not counted
    expect(fenced.safety.overlaps).toBeGreaterThan(0);
    expect(fenced.safety.overlapsCounted).toBe(false);
    expect(fenced.totals.violations).toBe(0);
  });

  it('expired: work that finished after the holder’s own lease ran out', async () => {
    const report = await runScenarioText(brokenLock('{ type: counter }').replace('ttl: 5s', 'ttl: 1ms'));
    expect(report.totals.expired).toBeGreaterThan(0);
    expect(report.totals.expired).toBe(report.totals.acquired);
  });
});
