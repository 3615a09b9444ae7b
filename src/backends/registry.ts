import type { BackendSpec } from '../scenario/types.js';
import { memoryBackendFactory } from './memory/index.js';
import { loadModuleBackend } from './module.js';
import type { BackendContext, BackendFactory, LockBackend } from './types.js';

/** A backend type resolved for one run: its factory and the spec it is created from. */
export interface ResolvedBackend {
  readonly factory: BackendFactory;
  /** what the factory's prepare/create receive */
  readonly factorySpec: unknown;
}

/** Finds the factory of `spec.type` (loading a user's module for `module`). */
export async function resolveBackend(spec: BackendSpec): Promise<ResolvedBackend> {
  switch (spec.type) {
    case 'memory':
      return { factory: memoryBackendFactory as BackendFactory, factorySpec: spec };
    case 'module':
      return { factory: await loadModuleBackend(spec.path), factorySpec: spec.options };
  }
}

/** Creates one backend instance of a resolved type. */
export async function createBackend(resolved: ResolvedBackend, shared: unknown, context: BackendContext): Promise<LockBackend> {
  return resolved.factory.create(resolved.factorySpec, shared, context);
}

/** What report.json says about the backend (never a secret). */
export function describeBackend(spec: BackendSpec): Record<string, unknown> {
  switch (spec.type) {
    case 'memory':
      return { type: 'memory', ...(spec.rtt ? { rtt: spec.rtt } : {}), ...(spec.capacity ? { capacity: spec.capacity } : {}) };
    case 'module':
      return { type: 'module', path: spec.path };
  }
}
