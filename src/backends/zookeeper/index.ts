import type { BackendFactory } from '../types.js';
import { ZooKeeperBackend, type ZooKeeperSpec } from './backend.js';

/**
 * The zookeeper backend's factory: one ZooKeeper session per worker thread
 * (and one for the coordinator's connect check); nothing is shared between
 * threads, since the pure-JavaScript client keeps all its state per instance.
 */
export const zookeeperBackendFactory: BackendFactory<ZooKeeperSpec> = {
  type: 'zookeeper',
  create(spec) {
    return new ZooKeeperBackend(spec);
  },
};
