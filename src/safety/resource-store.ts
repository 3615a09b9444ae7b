/** Where the protected state lives, and what a run found in it at the end. */
import type { ResourceSpec } from '../scenario/types.js';

/**
 * The protected state of every resource id. Each operation is atomic on its own (like
 * any datastore); the read → hold → write of a critical section is not: only the lock
 * keeps two holders from interleaving. A holder presents its fence token (0 without a
 * lock) on every read and write; the store remembers the highest it has seen per key.
 */
export interface ResourceStore {
  /** the visible value of resource `id` */
  read(id: number, fence: number): number | Promise<number>;
  /**
   * Writes `value` and moves the ground truth by `amount`; a write whose fence is below the
   * highest seen is stale: rejected when the resource enforces fencing, else accepted and
   * counted. Returns Write flags.
   */
  write(id: number, fence: number, value: number, amount: number): number | Promise<number>;
  /** a holder read the state and had nothing to write (sold out, declined, seat taken) */
  skip(): void | Promise<void>;
  close(): Promise<void>;
}

interface OutcomeCommon {
  readonly store: ResourceSpec['store']['type'];
  readonly fencing: boolean;
  /** resource ids (products, wallets, seats, counters) */
  readonly keys: number;
  /** accepted writes */
  readonly writes: number;
  /** holders that read the state and had nothing to write (sold out, declined, seat taken) */
  readonly skipped: number;
  /** writes with a fence below the highest seen that the store took (the Kleppmann corruption) */
  readonly staleWritesAccepted: number;
  /** writes with a fence below the highest seen that a fencing store refused */
  readonly staleWritesRejected: number;
  /** what the resource adds to totals.violations: its damage count, plus stale writes accepted */
  readonly violations: number;
}

/** The protected state at the end of the run, against its ground truth. */
export type ResourceOutcome =
  | (OutcomeCommon & {
      readonly type: 'inventory';
      /** units per key at the start */
      readonly stock: number;
      /** units really sold (ground truth), all keys */
      readonly sold: number;
      /** units the visible stock still shows, all keys */
      readonly stockLeft: number;
      /** units sold beyond the stock, all keys */
      readonly oversells: number;
      /** sales the visible stock does not reflect (two holders wrote the same decrement) */
      readonly lostUpdates: number;
    })
  | (OutcomeCommon & {
      readonly type: 'wallet';
      /** opening balance per wallet */
      readonly balance: number;
      readonly debits: number;
      /** money really debited (ground truth), all wallets */
      readonly debited: number;
      /** debits that left a wallet's true balance below zero */
      readonly negativeBalances: number;
      /** lowest true balance any wallet reached (opening balance − debits so far) */
      readonly minBalance: number;
    })
  | (OutcomeCommon & {
      readonly type: 'seat';
      readonly bookings: number;
      readonly seatsBooked: number;
      /** bookings of a seat that was already booked */
      readonly doubleBookings: number;
    })
  | (OutcomeCommon & {
      readonly type: 'counter';
      /** increments really made (ground truth) */
      readonly increments: number;
      /** sum of the counters' final values */
      readonly finalValue: number;
      /** increments − final value */
      readonly lostUpdates: number;
    });

/** Per-key end state and the store's counters, as any store reads them back. */
export interface ResourceTally {
  readonly values: ArrayLike<number>;
  readonly truths: ArrayLike<number>;
  /** wallet: lowest true balance per key */
  readonly minima: ArrayLike<number>;
  readonly writes: number;
  readonly skipped: number;
  readonly staleAccepted: number;
  readonly staleRejected: number;
  /** writes flagged as damage when they were made (oversell, double booking, negative balance) */
  readonly damage: number;
}

/** The outcome of a resource from its tally. */
export function resourceOutcome(spec: ResourceSpec, tally: ResourceTally): ResourceOutcome {
  const keys = tally.values.length;
  const sum = (values: ArrayLike<number>): number => {
    let total = 0;
    for (let i = 0; i < values.length; i++) total += values[i];
    return total;
  };
  const common = {
    store: spec.store.type,
    fencing: spec.fencing,
    keys,
    writes: tally.writes,
    skipped: tally.skipped,
    staleWritesAccepted: tally.staleAccepted,
    staleWritesRejected: tally.staleRejected,
  };
  switch (spec.type) {
    case 'inventory': {
      let oversells = 0;
      for (let i = 0; i < keys; i++) oversells += Math.max(0, tally.truths[i] - spec.stock);
      const sold = sum(tally.truths);
      const stockLeft = sum(tally.values);
      const lostUpdates = Math.max(0, sold - (spec.stock * keys - stockLeft));
      return { ...common, type: 'inventory', stock: spec.stock, sold, stockLeft, oversells, lostUpdates, violations: oversells + tally.staleAccepted };
    }
    case 'wallet': {
      let minBalance = spec.balance;
      for (let i = 0; i < keys; i++) minBalance = Math.min(minBalance, tally.minima[i]);
      const negativeBalances = tally.damage;
      return {
        ...common,
        type: 'wallet',
        balance: spec.balance,
        debits: tally.writes,
        debited: sum(tally.truths),
        negativeBalances,
        minBalance,
        violations: negativeBalances + tally.staleAccepted,
      };
    }
    case 'seat': {
      let doubleBookings = 0;
      let seatsBooked = 0;
      for (let i = 0; i < keys; i++) {
        doubleBookings += Math.max(0, tally.truths[i] - 1);
        if (tally.truths[i] > 0) seatsBooked++;
      }
      return { ...common, type: 'seat', bookings: sum(tally.truths), seatsBooked, doubleBookings, violations: doubleBookings + tally.staleAccepted };
    }
    case 'counter': {
      const increments = sum(tally.truths);
      const finalValue = sum(tally.values);
      const lostUpdates = Math.max(0, increments - finalValue);
      return { ...common, type: 'counter', increments, finalValue, lostUpdates, violations: lostUpdates + tally.staleAccepted };
    }
  }
}
