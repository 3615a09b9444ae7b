/** The built-in safety scenarios: each states a claim in its description, gates it with thresholds, and the run must bear it out. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runClaim } from './helpers/claims.js';
import { repoRoot } from './helpers/cli.js';

const safetyDir = join(repoRoot, 'scenarios', 'safety');

describe('built-in safety scenarios', () => {
  it('each states one claim in its description and gates it with thresholds', () => {
    const files = readdirSync(safetyDir).filter((file) => file.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(13);
    for (const file of files) {
      const scenario = parse(readFileSync(join(safetyDir, file), 'utf8')) as { description: string; thresholds?: Record<string, string> };
      expect(scenario.description, file).toMatch(/^Claim: [^\n]+$/);
      expect(Object.keys(scenario.thresholds ?? {}).length, file).toBeGreaterThan(0);
    }
  });

  it('no lock on the flash-sale inventory oversells; with the memory lock it does not', async () => {
    const open = await runClaim('inventory-no-lock');
    expect(open.safety.resource).toMatchObject({ type: 'inventory' });
    expect(open.safety.violations!.oversells).toBeGreaterThan(0);
    expect(open.safety.overlaps).toBeGreaterThan(0);

    const locked = await runClaim('inventory-locked');
    expect(locked.safety.violations!.oversells).toBe(0);
    expect(locked.safety.overlaps).toBe(0);
    expect(locked.totals.violations).toBe(0);
    // the stock really sold out under the lock: the checker had something to check
    expect(locked.safety.resource).toMatchObject({ sold: 300, stockLeft: 0 });
  });

  it('wallet: debits without a lock drive balances negative; with a lock never', async () => {
    const open = await runClaim('wallet-no-lock');
    const debited = open.safety.resource!;
    if (debited.type !== 'wallet') throw new Error('expected a wallet');
    expect(debited.negativeBalances).toBeGreaterThan(0);
    expect(debited.minBalance).toBeLessThan(0);

    const locked = await runClaim('wallet-locked');
    const safe = locked.safety.resource!;
    if (safe.type !== 'wallet') throw new Error('expected a wallet');
    expect(safe.negativeBalances).toBe(0);
    expect(safe.minBalance).toBeGreaterThanOrEqual(0);
    expect(safe.skipped).toBeGreaterThan(0); // wallets ran dry and payments were declined
    expect(locked.totals.violations).toBe(0);
  });

  it('a TTL shorter than the hold without renewal overlaps and oversells; with renewal neither', async () => {
    const lapsed = await runClaim('ttl-shorter-than-hold');
    expect(lapsed.safety.overlaps).toBeGreaterThan(0);
    expect(lapsed.safety.violations!.oversells).toBeGreaterThan(0);
    expect(lapsed.totals.expired).toBeGreaterThan(0);
    expect(lapsed.safety.examples[0].overlapMs).toBeGreaterThan(0);

    const renewed = await runClaim('ttl-with-renewal');
    expect(renewed.safety.overlaps).toBe(0);
    expect(renewed.totals.violations).toBe(0);
    expect(renewed.totals.renewals).toBeGreaterThan(0);
    expect(renewed.totals.expired).toBe(0);
  });

  it('a GC pause longer than the TTL corrupts the counter without fencing; with fencing the late writes are rejected', async () => {
    const paused = await runClaim('gc-pause');
    expect(paused.faults!.windows[0]).toMatchObject({ type: 'client-pause' });
    expect(paused.faults!.windows[0].hits).toBeGreaterThan(0);
    expect(paused.totals.violations).toBeGreaterThan(0);
    expect(paused.safety.resource!.staleWritesAccepted).toBeGreaterThan(0);
    expect(paused.safety.violations!.lostUpdates).toBeGreaterThan(0);
    // the paused holders' overdue renewals fail: their leases are lost
    expect(paused.totals.lostLeases).toBeGreaterThan(0);

    const fenced = await runClaim('gc-pause-fenced');
    expect(fenced.safety.resource!.staleWritesRejected).toBeGreaterThan(0);
    expect(fenced.safety.resource!.staleWritesAccepted).toBe(0);
    expect(fenced.safety.violations!.lostUpdates).toBe(0);
    expect(fenced.safety.overlaps).toBeGreaterThan(0);
    expect(fenced.totals.violations).toBe(0);
  });

  it('group bookings lock their seats in one global order: no deadlock, whole groups, no double booking', async () => {
    const report = await runClaim('group-booking');
    expect(report.totals.timeouts).toBe(0);
    expect(report.totals.acquired).toBe(report.totals.arrivals);
    const seats = report.safety.resource!;
    if (seats.type !== 'seat') throw new Error('expected seats');
    expect(seats.bookings % 4).toBe(0);
    expect(seats.doubleBookings).toBe(0);
  });
});
