/** CI gates: `latency.acquire.p99: "< 100ms"` → ThresholdSpec. */
import { z } from 'zod';
import { LATENCY_NAMES, TOTAL_NAMES } from '../metrics/types.js';
import { parseDuration } from './duration.js';
import { describeValue } from './fields.js';
import { closestMatch } from './suggest.js';
import type { ThresholdSpec } from './types.js';

const LATENCY_FIELDS = ['count', 'min', 'mean', 'stdev', 'max', 'p50', 'p90', 'p95', 'p99', 'p999', 'p9999'] as const;
const RATE_FIELDS = ['throughput', 'successRate', 'timeoutRate', 'contentionRate'] as const;
const QUEUEING_FIELDS = ['arrivalRate', 'meanWaitMs', 'littleL', 'measuredL', 'littleError', 'maxWaiters', 'utilization'] as const;

/** Every numeric report.json field a threshold may name, by dotted path. */
export const REPORT_METRIC_PATHS: readonly string[] = [
  ...LATENCY_NAMES.flatMap((name) => LATENCY_FIELDS.map((field) => `latency.${name}.${field}`)),
  ...TOTAL_NAMES.map((name) => `totals.${name}`),
  ...RATE_FIELDS.map((name) => `rates.${name}`),
  ...QUEUEING_FIELDS.map((name) => `queueing.${name}`),
  'durationMs',
];

const METRIC_SUMMARY =
  `latency.{${LATENCY_NAMES.join('|')}}.{${LATENCY_FIELDS.join('|')}}, totals.{${TOTAL_NAMES.join('|')}}, ` +
  `rates.{${RATE_FIELDS.join('|')}}, queueing.{${QUEUEING_FIELDS.join('|')}}, durationMs`;

const OPERATORS = ['<=', '>=', '==', '!=', '<', '>'] as const;
const CONDITION = /^\s*(<=|>=|==|!=|<|>)\s*(\S(?:.*\S)?)\s*$/;

/** Latency fields and `...Ms` fields are in ms, so a duration may be given for them. */
function takesDuration(metric: string): boolean {
  return metric.startsWith('latency.') && !metric.endsWith('.count') ? true : metric.endsWith('Ms');
}

type Problem = { readonly message: string; readonly at: 'key' | 'value' };

function parseThreshold(metric: string, condition: unknown): ThresholdSpec | Problem {
  if (!REPORT_METRIC_PATHS.includes(metric)) {
    const match = closestMatch(metric, REPORT_METRIC_PATHS);
    const hint = match ? `did you mean '${match}'?` : `allowed: ${METRIC_SUMMARY}`;
    return { at: 'key', message: `unknown metric '${metric}'; ${hint}` };
  }
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
  return { metric, op: op as ThresholdSpec['op'], value, source: `${metric} ${op} ${valueText}` };
}

/** The `thresholds` map → ThresholdSpec[] in file order. */
export const thresholds = z.record(z.string(), z.unknown()).transform((entries, ctx) => {
  const specs: ThresholdSpec[] = [];
  for (const [metric, condition] of Object.entries(entries)) {
    const parsed = parseThreshold(metric, condition);
    if ('message' in parsed) ctx.addIssue({ code: 'custom', path: [metric], message: parsed.message, params: { at: parsed.at }, input: condition });
    else specs.push(parsed);
  }
  return specs;
});
