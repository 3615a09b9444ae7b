/** The scenario file's shape. Output durations are ms as written; resolve.ts applies timeScale and defaults that need context. */
import { z } from 'zod';
import { backendSchema } from './backend.js';
import { distribution } from './distribution.js';
import { faults } from './faults.js';
import { resource } from './resource.js';
import { retry } from './retry.js';
import { sim } from './sim.js';
import { choice, describeValue, duration, strictMap } from './fields.js';
import { quoteList } from './suggest.js';
import { leafCount } from './hierarchy.js';
import { thresholds, unknownPhaseProblem } from './thresholds.js';

/** Leaves a lock hierarchy may have (the ground-truth board keeps ~100 bytes per lockable key). */
const MAX_LEAVES = 10_000_000;

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
  /** default 1; with lock.keys.levels, the number of leaves */
  count: z.int().min(1).optional(),
  key: z
    .string()
    .refine((key) => key.includes('{id}'), { error: (issue) => `must contain '{id}' (the resource id goes there), e.g. "seat:{id}"; got ${describeValue(issue.input)}` })
    .default('resource:{id}'),
  pick: pick.default({ type: 'uniform' }),
});

const multiKeys = z.preprocess(
  (input) => (typeof input === 'number' ? { count: input } : input), // `keys: 4`
  z.union([
    strictMap({ count: z.int().min(2).max(64) }),
    strictMap({
      levels: z
        .array(strictMap({ name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, { error: 'a name of letters, digits, - and _' }), count: z.int().min(1) }))
        .min(2)
        .max(8),
    }),
  ]),
);

const lock = strictMap({
  mode: choice(['single', 'none', 'multi']).default('single'),
  ttl: duration({ positive: true }).default(30_000),
  acquireTimeout: duration().default(5_000),
  retry: retry.default({ strategy: 'exponential-jitter', base: 10, max: 500 }),
  renew: strictMap({ every: duration({ positive: true }) }).optional(),
  /** mode multi (or none, the unlocked baseline): keys per request (`keys: 4`) or a hierarchy (`keys: { levels: [...] }`) */
  keys: multiKeys.optional(),
  /** holders a key admits at once: 1 = a mutex, c > 1 = a semaphore / pool of c permits (simulate and plan) */
  permits: z.int().min(1).default(1),
}).superRefine((l, ctx) => {
  if (l.mode === 'multi' && l.keys === undefined) {
    ctx.addIssue({ code: 'custom', path: ['keys'], message: "is required with mode multi: a number of keys per request (keys: 4) or levels (keys: { levels: [{ name: train, count: 5 }, ...] })" });
  }
  if (l.mode === 'single' && l.keys !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['keys'], message: "belongs to mode multi (or none: the same requests without a lock); mode is 'single'", params: { at: 'key' } });
  }
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

/** A scenario or variant name: it becomes a folder name. */
const folderName = z.string().refine((name) => NAME.test(name), {
  error: (issue) => `${describeValue(issue.input)} may only hold letters, digits, '-', '_' and '.' (it becomes a folder name)`,
});

/** Variants a matrix may list: each runs as a scenario of its own, so keep a matrix to minutes. */
const MAX_VARIANTS = 20;

/** A `set:` key: a dotted path like `--set` takes (`phases.0.rate`), never one that renames the report or nests a matrix. */
function setPathProblem(path: string): string | undefined {
  const segments = path.split('.');
  if (segments.some((segment) => segment.trim() === '') || path.includes('=')) return `'${path}' is not a path; expected dotted keys such as resources.count or phases.0.rate`;
  if (segments[0] === 'name') return "a variant cannot set 'name': its report is named <scenario>.<variant>";
  if (segments[0] === 'matrix') return "a variant cannot set 'matrix': variants do not nest";
  return undefined;
}

const variant = strictMap({
  name: folderName,
  description: z.string().default(''),
  /** dotted path → value (YAML, maps allowed), applied to the file before --set */
  set: z
    .record(z.string(), z.unknown())
    .default({})
    .superRefine((set, ctx) => {
      for (const path of Object.keys(set)) {
        const problem = setPathProblem(path);
        if (problem) ctx.addIssue({ code: 'custom', path: [path], message: problem, params: { at: 'key' } });
      }
    }),
});

/** `matrix:` the variants to run and compare, each the file with its `set` applied (src/scenario/matrix.ts). */
const matrix = z
  .array(variant)
  .min(1)
  .max(MAX_VARIANTS, { error: `lists at most ${MAX_VARIANTS} variants` })
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((v, index) => {
      if (seen.has(v.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `${describeValue(v.name)} is used twice; variant names must be unique`, input: v.name });
      seen.add(v.name);
    });
  });

/** The whole file. `cliDuration`: --duration was given, so a closed model may omit `duration`. */
export function scenarioSchema(context: { readonly cliDuration: boolean }) {
  return strictMap(
    {
      name: folderName,
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
      sim: sim.optional(),
      resource: resource.optional(),
      faults: faults.default([]),
      matrix: matrix.optional(),
    },
  ).superRefine((s, ctx) => {
    const levels = s.lock.keys && 'levels' in s.lock.keys ? s.lock.keys.levels : undefined;
    if (levels) {
      const leaves = leafCount(levels);
      if (leaves > MAX_LEAVES) {
        ctx.addIssue({ code: 'custom', path: ['lock', 'keys', 'levels'], message: `make ${leaves} leaves (${levels.map((l) => l.count).join(' × ')}); at most ${MAX_LEAVES}` });
      } else if (s.resources.count !== undefined && s.resources.count !== leaves) {
        ctx.addIssue({
          code: 'custom',
          path: ['resources', 'count'],
          message: `with lock.keys.levels the resources are the leaves: ${levels.map((l) => l.count).join(' × ')} = ${leaves} (leave count out)`,
          input: s.resources.count,
        });
      }
    }
    if (s.resource?.fencing && s.lock.mode === 'none') {
      ctx.addIssue({ code: 'custom', path: ['resource', 'fencing'], message: "needs a lock: with lock.mode none there is no fence token to check (use mode single or multi, or fencing: false)" });
    }
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
export type RawVariant = z.output<typeof variant>;
