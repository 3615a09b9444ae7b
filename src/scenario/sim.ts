/** `sim:` as written: the backend model `lockbench simulate` puts in place of a real server. */
import { z } from 'zod';
import { distribution } from './distribution.js';
import { choice, strictMap } from './fields.js';

/** How waiters meet a held key in the model. */
export const SIM_DISCIPLINES = ['fifo', 'polling'] as const;

export const sim = strictMap({
  /** round trip of one operation (request and answer legs, half each); default: the memory backend's rtt, else lognormal 0.4ms / p99 3ms */
  rtt: distribution.optional(),
  /** time the server spends on one operation, added to its answer (default 0) */
  serviceTime: distribution.optional(),
  /** operations per second the server can process, one after another in arrival order (default: unlimited) */
  capacity: z.number().gt(0).optional(),
  /**
   * fifo: a held key queues the request at the server and hands the key over on release (pg_advisory_lock,
   * GET_LOCK, etcd, ZooKeeper, the memory backend); polling: the server answers "busy" and the client retries
   * by its backoff (Redis). Default: fifo when the backend can queue and lock.retry is none, else polling.
   */
  discipline: choice(SIM_DISCIPLINES).optional(),
});

export type RawSim = z.output<typeof sim>;
