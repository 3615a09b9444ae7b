import { importOwn } from '../lazy-import.js';
import type { BackendSpec } from '../scenario/types.js';
import { loadModuleBackend } from './module.js';
import type { BackendContext, BackendFactory, LockBackend } from './types.js';

/** A backend type resolved for one run: its factory and the spec it is created from. */
export interface ResolvedBackend {
  readonly factory: BackendFactory;
  /** what the factory's prepare/create receive */
  readonly factorySpec: unknown;
}

type BuiltInType = Exclude<BackendSpec['type'], 'module'>;

/**
 * Built-in backends, each loaded only when a scenario uses it: a memory run
 * never loads a database driver (etcd3 alone takes most of a second to load).
 */
const BUILT_IN: Record<BuiltInType, () => Promise<BackendFactory>> = {
  memory: factoryOf('./memory/index.js', 'memoryBackendFactory'),
  redis: factoryOf('./redis/index.js', 'redisBackendFactory'),
  'redis-cluster': factoryOf('./redis/cluster.js', 'redisClusterBackendFactory'),
  redlock: factoryOf('./redlock/index.js', 'redlockBackendFactory'),
  postgres: factoryOf('./postgres/index.js', 'postgresBackendFactory'),
  mysql: factoryOf('./mysql/index.js', 'mysqlBackendFactory'),
  etcd: factoryOf('./etcd/index.js', 'etcdBackendFactory'),
  zookeeper: factoryOf('./zookeeper/index.js', 'zookeeperBackendFactory'),
};

function factoryOf(specifier: string, exportName: string): () => Promise<BackendFactory> {
  return async () => (await importOwn<Record<string, BackendFactory>>(specifier, import.meta.url))[exportName];
}

/** Finds the factory of `spec.type` (loading a user's module for `module`). */
export async function resolveBackend(spec: BackendSpec): Promise<ResolvedBackend> {
  if (spec.type === 'module') return { factory: await loadModuleBackend(spec.path), factorySpec: spec.options };
  return { factory: await BUILT_IN[spec.type](), factorySpec: spec };
}

/** Creates one backend instance of a resolved type. */
export async function createBackend(resolved: ResolvedBackend, shared: unknown, context: BackendContext): Promise<LockBackend> {
  return resolved.factory.create(resolved.factorySpec, shared, context);
}

/** What a reader of the report must know about a backend's semantics. */
const NOTES: Partial<Record<BackendSpec['type'], readonly string[]>> = {
  redis: [
    'Redis answers acquire at once (there is no server-side queue): with retry none a held key is an immediate timeout. Fences are per-key INCR counters; they restart if the server loses its data.',
  ],
  'redis-cluster': [
    'Redis Cluster answers acquire at once (there is no server-side queue): with retry none a held key is an immediate timeout. Lock and fence keys are hash-tagged into one slot; fences restart if a master loses its data (failover to a replica that missed writes).',
  ],
  postgres: [
    'PostgreSQL advisory locks have no TTL: lock.ttl is not enforced by the server; a lock is held until it is released or its connection ends, so expired counts work that ran past ttl, and a holder whose connection dropped is counted as a lost lease.',
  ],
  mysql: [
    'MySQL/MariaDB named locks (GET_LOCK) have no TTL: lock.ttl is not enforced by the server; a lock is held until RELEASE_LOCK or its connection ends, so a holder whose connection dropped is counted as a lost lease.',
  ],
  etcd: [
    'etcd leases are whole seconds: lock.ttl is rounded up to at least 1 s, and etcd raises TTLs below 1.5× its election timeout (about 2 s by default); the fence is the create revision of the lock key (global to the cluster, increasing).',
  ],
  zookeeper: [
    "ZooKeeper has no per-lock TTL: lock.ttl is enforced by the holder's own client (it deletes its lock node when the lease runs out unless renewed); a holder that stalls or dies keeps the lock until its session expires (sessionTimeout). A dropped connection or an expired session counts as a lost lease.",
  ],
  redlock: [
    'Redlock fence = the highest of the per-node counters from a quorum of nodes: increasing while a majority of nodes keeps its counters; a node restarted without persistence can lower it, so fences are a best-effort aid, not a safety guarantee.',
  ],
};

/** What report.json says about the backend (secrets are redacted by the report builder). */
export function describeBackend(spec: BackendSpec): Record<string, unknown> {
  const description: Record<string, unknown> = spec.type === 'module' ? { type: 'module', path: spec.path } : { ...spec };
  const notes = NOTES[spec.type];
  if (notes) description.notes = [...notes];
  return description;
}
