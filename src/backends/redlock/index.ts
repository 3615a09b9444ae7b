/** The redlock backend: Redlock over N independent Redis nodes (see backend.ts, fence.ts, docs/redlock.md). */
import type { BackendFactory } from '../types.js';
import { RedlockBackend } from './backend.js';
import type { RedlockSpec } from './node.js';

export { RedlockBackend } from './backend.js';
export type { RedlockSpec } from './node.js';

/** Creates one Redlock client (a connection to each node) per worker thread. */
export const redlockBackendFactory: BackendFactory<RedlockSpec> = {
  type: 'redlock',
  create(spec) {
    return new RedlockBackend(spec);
  },
};
