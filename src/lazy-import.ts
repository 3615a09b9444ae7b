import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';

/**
 * Loads one of our own modules lazily (so a run that does not need it never loads its
 * driver). From dist/ that is a plain import(); under the test runner the sources are .ts,
 * and a worker thread started with `--import tsx` on Node 20 can only require() them.
 * `from` is the importing module's import.meta.url.
 */
export async function importOwn<T>(specifier: string, from: string): Promise<T> {
  if (from.endsWith('.ts') && !isMainThread) return createRequire(from)(specifier.replace(/\.js$/, '.ts')) as T;
  return (await import(new URL(specifier, from).href)) as T;
}
