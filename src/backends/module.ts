import { pathToFileURL } from 'node:url';
import { ScenarioError } from '../errors.js';
import type { BackendFactory } from './types.js';

/**
 * A user's own backend: an ES module whose default export is a BackendFactory
 * (`create(options, shared, context)`, optional `prepare`). The scenario's
 * `backend.options` is what the factory receives as its spec.
 */
export async function loadModuleBackend(path: string): Promise<BackendFactory> {
  let loaded: { default?: unknown };
  try {
    loaded = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    throw new ScenarioError(`backend.path: cannot load ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  const factory = loaded.default as Partial<BackendFactory> | undefined;
  if (!factory || typeof factory.create !== 'function') {
    throw new ScenarioError(`backend.path: ${path} must default-export { create(options, shared, context) } returning a LockBackend`);
  }
  return { type: 'module', ...factory } as BackendFactory;
}
