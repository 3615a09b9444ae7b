/**
 * The four protected-resource models: what a holder writes after what it read, and the
 * ground truth each accepted write moves (units sold, money debited, bookings, increments).
 * The visible value is read, held and written back like any application would; the truth
 * is moved atomically by the store, so the difference between them is the damage.
 */
import type { ResourceSpec } from '../scenario/types.js';
import type { Rng } from '../workload/types.js';

/** A write's result, as bit flags (no allocation per write). */
export const Write = {
  /** the store took the write */
  ACCEPTED: 1,
  /** the write carried a fence lower than the highest the store had seen for the key */
  STALE: 2,
  /** the write oversold, double-booked, or drove a balance below zero */
  DAMAGE: 4,
} as const;

/** The visible value of every key before the run: stock, opening balance, seat free (0), counter 0. */
export function initialValue(spec: ResourceSpec): number {
  if (spec.type === 'inventory') return spec.stock;
  if (spec.type === 'wallet') return spec.balance;
  return 0;
}

/** The amount one request moves: a wallet debit drawn from its range; 1 for the other models. */
export function drawAmount(spec: ResourceSpec, rng: Rng): number {
  if (spec.type !== 'wallet') return 1;
  const { min, max } = spec.debit;
  return min + Math.floor(rng.next() * (max - min + 1));
}

/**
 * What a holder writes after reading `current`; NaN when it has nothing to do
 * (sold out, balance too low, seat already booked).
 */
export function nextValue(spec: ResourceSpec, current: number, amount: number): number {
  switch (spec.type) {
    case 'inventory':
      return current > 0 ? current - 1 : NaN;
    case 'wallet':
      return current >= amount ? current - amount : NaN;
    case 'seat':
      return current === 0 ? 1 : NaN;
    case 'counter':
      return current + 1;
  }
}

/** The truth after an accepted write that moved `amount` (sold units, debited money, bookings, increments). */
export function settledTruth(truth: number, amount: number): number {
  return truth + amount;
}

/** True when the truth after a write is damage: beyond the stock, below a zero balance, a second booking. */
export function isDamage(spec: ResourceSpec, truthAfter: number): boolean {
  switch (spec.type) {
    case 'inventory':
      return truthAfter > spec.stock;
    case 'wallet':
      return spec.balance - truthAfter < 0;
    case 'seat':
      return truthAfter > 1;
    case 'counter':
      return false;
  }
}
