/** `faults:` as written: client faults on the run's timeline. */
import { z } from 'zod';
import { choice, duration, strictMap } from './fields.js';

/** The kinds of fault lockbench can inject on the client side. */
export const FAULT_TYPES = ['client-pause', 'client-crash', 'event-loop-block'] as const;

const fault = strictMap({
  /** start, from the run's start */
  at: duration(),
  type: choice(FAULT_TYPES),
  /** how long the fault is active */
  duration: duration({ positive: true }),
  /** share of clients (pause, crash) or of worker threads (event-loop-block) it hits */
  fraction: z.number().gt(0).max(1).default(1),
});

export const faults = z.array(fault);

export type RawFault = z.output<typeof fault>;
