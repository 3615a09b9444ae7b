/** The scenario file's shape. Output durations are ms as written; resolve.ts applies timeScale and defaults that need context. */
import { z } from 'zod';
import { backendSchema } from './backend.js';
import { distribution } from './distribution.js';
import { choice, describeValue, duration, isRecord, strictMap } from './fields.js';
import { quoteList } from './suggest.js';
import { thresholds, unknownPhaseProblem } from './thresholds.js';

const phase = strictMap({
  name: z.string().min(1).optional(),
  duration: duration({ positive: true }),
  rate: z.number().min(0),
  rampTo: z.number().min(0).optional(),
  arrival: choice(['uniform', 'poisson']).default('uniform'),
});

/** Name of the index-th (0-based) phase when the file gives none. */
export function phaseName(name: string | undefined, index: number): string {
  return name ?? `phase-${index + 1}`;
}

const phases = z
  .array(phase)
  .min(1)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((p, index) => {
      const name = phaseName(p.name, index);
      if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `${describeValue(name)} is used twice; phase names must be unique`, input: name });
      seen.add(name);
    });
  });

const pick = z.preprocess(
  (input) => (typeof input === 'string' ? { type: input } : input), // `pick: uniform`
  z.discriminatedUnion('type', [
    strictMap({ type: z.literal('uniform') }),
    strictMap({ type: z.literal('zipf'), s: z.number().gt(0) }),
    strictMap({ type: z.literal('hotspot'), hotKeys: z.number().gt(0).lt(1), hotTraffic: z.number().min(0).max(1) }),
  ]),
);

const resources = strictMap({
  count: z.int().min(1).default(1),
  key: z
    .string()
    .refine((key) => key.includes('{id}'), { error: (issue) => `must contain '{id}' (the resource id goes there), e.g. "seat:{id}"; got ${describeValue(issue.input)}` })
    .default('resource:{id}'),
  pick: pick.default({ type: 'uniform' }),
});

const retry = z
  .discriminatedUnion('strategy', [
    strictMap({ strategy: z.literal('none') }),
    strictMap({ strategy: z.literal('fixed'), delay: duration().default(10) }),
    strictMap({ strategy: z.literal('exponential'), base: duration().default(10), max: duration().default(1_000) }),
    strictMap({ strategy: z.literal('exponential-jitter'), base: duration().default(10), max: duration().default(1_000) }),
  ])
  .superRefine((r, ctx) => {
    if ('max' in r && r.max < r.base) ctx.addIssue({ code: 'custom', path: ['max'], message: 'must be ≥ base', input: r.max });
  });

const lock = strictMap({
  mode: choice(['single', 'none'], ['multi']).default('single'),
  ttl: duration({ positive: true }).default(30_000),
  acquireTimeout: duration().default(5_000),
  retry: retry.default({ strategy: 'exponential-jitter', base: 10, max: 500 }),
  renew: strictMap({ every: duration({ positive: true }) }).optional(),
}).superRefine((l, ctx) => {
  if (l.renew && l.renew.every >= l.ttl) {
    ctx.addIssue({ code: 'custom', path: ['renew', 'every'], message: 'must be shorter than ttl, or the lease lapses before it is renewed', input: l.renew.every });
  }
});

/** Every report file format, in the order they are written. */
export const REPORT_FORMATS = ['json', 'md', 'html', 'csv', 'hgrm', 'junit'] as const;
/** What a run writes when neither the scenario nor --format says. */
export const DEFAULT_REPORT_FORMATS: readonly (typeof REPORT_FORMATS)[number][] = ['json', 'md', 'html'];

const report = strictMap({
  dir: z.string().min(1).default('reports'),
  formats: z
    .array(choice(REPORT_FORMATS))
    .min(1)
    .default([...DEFAULT_REPORT_FORMATS]),
});

const NAME = /^(?!\.+$)[A-Za-z0-9._-]+$/;

/** The whole file. `cliDuration`: --duration was given, so a closed model may omit `duration`. */
export function scenarioSchema(context: { readonly cliDuration: boolean }) {
  return strictMap(
    {
      name: z.string().refine((name) => NAME.test(name), {
        error: (issue) => `${describeValue(issue.input)} may only hold letters, digits, '-', '_' and '.' (it becomes a folder name)`,
      }),
      description: z.string().default(''),
      seed: z.int().min(0).default(1),
      backend: backendSchema.default({ type: 'memory' }),
      workers: z.int().min(1).optional(),
      phases: phases.optional(),
      users: z.int().min(1).optional(),
      thinkTime: distribution.optional(),
      duration: duration({ positive: true }).optional(),
      maxInFlight: z.int().min(1).default(10_000),
      maxBacklog: z.int().min(0).default(100_000),
      resources: resources.prefault({}),
      lock: lock.prefault({}),
      hold: distribution.default({ type: 'constant', value: 0 }),
      timeScale: z.number().gt(0).default(1),
      drain: duration().default(30_000),
      thresholds: thresholds.default([]),
      report: report.prefault({}),
      sim: z.record(z.string(), z.unknown()).optional(),
    },
    ['resource', 'faults', 'matrix'],
  ).superRefine((s, ctx) => {
    const open = s.phases !== undefined;
    const closed = s.users !== undefined;
    const models = `${quoteList(['phases'])} (open model: arrivals per second) or ${quoteList(['users'])} (closed model: users that think, then ask)`;
    if (open && closed) ctx.addIssue({ code: 'custom', path: ['users'], message: `use either ${models}, not both`, params: { at: 'key' } });
    else if (!open && !closed) ctx.addIssue({ code: 'custom', path: [], message: `a scenario needs ${models}` });
    else if (open && s.duration !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['duration'], message: "belongs to the closed model ('users'); with 'phases' each phase has its own duration", params: { at: 'key' } });
    } else if (open && s.thinkTime !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['thinkTime'], message: "belongs to the closed model ('users'); it is not used with 'phases'", params: { at: 'key' } });
    } else if (closed && s.duration === undefined && !context.cliDuration) {
      ctx.addIssue({ code: 'custom', path: ['duration'], message: "is required with 'users' (how long the closed model runs, e.g. 60s)" });
    }
    // phases.<name>.… thresholds must name a phase of this schedule (a closed model has one, 'closed')
    const phaseNames = s.phases ? s.phases.map((p, index) => phaseName(p.name, index)) : ['closed'];
    for (const spec of s.thresholds) {
      const problem = unknownPhaseProblem(spec.metric, phaseNames);
      if (problem) ctx.addIssue({ code: 'custom', path: ['thresholds', spec.metric], message: problem, params: { at: 'key' } });
    }
  });
}

export type RawScenario = z.output<ReturnType<typeof scenarioSchema>>;
