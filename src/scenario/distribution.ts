/** Duration distributions (hold, thinkTime, backend rtt) as written in the file; values in unscaled ms. */
import { z } from 'zod';
import { describeValue, durationProblem, duration, isRecord, strictMap } from './fields.js';

const uniform = strictMap({ type: z.literal('uniform'), min: duration(), max: duration() }).superRefine((d, ctx) => {
  if (d.max < d.min) ctx.addIssue({ code: 'custom', path: ['max'], message: 'must be ≥ min', input: d.max });
});

const lognormal = strictMap({
  type: z.literal('lognormal'),
  median: duration({ positive: true }),
  p99: duration({ positive: true }),
}).superRefine((d, ctx) => {
  if (d.p99 <= d.median) ctx.addIssue({ code: 'custom', path: ['p99'], message: 'must be greater than median (p99 > median > 0)', input: d.p99 });
});

const plainOptions = [
  strictMap({ type: z.literal('constant'), value: duration() }),
  uniform,
  strictMap({ type: z.literal('exponential'), mean: duration({ positive: true }) }),
  lognormal,
] as const;

/** A duration string stands for `{type: constant, value}`; a bad one is reported where it is written. */
function withShorthand<T extends z.ZodType>(schema: T) {
  return z.preprocess((input, ctx) => {
    if (typeof input !== 'string' && typeof input !== 'number') return input;
    const problem = durationProblem(input, false);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (or a map such as {type: uniform, min: 1s, max: 2s})`, input });
    return { type: 'constant', value: input };
  }, schema);
}

const plainDistribution = withShorthand(
  z.discriminatedUnion('type', [...plainOptions], {
    error: (issue) =>
      issue.code === 'invalid_union' && isRecord(issue.input) && issue.input.type === 'mix'
        ? "a mix component cannot itself be a mix (allowed: 'constant', 'uniform', 'exponential', 'lognormal')"
        : undefined,
  }),
);

const mixComponent = strictMap({
  weight: z.number().gt(0),
  name: z.string().min(1).optional(),
  dist: plainDistribution,
});

const mix = strictMap({ type: z.literal('mix'), of: z.array(mixComponent).min(1) }).superRefine((d, ctx) => {
  const seen = new Set<string>();
  d.of.forEach((component, index) => {
    const name = mixComponentName(component.name, index);
    if (seen.has(name)) {
      ctx.addIssue({ code: 'custom', path: ['of', index, 'name'], message: `${describeValue(name)} is used twice; component names must be unique`, input: name });
    }
    seen.add(name);
  });
});

/** Name of the index-th (0-based) component of a mix when the file gives none. */
export function mixComponentName(name: string | undefined, index: number): string {
  return name ?? `component-${index + 1}`;
}

/** Any distribution, a `mix` included. */
export const distribution = withShorthand(z.discriminatedUnion('type', [...plainOptions, mix]));

export type RawDistribution = z.output<typeof distribution>;
