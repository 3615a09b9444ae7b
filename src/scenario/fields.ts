/** Zod building blocks whose failures read as scenario messages: what is wrong and what is allowed. */
import { z } from 'zod';
import { DURATION_UNIT_HINT, parseDuration } from './duration.js';
import { didYouMean, quoteList } from './suggest.js';

type RawIssue = z.core.$ZodRawIssue;

/** How a value looks in a message: `'abc'`, `12`, `a map`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return String(value);
}

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'a map',
  record: 'a map',
  array: 'a list',
};

/** Fallback messages for zod's own checks (type, bounds, enums, discriminators). */
export function genericMessage(issue: RawIssue): string | undefined {
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return 'is required';
      return `expected ${EXPECTED[isIntegerSchema(issue) ? 'int' : issue.expected] ?? issue.expected}, got ${describeValue(input)}`;
    case 'too_small':
      if (issue.origin === 'array') return `needs at least ${issue.minimum} item(s)`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be ${issue.inclusive ? '≥' : '>'} ${issue.minimum}, got ${describeValue(input)}`;
    case 'too_big':
      return `must be ${issue.inclusive ? '≤' : '<'} ${issue.maximum}, got ${describeValue(input)}`;
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      const hint = typeof input === 'string' ? didYouMean(input, allowed) : '';
      return `${describeValue(input)} is not allowed${hint} (allowed: ${quoteList(allowed)})`;
    }
    case 'invalid_union': {
      if (issue.note !== 'No matching discriminator') return undefined;
      const tag = (issue as { discriminator?: string }).discriminator ?? 'type';
      const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
      const value = isRecord(input) ? input[tag] : undefined;
      if (!isRecord(input)) return `expected a map with '${tag}' (one of ${quoteList(options)}), got ${describeValue(input)}`;
      if (value === undefined) return `is required (one of ${quoteList(options)})`;
      const hint = typeof value === 'string' ? didYouMean(value, options) : '';
      return `unknown ${tag} ${describeValue(value)}${hint} (allowed: ${quoteList(options)})`;
    }
    default:
      return undefined;
  }
}

/** z.int() reports a string as "expected number"; say "integer" as the schema means. */
function isIntegerSchema(issue: RawIssue): boolean {
  const def = (issue.inst as { _zod?: { def?: { format?: string } } } | undefined)?._zod?.def;
  return def?.format === 'safeint' || def?.format === 'int32';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A map that rejects keys it does not know, suggesting the closest allowed one. */
export function strictMap<S extends z.core.$ZodLooseShape>(shape: S) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const key = issue.keys[0];
      const hint = didYouMean(key, allowed);
      return hint ? `unknown key '${key}'${hint}` : `unknown key '${key}' (allowed: ${allowed.join(', ')})`;
    },
  });
}

/** An enum whose `notYet` values are known but not implemented yet. */
export function choice<const T extends readonly [string, ...string[]]>(values: T, notYet: readonly string[] = []) {
  return z.enum(values, {
    error: (issue) =>
      issue.code === 'invalid_value' && typeof issue.input === 'string' && notYet.includes(issue.input)
        ? `'${issue.input}' is not supported yet (available: ${values.join(', ')})`
        : undefined,
  });
}

/** Checks a duration as written (`250ms`; `0`) and returns its message when it is wrong. */
export function durationProblem(input: unknown, positive: boolean): string | undefined {
  if (input === undefined) return 'is required';
  if (input === 0 || input === '0') return positive ? 'must be a duration > 0 (e.g. 250ms)' : undefined;
  if (typeof input === 'number') return `${DURATION_UNIT_HINT}, got ${input}`;
  if (typeof input !== 'string') return `expected a duration such as 250ms, got ${describeValue(input)}`;
  try {
    if (parseDuration(input) === 0 && positive) return `must be a duration > 0 (e.g. 250ms), got '${input}'`;
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

/** A duration string → milliseconds (not yet scaled by timeScale). */
export function duration(options: { positive?: boolean } = {}) {
  // z.custom (not z.unknown) so that `.optional()` skips an absent value instead of calling the transform
  return z.custom<unknown>((input) => input !== undefined, { error: 'is required' }).transform((input, ctx): number => {
    const problem = durationProblem(input, options.positive ?? false);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem, input });
      return z.NEVER;
    }
    return input === 0 ? 0 : parseDuration(input as string);
  });
}
