/** lock.mode multi: several keys per request, in one global order, all or nothing (BookMyShow's seats). */
import { describe, expect, it } from 'vitest';
import { accountedArrivals, runScenarioText } from './helpers/run.js';

const groupBooking = (lock: string, seats = 12) => `
name: group-booking
workers: 2
users: 20
duration: 1s
drain: 3s
resources: { count: ${seats}, key: "show:42:seat:{id}" }
resource: { type: seat }
lock: ${lock}
hold: 2ms
`;

describe('lock mode multi', () => {
  it('locks every seat of a group in one global order: no deadlock, no overlap, whole groups booked', async () => {
    const report = await runScenarioText(groupBooking('{ mode: multi, keys: 3, ttl: 10s, acquireTimeout: 10s, retry: { strategy: none } }'));
    // every request waits in the backend queue for as long as it takes: only a deadlock could time one out
    expect(report.totals.timeouts).toBe(0);
    expect(report.totals.acquired).toBeGreaterThan(50);
    expect(accountedArrivals(report)).toBe(report.totals.arrivals);
    expect(report.safety.overlaps).toBe(0);
    expect(report.totals.violations).toBe(0);
    const seats = report.safety.resource!;
    if (seats.type !== 'seat') throw new Error('expected seats');
    expect(seats.doubleBookings).toBe(0);
    // all or nothing: seats are booked three at a time
    expect(seats.bookings % 3).toBe(0);
    expect(seats.bookings).toBeGreaterThan(0);
    // each lease is released: three per granted request
    expect(report.totals.released).toBe(3 * report.totals.acquired);
  });

  it('gives back the seats it holds when a later one is not granted in time', async () => {
    const report = await runScenarioText(groupBooking('{ mode: multi, keys: 4, ttl: 10s, acquireTimeout: 5ms, retry: { strategy: fixed, delay: 1ms } }', 8));
    expect(report.totals.timeouts).toBeGreaterThan(0);
    expect(report.totals.partialReleases).toBeGreaterThan(0);
    expect(report.totals.violations).toBe(0);
    expect(accountedArrivals(report)).toBe(report.totals.arrivals);
  });

  it('without a lock the same group bookings double-book seats', async () => {
    const report = await runScenarioText(groupBooking('{ mode: none, keys: 3 }'));
    const seats = report.safety.resource!;
    if (seats.type !== 'seat') throw new Error('expected seats');
    expect(seats.doubleBookings).toBeGreaterThan(0);
    expect(report.safety.overlaps).toBeGreaterThan(0);
    expect(report.totals.violations).toBe(report.safety.overlaps + seats.doubleBookings);
  });
});

describe('lock hierarchy (train → coach → seat)', () => {
  const hierarchy = (mode: string) => `
name: tatkal-hierarchy
workers: 2
users: 20
duration: 1s
drain: 3s
resources: { key: "irctc:{id}" }
resource: { type: seat }
lock: { mode: ${mode}, keys: { levels: [{ name: train, count: 2 }, { name: coach, count: 3 }, { name: seat, count: 8 }] }, ttl: 10s, acquireTimeout: 10s, retry: { strategy: none } }
hold: 1ms
`;

  it('locks the train, then the coach, then the seat; the seats (leaves) carry the state', async () => {
    const report = await runScenarioText(hierarchy('multi'));
    expect(report.scenario.resolved.resources.count).toBe(2 * 3 * 8);
    expect(report.totals.timeouts).toBe(0);
    expect(report.totals.violations).toBe(0);
    expect(report.totals.released).toBe(3 * report.totals.acquired);
    const seats = report.safety.resource!;
    if (seats.type !== 'seat') throw new Error('expected seats');
    expect(seats.keys).toBe(48);
    expect(seats.doubleBookings).toBe(0);
    expect(seats.seatsBooked).toBeGreaterThan(0);
    expect(seats.bookings).toBe(seats.seatsBooked);
  });

  it('without the locks, the same bookings overlap at every level and double-book seats', async () => {
    const report = await runScenarioText(hierarchy('none'));
    expect(report.safety.examples.map((example) => example.key)).toContainEqual(expect.stringMatching(/^irctc:train:[01](:coach:[0-2](:seat:[0-7])?)?$/));
    const seats = report.safety.resource!;
    if (seats.type !== 'seat') throw new Error('expected seats');
    expect(seats.doubleBookings).toBeGreaterThan(0);
  });
});
