/** Opens the protected store a scenario asks for, in the coordinator (prepare, tally) and in each worker. */
import { importOwn } from '../lazy-import.js';
import type { ResourceSpec } from '../scenario/types.js';
import type { ResourceOutcome, ResourceStore } from './resource-store.js';
import { resourceOutcome } from './resource-store.js';
import { allocateSharedResource, SharedResourceStore, tallySharedResource, type SharedResourceMemory } from './shared-resource-store.js';

type RedisStoreModule = typeof import('./redis-resource-store.js');

/** What the coordinator hands to workers: the shared memory of a memory store (nothing for Redis). */
export type PreparedResource = SharedResourceMemory | undefined;

/** Sets every key to its initial value before the run: allocates shared memory, or resets the Redis keys. */
export async function prepareResource(spec: ResourceSpec, keys: number): Promise<PreparedResource> {
  if (spec.store.type === 'memory') return allocateSharedResource(spec, keys);
  const { resetRedisResource } = await importOwn<RedisStoreModule>('./redis-resource-store.js', import.meta.url);
  await resetRedisResource(spec, spec.store, keys);
  return undefined;
}

/** A worker's handle on the store. */
export async function openResourceStore(spec: ResourceSpec, prepared: PreparedResource): Promise<ResourceStore> {
  if (spec.store.type === 'memory') return new SharedResourceStore(spec, prepared!);
  const { RedisResourceStore } = await importOwn<RedisStoreModule>('./redis-resource-store.js', import.meta.url);
  return RedisResourceStore.open(spec, spec.store);
}

/** The state at the end of the run against its ground truth. */
export async function tallyResource(spec: ResourceSpec, keys: number, prepared: PreparedResource): Promise<ResourceOutcome> {
  if (spec.store.type === 'memory') return resourceOutcome(spec, tallySharedResource(prepared!));
  const { tallyRedisResource } = await importOwn<RedisStoreModule>('./redis-resource-store.js', import.meta.url);
  return resourceOutcome(spec, await tallyRedisResource(spec, spec.store, keys));
}
