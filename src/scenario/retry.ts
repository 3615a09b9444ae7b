/** `lock.retry` as written: the client's policy between acquire attempts, a circuit breaker included. */
import { z } from 'zod';
import { duration, strictMap } from './fields.js';

const backoffOptions = [
  strictMap({ strategy: z.literal('none') }),
  strictMap({ strategy: z.literal('fixed'), delay: duration().default(10) }),
  strictMap({ strategy: z.literal('exponential'), base: duration().default(10), max: duration().default(1_000) }),
  strictMap({ strategy: z.literal('exponential-jitter'), base: duration().default(10), max: duration().default(1_000) }),
] as const;

function checkMax(r: object, ctx: z.core.$RefinementCtx): void {
  if ('max' in r && 'base' in r && (r.max as number) < (r.base as number)) ctx.addIssue({ code: 'custom', path: ['max'], message: 'must be ≥ base', input: r.max });
}

/** A backoff without a breaker: what the breaker waits between attempts while it is closed. */
const backoff = z.discriminatedUnion('strategy', [...backoffOptions]).superRefine(checkMax);

const circuitBreaker = strictMap({
  strategy: z.literal('circuit-breaker'),
  /** the pause between attempts while the breaker lets them through */
  backoff: backoff.default({ strategy: 'exponential-jitter', base: 10, max: 500 }),
  /** open when failed attempts / attempts within `window` reach this */
  failureRate: z.number().gt(0).max(1).default(0.5),
  window: duration({ positive: true }).default(1_000),
  /** no verdict on fewer attempts than this within the window */
  minAttempts: z.int().min(1).default(20),
  /** fail fast this long, then let one probe through (half-open) */
  openFor: duration({ positive: true }).default(1_000),
  /** a busy key counts as a failed attempt (false: only backend errors do) */
  countBusy: z.boolean().default(true),
});

/** Every retry strategy: a plain backoff, or a circuit breaker around one. */
export const retry = z.discriminatedUnion('strategy', [...backoffOptions, circuitBreaker]).superRefine(checkMax);

export type RawRetry = z.output<typeof retry>;
export type RawBackoff = z.output<typeof backoff>;
