import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The scenarios shipped with lockbench (scenarios/ beside dist/). */
export const builtinScenarioDir = fileURLToPath(new URL('../../scenarios/', import.meta.url));

export interface BuiltinScenario {
  /** e.g. `tatkal` or `redis/flash-sale` */
  readonly id: string;
  readonly path: string;
  readonly description: string;
}

/** Every .yaml under scenarios/, with its one-line description. */
export function listBuiltinScenarios(): BuiltinScenario[] {
  const found: BuiltinScenario[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.yaml') || entry.endsWith('.yml')) {
        let description = '';
        try {
          description = String((parse(readFileSync(path, 'utf8')) as { description?: unknown })?.description ?? '');
        } catch {
          description = '(unreadable)';
        }
        found.push({ id: relative(builtinScenarioDir, path).replace(/\.ya?ml$/, ''), path, description });
      }
    }
  };
  if (existsSync(builtinScenarioDir)) walk(builtinScenarioDir);
  return found;
}

/** A path as given if it exists, else the built-in scenario of that name (`tatkal`), else the path. */
export function resolveScenarioPath(arg: string): string {
  if (existsSync(arg)) return arg;
  const builtin = listBuiltinScenarios().find((scenario) => scenario.id === arg.replace(/\.ya?ml$/, '').replace(/^scenarios\//, ''));
  return builtin ? builtin.path : arg;
}
