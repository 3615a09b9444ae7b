/** `resource:` as written: the protected state the critical section reads, holds, and writes. */
import { z } from 'zod';
import { describeValue, strictMap } from './fields.js';

const MAX_AMOUNT = 1_000_000_000;

/** Where the state lives: shared memory of this run, or a Redis server (for runs across processes or machines). */
const store = z.preprocess(
  (input) => (typeof input === 'string' ? { type: input } : input), // `store: memory`
  z.discriminatedUnion('type', [
    strictMap({ type: z.literal('memory') }),
    strictMap({
      type: z.literal('redis'),
      url: z.string().regex(/^rediss?:\/\//, { error: (issue) => `expected a redis:// or rediss:// URL, got ${describeValue(issue.input)}` }),
      keyPrefix: z.string().default('lockbench:resource:'),
    }),
  ]),
);

/** A wallet debit: a whole amount, or uniform whole amounts in [min, max]. */
const amount = z.preprocess(
  (input) => (typeof input === 'number' ? { min: input, max: input } : input),
  strictMap({ min: z.int().min(1).max(MAX_AMOUNT), max: z.int().min(1).max(MAX_AMOUNT) }).superRefine((a, ctx) => {
    if (a.max < a.min) ctx.addIssue({ code: 'custom', path: ['max'], message: 'must be ≥ min', input: a.max });
  }),
);

const common = {
  /** the store rejects a write whose fence is lower than the highest it has seen for the key */
  fencing: z.boolean().default(false),
  store: store.default({ type: 'memory' }),
};

/** One of the four resource models. */
export const resource = z.discriminatedUnion('type', [
  strictMap({ type: z.literal('inventory'), stock: z.int().min(1).max(MAX_AMOUNT).default(100), ...common }),
  strictMap({
    type: z.literal('wallet'),
    balance: z.int().min(0).max(MAX_AMOUNT).default(1_000),
    debit: amount.default({ min: 100, max: 600 }),
    ...common,
  }),
  strictMap({ type: z.literal('seat'), ...common }),
  strictMap({ type: z.literal('counter'), ...common }),
]);

export type RawResource = z.output<typeof resource>;
