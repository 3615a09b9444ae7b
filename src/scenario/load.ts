/** Scenario file → LoadedScenario: parse, expand ${VAR}, apply --set, validate, resolve. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ScenarioError } from '../errors.js';
import { expandEnvironment } from './env.js';
import { genericMessage } from './fields.js';
import { firstIssue, issueToError } from './issues.js';
import { applyOverrides } from './overrides.js';
import { checkResolveOptions, resolveScenario } from './resolve.js';
import { scenarioSchema } from './schema.js';
import { parseScenarioYaml, SourceIndex } from './source.js';
import type { LoadedScenario } from './types.js';

export interface LoadOptions {
  /** CLI `--set key.path=value` (value parsed as YAML), applied before validation @default [] */
  readonly set?: readonly string[];
  /** CLI `--duration` in ms: the real run length, applied after timeScale */
  readonly durationMs?: number;
  /** CLI `--time-scale`: overrides the file's `timeScale` */
  readonly timeScale?: number;
  /** variables for `${VAR}` / `${VAR:-default}` @default process.env */
  readonly env?: Record<string, string | undefined>;
  /** workers when the file has none @default os.availableParallelism() */
  readonly defaultWorkers?: number;
}

/** Loads a scenario from YAML text; `file` is used in messages and to resolve relative paths. */
export function loadScenarioText(text: string, file: string, options: LoadOptions = {}): LoadedScenario {
  checkResolveOptions(options);
  const { document, lineCounter } = parseScenarioYaml(text, file);
  expandEnvironment(document, lineCounter, options.env ?? process.env, file);
  const overrides = applyOverrides(document, options.set ?? []);
  const index = new SourceIndex(document, lineCounter);

  const input: unknown = document.toJS({ maxAliasCount: 1000 });
  const parsed = scenarioSchema({ cliDuration: options.durationMs !== undefined }).safeParse(input, { error: genericMessage });
  if (!parsed.success) throw issueToError(firstIssue(parsed.error.issues, index), { file, index, overrides });

  return {
    scenario: resolveScenario(parsed.data, { file, ...options }),
    file,
    sha256: createHash('sha256').update(text).digest('hex'),
    locate: (path) => index.nearest(path === '' ? [] : path.split('.')),
  };
}

/** Reads and loads a scenario file; a missing or unreadable file is a ScenarioError naming it. */
export async function loadScenarioFile(file: string, options: LoadOptions = {}): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : String(code ?? error);
    throw new ScenarioError(`${file}: cannot read scenario file: ${why}`);
  }
  return loadScenarioText(text, file, options);
}
