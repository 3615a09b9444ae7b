/** Turns the first validation issue into a one-line ScenarioError that points into the file (or at a --set). */
import type { z } from 'zod';
import { ScenarioError } from '../errors.js';
import type { Override } from './overrides.js';
import { dotted, type FieldPath, type SourceIndex } from './source.js';

interface Where {
  readonly file: string;
  readonly index: SourceIndex;
  readonly overrides: readonly Override[];
}

function startsWith(path: FieldPath, prefix: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(segment) === String(path[i]));
}

/** Where an issue at `path` points: the --set that wrote it, or the file node (or nearest written ancestor). */
function describeIssue(issue: z.core.$ZodIssue): { path: FieldPath; at: 'key' | 'value' } {
  const path = issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
  if (issue.code === 'unrecognized_keys') return { path: [...path, issue.keys[0]], at: 'key' };
  const at = issue.code === 'custom' && issue.params?.at === 'key' ? 'key' : 'value';
  return { path, at };
}

/** ScenarioError for one issue; its message was written by the schema's error functions. */
export function issueToError(issue: z.core.$ZodIssue, where: Where): ScenarioError {
  const { path, at } = describeIssue(issue);
  const field = dotted(path);
  // innermost first: errors inside a --set value, or in a map that a --set created, are the --set's
  for (let n = path.length; n >= 0; n--) {
    const ancestor = path.slice(0, n);
    const written = where.overrides.find((o) => startsWith(ancestor, o.path) || (!where.index.exact(ancestor) && startsWith(o.path, ancestor) && n > 0));
    if (written) return new ScenarioError(`--set ${written.source}: ${field ? field + ': ' : ''}${issue.message}`);
    if (where.index.exact(ancestor)) break;
  }
  const position = where.index.nearest(path, at) ?? { line: 1, col: 1 };
  return new ScenarioError(issue.message, { file: where.file, line: position.line, col: position.col, path: field });
}

/** The issue to report: an unknown key first (it often explains the rest), then the earliest in the file. */
export function firstIssue(issues: readonly z.core.$ZodIssue[], index: SourceIndex): z.core.$ZodIssue {
  const rank = (issue: z.core.$ZodIssue): [number, number, number] => {
    const { path, at } = describeIssue(issue);
    const position = index.nearest(path, at) ?? { line: Number.MAX_SAFE_INTEGER, col: 0 };
    return [issue.code === 'unrecognized_keys' ? 0 : 1, position.line, position.col];
  };
  const ranked = issues.map((issue, order) => ({ issue, key: [...rank(issue), order] }));
  ranked.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2] || a.key[3] - b.key[3]);
  return ranked[0].issue;
}
