/** CI gates: `latency.acquire.p99: "< 100ms"` (or `{ condition: "== 0", abortOnFail: true }`) → ThresholdSpec. */
import { z } from 'zod';
import { LATENCY_NAMES, TOTAL_NAMES } from '../metrics/types.js';
import { parseDuration } from './duration.js';
import { describeValue, isRecord } from './fields.js';
import { closestMatch, quoteList } from './suggest.js';
import type { ThresholdSpec } from './types.js';

const LATENCY_FIELDS = ['count', 'min', 'mean', 'stdev', 'max', 'p50', 'p90', 'p95', 'p99', 'p999', 'p9999'] as const;
const RATE_FIELDS = ['throughput', 'successRate', 'timeoutRate', 'contentionRate'] as const;
const QUEUEING_FIELDS = ['arrivalRate', 'completionRate', 'meanWaitMs', 'littleL', 'measuredL', 'littleError', 'maxWaiters', 'utilization'] as const;

const SAFETY_VIOLATION_FIELDS = ['overlaps', 'oversells', 'doubleBookings', 'lostUpdates', 'negativeBalances', 'staleWritesAccepted'] as const;
const RESOURCE_FIELDS = [
  'writes', 'skipped', 'staleWritesAccepted', 'staleWritesRejected', 'violations',
  'sold', 'stockLeft', 'oversells', 'lostUpdates', 'debits', 'debited', 'negativeBalances', 'minBalance', 'bookings', 'seatsBooked', 'doubleBookings', 'increments', 'finalValue',
] as const;
const COUNT_FIELDS = ['count', 'mean', 'p50', 'p90', 'p99', 'max'] as const;

/** The numeric fields of one phase (report.json `phases[]`), relative to the phase. */
const PHASE_METRIC_PATHS: readonly string[] = [
  ...LATENCY_NAMES.flatMap((name) => LATENCY_FIELDS.map((field) => `latency.${name}.${field}`)),
  ...TOTAL_NAMES.map((name) => `totals.${name}`),
  ...RATE_FIELDS.map((name) => `rates.${name}`),
  'startMs',
  'endMs',
];

/** Every numeric report.json field a threshold may name by a fixed dotted path (phases: see PHASE_PREFIX). */
export const REPORT_METRIC_PATHS: readonly string[] = [
  ...LATENCY_NAMES.flatMap((name) => LATENCY_FIELDS.map((field) => `latency.${name}.${field}`)),
  ...TOTAL_NAMES.map((name) => `totals.${name}`),
  ...RATE_FIELDS.map((name) => `rates.${name}`),
  ...QUEUEING_FIELDS.map((name) => `queueing.${name}`),
  'durationMs',
  'safety.overlaps',
  'safety.overlapMs',
  ...SAFETY_VIOLATION_FIELDS.map((name) => `safety.violations.${name}`),
  ...RESOURCE_FIELDS.map((name) => `safety.resource.${name}`),
  'retries.attemptsPerAcquisition',
  'retries.rejected',
  'retries.breaker.opened',
  ...COUNT_FIELDS.flatMap((field) => [`retries.perGrant.${field}`, `retries.perFailure.${field}`]),
  'faults.crashes.count',
  'faults.crashes.blockedMeanMs',
  'faults.crashes.blockedMaxMs',
  'faults.crashes.reclaimedAfterMaxMs',
  'warnings.length',
  'backend.outages.length',
];

/** `phases.<name or index>.<phase field>`, e.g. phases.sustained.latency.acquire.p99 */
const PHASE_PREFIX = 'phases.';

const METRIC_SUMMARY =
  `latency.{${LATENCY_NAMES.join('|')}}.{${LATENCY_FIELDS.join('|')}}, totals.{${TOTAL_NAMES.join('|')}}, ` +
  `rates.{${RATE_FIELDS.join('|')}}, queueing.{${QUEUEING_FIELDS.join('|')}}, durationMs, safety.overlaps, safety.overlapMs, ` +
  `safety.violations.{${SAFETY_VIOLATION_FIELDS.join('|')}}, safety.resource.{${RESOURCE_FIELDS.join('|')}}, retries.attemptsPerAcquisition, ` +
  `retries.{perGrant|perFailure}.{${COUNT_FIELDS.join('|')}}, retries.rejected, retries.breaker.opened, faults.crashes.{count|blockedMeanMs|blockedMaxMs|reclaimedAfterMaxMs}, warnings.length, ` +
  `backend.outages.length, phases.<phase name or index>.{latency.…|totals.…|rates.…}`;

const OPERATORS = ['<=', '>=', '==', '!=', '<', '>'] as const;
const CONDITION = /^\s*(<=|>=|==|!=|<|>)\s*(\S(?:.*\S)?)\s*$/;
/** `metric<op>value` on the command line, e.g. `latency.acquire.p99<100ms` */
const CLI_THRESHOLD = /^\s*([A-Za-z0-9_.-]+)\s*((?:<=|>=|==|!=|<|>).*)$/;

/** Operators under which a counter that only grows can fail for good before the run ends. */
const EARLY_FAIL_OPS: readonly ThresholdSpec['op'][] = ['<', '<=', '=='];
/** Keys of the map form of a threshold. */
const THRESHOLD_KEYS = ['condition', 'abortOnFail'] as const;

/** Latency fields and `...Ms` fields are in ms, so a duration may be given for them. */
function takesDuration(metric: string): boolean {
  if (/(^|\.)latency\./.test(metric)) return !metric.endsWith('.count');
  return metric.endsWith('Ms');
}

/**
 * True when a threshold on `metric` may stop the run early (abortOnFail): a counter under `totals.`
 * only grows, so once `<`, `<=` or `==` fails on the live totals it can never pass again.
 */
export function canAbortEarly(metric: string, op: ThresholdSpec['op']): boolean {
  return metric.startsWith('totals.') && EARLY_FAIL_OPS.includes(op);
}

type Problem = { readonly message: string; readonly at: 'key' | 'value'; readonly path?: readonly string[] };

/** Why `metric` names no numeric report field, with a "did you mean"; undefined when it does. */
export function unknownMetricProblem(metric: string): string | undefined {
  if (REPORT_METRIC_PATHS.includes(metric)) return undefined;
  if (metric.startsWith(PHASE_PREFIX)) {
    const [, phase, ...rest] = metric.split('.');
    const field = rest.join('.');
    if (phase && PHASE_METRIC_PATHS.includes(field)) return undefined;
    const match = closestMatch(field, PHASE_METRIC_PATHS);
    const hint = match ? `did you mean '${PHASE_PREFIX}${phase}.${match}'?` : `allowed after the phase: latency.<name>.<field>, totals.<counter>, rates.<rate>, startMs, endMs`;
    return `unknown metric '${metric}'; ${hint}`;
  }
  const match = closestMatch(metric, REPORT_METRIC_PATHS);
  return `unknown metric '${metric}'; ${match ? `did you mean '${match}'?` : `allowed: ${METRIC_SUMMARY}`}`;
}

/**
 * Why a `phases.<phase>.…` threshold names no phase of the scenario (with a "did you mean"); undefined otherwise.
 * `phaseNames` in schedule order (a closed model has one phase, 'closed').
 */
export function unknownPhaseProblem(metric: string, phaseNames: readonly string[]): string | undefined {
  if (!metric.startsWith(PHASE_PREFIX)) return undefined;
  const phase = metric.split('.')[1];
  if (phaseNames.includes(phase)) return undefined;
  if (/^\d+$/.test(phase) && Number(phase) < phaseNames.length) return undefined;
  const match = closestMatch(phase, phaseNames);
  return `no phase '${phase}' in this scenario${match ? `; did you mean '${match}'?` : ` (phases: ${quoteList(phaseNames)}, or an index from 0)`}`;
}

/** Parses `< 100ms` for `metric`; `source` keeps the condition as written. */
function parseCondition(metric: string, condition: unknown): Omit<ThresholdSpec, 'abortOnFail'> | Problem {
  const example = takesDuration(metric) ? '"< 100ms"' : '"> 0.99"';
  if (typeof condition !== 'string') {
    return { at: 'value', message: `expected a condition string such as ${example}, got ${describeValue(condition)}` };
  }
  const match = CONDITION.exec(condition);
  if (!match) {
    return {
      at: 'value',
      message: `'${condition}' is not a condition; expected an operator (${OPERATORS.join(' ')}) and a value, e.g. ${example}`,
    };
  }
  const [, op, valueText] = match;
  const asNumber = Number(valueText);
  let value: number;
  if (Number.isFinite(asNumber)) value = asNumber;
  else if (takesDuration(metric)) {
    try {
      value = parseDuration(valueText);
    } catch (error) {
      return { at: 'value', message: `expected a number or a duration, got '${valueText}': ${(error as Error).message}` };
    }
  } else {
    return { at: 'value', message: `expected a number after '${op}', got '${valueText}' (${metric} is not measured in time)` };
  }
  // thresholds judge the measured report, so they are not multiplied by timeScale
  return { metric, op: op as ThresholdSpec['op'], value, source: `${op} ${valueText}` };
}

/** One entry of the `thresholds` map: a condition string, or `{ condition, abortOnFail }`. */
function parseThreshold(metric: string, entry: unknown): ThresholdSpec | Problem {
  const unknown = unknownMetricProblem(metric);
  if (unknown) return { at: 'key', message: unknown };
  if (!isRecord(entry)) return parseCondition(metric, entry);

  const extra = Object.keys(entry).find((key) => !(THRESHOLD_KEYS as readonly string[]).includes(key));
  if (extra !== undefined) {
    const match = closestMatch(extra, THRESHOLD_KEYS);
    return { at: 'key', path: [extra], message: `unknown key '${extra}'${match ? `; did you mean '${match}'?` : ` (allowed: ${THRESHOLD_KEYS.join(', ')})`}` };
  }
  if (entry.condition === undefined) return { at: 'value', message: `needs 'condition', e.g. { condition: "== 0", abortOnFail: true }` };
  const parsed = parseCondition(metric, entry.condition);
  if ('message' in parsed) return { ...parsed, path: ['condition'] };
  const abortOnFail = entry.abortOnFail ?? false;
  if (typeof abortOnFail !== 'boolean') {
    return { at: 'value', path: ['abortOnFail'], message: `expected true or false, got ${describeValue(abortOnFail)}` };
  }
  if (abortOnFail && !canAbortEarly(metric, parsed.op)) {
    return {
      at: 'value',
      path: ['abortOnFail'],
      message:
        `abortOnFail works on counters that only grow (totals.*) with <, <= or ==, which can fail for good mid-run; ` +
        `'${metric} ${parsed.source}' can still change its verdict, so it is checked when the run ends`,
    };
  }
  return abortOnFail ? { ...parsed, abortOnFail: true } : parsed;
}

/** `--threshold 'totals.violations==0,abortOnFail'`: the suffix that asks for abortOnFail. */
const CLI_ABORT_SUFFIX = /,\s*abortOnFail\s*$/;

/**
 * A `--threshold` of the command line, `latency.acquire.p99<100ms` or `totals.violations == 0`,
 * optionally followed by `,abortOnFail`.
 * Throws an Error whose message says what is wrong (with a "did you mean" for the metric).
 */
export function parseThresholdArgument(text: string, phaseNames: readonly string[]): ThresholdSpec {
  const abortOnFail = CLI_ABORT_SUFFIX.test(text);
  const match = CLI_THRESHOLD.exec(text.replace(CLI_ABORT_SUFFIX, ''));
  if (!match) {
    throw new Error(`expected <metric><op><value>[,abortOnFail], e.g. 'latency.acquire.p99<100ms' or 'totals.violations==0,abortOnFail' (operators: ${OPERATORS.join(' ')})`);
  }
  const [, metric, condition] = match;
  const parsed = parseThreshold(metric, abortOnFail ? { condition, abortOnFail } : condition);
  if ('message' in parsed) throw new Error(parsed.message);
  const phase = unknownPhaseProblem(metric, phaseNames);
  if (phase) throw new Error(phase);
  return parsed;
}

/** The `thresholds` map → ThresholdSpec[] in file order. */
export const thresholds = z.record(z.string(), z.unknown()).transform((entries, ctx) => {
  const specs: ThresholdSpec[] = [];
  for (const [metric, entry] of Object.entries(entries)) {
    const parsed = parseThreshold(metric, entry);
    if ('message' in parsed) {
      const input = isRecord(entry) && parsed.path ? entry[parsed.path[0]] : entry;
      ctx.addIssue({ code: 'custom', path: [metric, ...(parsed.path ?? [])], message: parsed.message, params: { at: parsed.at }, input });
    } else specs.push(parsed);
  }
  return specs;
});
