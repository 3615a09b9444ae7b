/**
 * `matrix:` variants. Each is the scenario file with its `set` applied, then the command line's --set,
 * validated and resolved like a scenario of its own; its report is named `<scenario>.<variant>`.
 * A mistake inside a variant points at the variant's line in the file and names the variant.
 */
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { ScenarioError } from '../errors.js';
import { firstIssue, issueToError } from './issues.js';
import type { LoadOptions } from './load.js';
import { applyOverrides, type Override } from './overrides.js';
import { resolveScenario } from './resolve.js';
import type { RawVariant } from './schema.js';
import { dotted, SourceIndex, type FieldPath } from './source.js';
import type { LoadedScenario } from './types.js';
import { validateDocument } from './validate.js';

/** One variant of a matrix, loaded and ready to run. */
export interface ScenarioVariant {
  /** as in the file, e.g. `fine` */
  readonly name: string;
  /** its own ('' when it has none; its report then carries the scenario's) */
  readonly description: string;
  /** the fields it sets, as written: dotted path → value */
  readonly set: Readonly<Record<string, unknown>>;
  /** what it runs; `scenario.name` is `<scenario>.<variant>` */
  readonly loaded: LoadedScenario;
}

/** What every variant starts from. */
export interface MatrixSource {
  /** the file after ${VAR} expansion, before any --set */
  readonly document: Document;
  readonly lineCounter: LineCounter;
  readonly file: string;
  readonly sha256: string;
  /** the scenario without its variants (--set applied): their name prefix and default description */
  readonly base: { readonly name: string; readonly description: string };
  readonly options: LoadOptions;
}

/** A variant's `set` entry once applied: its key as written and the document path it wrote. */
interface AppliedSet {
  readonly key: string;
  readonly path: FieldPath;
}

/** Where a variant sits in the file, to point errors at its `set` entries. */
interface VariantPlace {
  readonly file: string;
  /** positions in the file as written */
  readonly fileIndex: SourceIndex;
  readonly name: string;
  /** index of the variant in `matrix:` */
  readonly position: number;
}

/** Loads every variant; the first broken one throws a ScenarioError naming it. */
export function loadVariants(source: MatrixSource, variants: readonly RawVariant[]): ScenarioVariant[] {
  const fileIndex = new SourceIndex(source.document, source.lineCounter);
  return variants.map((variant, position) => loadVariant(source, variant, { file: source.file, fileIndex, name: variant.name, position }));
}

function loadVariant(source: MatrixSource, variant: RawVariant, place: VariantPlace): ScenarioVariant {
  const document = source.document.clone();
  document.delete('matrix');
  const sets = Object.entries(variant.set).map(([key, value]) => applySet(document, key, value, place));
  const cli = inVariant(place, () => applyOverrides(document, source.options.set ?? []));
  const index = new SourceIndex(document, source.lineCounter);

  const parsed = validateDocument(document, source.options.durationMs !== undefined);
  if (!parsed.success) throw variantIssueError(firstIssue(parsed.error.issues, index), { place, sets, cli, index });
  const resolved = resolveScenario(parsed.data, { file: source.file, ...source.options });
  return {
    name: variant.name,
    description: variant.description,
    set: variant.set,
    loaded: {
      scenario: { ...resolved, name: variantReportName(source.base.name, variant.name), description: variant.description || source.base.description },
      file: source.file,
      sha256: source.sha256,
      locate: (path) => {
        const segments = path === '' ? [] : path.split('.');
        const set = sets.findLast((s) => startsWith(segments, s.path));
        return set ? setPosition(place, set.key, segments.slice(set.path.length), 'value') : index.nearest(segments);
      },
    },
  };
}

/** The scenario name of a variant's report: `granularity.fine`. */
export function variantReportName(scenarioName: string, variantName: string): string {
  return `${scenarioName}.${variantName}`;
}

/** Writes one `set` entry into the document the way --set would; a path that does not fit points at its key. */
function applySet(document: Document, key: string, value: unknown, place: VariantPlace): AppliedSet {
  const assignment = `${key}=${JSON.stringify(value)}`;
  try {
    return { key, path: applyOverrides(document, [assignment])[0].path };
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    // applyOverrides says why the path does not fit after `--set <assignment>: `
    throw setError(place, key, [], 'key', error.message.slice(`--set ${assignment}: `.length));
  }
}

/** Runs `step`; a ScenarioError from it (a --set that fits the file but not this variant) gets the variant's name. */
function inVariant<T>(place: VariantPlace, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof ScenarioError && !error.location) throw new ScenarioError(`${error.message} ${variantSuffix(place)}`);
    throw error;
  }
}

/** The error for a validation issue of a variant: at the --set, the `set` entry or the file line that wrote the field. */
function variantIssueError(
  issue: z.core.$ZodIssue,
  context: { readonly place: VariantPlace; readonly sets: readonly AppliedSet[]; readonly cli: readonly Override[]; readonly index: SourceIndex },
): ScenarioError {
  const { place, sets, cli, index } = context;
  const elsewhere = issueToError(issue, { file: place.file, index, overrides: cli });
  if (!elsewhere.location) return new ScenarioError(`${elsewhere.message} ${variantSuffix(place)}`);
  const { path, at } = issuePlace(issue);
  const set = writtenBy(path, sets, index);
  if (set) {
    if (startsWith(path, set.path)) return setError(place, set.key, path.slice(set.path.length), at, issue.message);
    // a field the entry did not write but made wrong (lock.mode: multi without lock.keys): name the field
    return setError(place, set.key, [], 'value', `${dotted(path)}: ${issue.message}`);
  }
  // a line of the file that only this variant's values make wrong
  return new ScenarioError(`${issue.message} ${variantSuffix(place)}`, elsewhere.location);
}

function variantSuffix(place: VariantPlace): string {
  return `(in matrix variant '${place.name}')`;
}

/** `file:line:col: matrix.<variant>.set.<key>[.rest]: message`, at the entry's key or value (or the node inside the value). */
function setError(place: VariantPlace, key: string, rest: FieldPath, at: 'key' | 'value', message: string): ScenarioError {
  const position = setPosition(place, key, rest, at) ?? { line: 1, col: 1 };
  return new ScenarioError(message, { file: place.file, line: position.line, col: position.col, path: dotted(['matrix', place.name, 'set', key, ...rest]) });
}

function setPosition(place: VariantPlace, key: string, rest: FieldPath, at: 'key' | 'value') {
  return place.fileIndex.nearest(['matrix', place.position, 'set', key, ...rest], at);
}

/** The path an issue is about (an unknown key: the key) and whether it points at the key or the value, as issues.ts reads it. */
function issuePlace(issue: z.core.$ZodIssue): { path: FieldPath; at: 'key' | 'value' } {
  const path = issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
  if (issue.code === 'unrecognized_keys') return { path: [...path, issue.keys[0]], at: 'key' };
  return { path, at: issue.code === 'custom' && issue.params?.at === 'key' ? 'key' : 'value' };
}

/** The `set` entry that wrote the field at `path`, or created a map holding it (innermost first; a later entry wins). */
function writtenBy(path: FieldPath, sets: readonly AppliedSet[], index: SourceIndex): AppliedSet | undefined {
  for (let n = path.length; n >= 0; n--) {
    const ancestor = path.slice(0, n);
    const set = sets.findLast((s) => startsWith(ancestor, s.path) || (n > 0 && !index.exact(ancestor) && startsWith(s.path, ancestor)));
    if (set) return set;
    if (index.exact(ancestor)) return undefined;
  }
  return undefined;
}

function startsWith(path: FieldPath, prefix: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(segment) === String(path[i]));
}
