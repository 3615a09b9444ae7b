/** Scenario file → LoadedScenario: parse, expand ${VAR}, apply --set, validate, resolve; and its `matrix:` variants. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ScenarioError } from '../errors.js';
import { expandEnvironment } from './env.js';
import { firstIssue, issueToError } from './issues.js';
import { loadVariants, type ScenarioVariant } from './matrix.js';
import { applyOverrides } from './overrides.js';
import { checkResolveOptions, resolveScenario } from './resolve.js';
import { parseScenarioYaml, SourceIndex } from './source.js';
import type { LoadedScenario } from './types.js';
import { validateDocument } from './validate.js';

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

/** A scenario file with its `matrix:` variants, every one of them checked. */
export interface LoadedScenarioFile {
  /** the file without its variants (a matrix file must be a valid scenario on its own) */
  readonly base: LoadedScenario;
  /** in file order; empty when the file has no `matrix:` */
  readonly variants: readonly ScenarioVariant[];
}

/**
 * Loads a scenario from YAML text; `file` is used in messages and to resolve relative paths.
 * A file with `matrix:` loads as its base scenario, after every variant was checked (see loadScenarioVariantsText).
 */
export function loadScenarioText(text: string, file: string, options: LoadOptions = {}): LoadedScenario {
  return loadScenarioVariantsText(text, file, options).base;
}

/** Loads a scenario and each of its `matrix:` variants; the first mistake, in the base or a variant, throws. */
export function loadScenarioVariantsText(text: string, file: string, options: LoadOptions = {}): LoadedScenarioFile {
  checkResolveOptions(options);
  const { document, lineCounter } = parseScenarioYaml(text, file);
  expandEnvironment(document, lineCounter, options.env ?? process.env, file);
  // the variants start from the file as written: --set goes on top of each of them
  const asWritten = document.clone();
  const overrides = applyOverrides(document, options.set ?? []);
  const index = new SourceIndex(document, lineCounter);

  const parsed = validateDocument(document, options.durationMs !== undefined);
  if (!parsed.success) throw issueToError(firstIssue(parsed.error.issues, index), { file, index, overrides });

  const sha256 = createHash('sha256').update(text).digest('hex');
  const scenario = resolveScenario(parsed.data, { file, ...options });
  const base: LoadedScenario = { scenario, file, sha256, locate: (path) => index.nearest(path === '' ? [] : path.split('.')) };
  const variants = parsed.data.matrix ? loadVariants({ document: asWritten, lineCounter, file, sha256, base: scenario, options }, parsed.data.matrix) : [];
  return { base, variants };
}

/** Reads and loads a scenario file; a missing or unreadable file is a ScenarioError naming it. */
export async function loadScenarioFile(file: string, options: LoadOptions = {}): Promise<LoadedScenario> {
  return (await loadScenarioVariants(file, options)).base;
}

/** Reads a scenario file and loads it with its `matrix:` variants. */
export async function loadScenarioVariants(file: string, options: LoadOptions = {}): Promise<LoadedScenarioFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : String(code ?? error);
    throw new ScenarioError(`${file}: cannot read scenario file: ${why}`);
  }
  return loadScenarioVariantsText(text, file, options);
}
