/** The CI gate: thresholds of the scenario read numbers from the report by dotted path. */
import type { ThresholdSpec } from '../scenario/types.js';
import type { Report, ThresholdResult } from './types.js';

/**
 * The number at a dotted path of the report (`latency.acquire.p99`, `totals.violations`), or null.
 * Array steps take an index (`phases.0.rates.throughput`), a name (`phases.sustained.latency.acquire.p99`) or `length` (`warnings.length`).
 */
export function readMetric(report: Report, path: string): number | null {
  let current: unknown = report;
  for (const step of path.split('.')) {
    if (current === null || typeof current !== 'object') return null;
    if (Array.isArray(current)) {
      current = /^\d+$/.test(step) ? current[Number(step)] : step === 'length' ? current.length : findByName(current, step);
    } else {
      current = Object.hasOwn(current, step) ? (current as Record<string, unknown>)[step] : undefined;
    }
  }
  return typeof current === 'number' && Number.isFinite(current) ? current : null;
}

function findByName(items: readonly unknown[], name: string): unknown {
  return items.find((item) => item !== null && typeof item === 'object' && (item as { name?: unknown }).name === name);
}

/** True when `actual op value` holds. */
export function compare(actual: number, op: ThresholdSpec['op'], value: number): boolean {
  switch (op) {
    case '<': return actual < value;
    case '<=': return actual <= value;
    case '>': return actual > value;
    case '>=': return actual >= value;
    case '==': return actual === value;
    case '!=': return actual !== value;
  }
}

/** Evaluates every threshold against the report; a path that holds no number fails. */
export function evaluateThresholds(report: Report, specs: readonly ThresholdSpec[]): ThresholdResult[] {
  return specs.map((spec) => {
    const actual = readMetric(report, spec.metric);
    return {
      metric: spec.metric,
      op: spec.op,
      value: spec.value,
      actual,
      pass: actual !== null && compare(actual, spec.op, spec.value),
      source: spec.source,
      ...(spec.abortOnFail && { abortOnFail: true }),
    };
  });
}

/** The thresholds that failed (empty = the gate passed). */
export function failedThresholds(report: Report): ThresholdResult[] {
  return report.thresholds.filter((threshold) => !threshold.pass);
}

/** The metric is a duration in ms (latency fields, `…Ms` fields), for formatting. */
export function isMillisecondMetric(metric: string): boolean {
  return /(^|\.)latency\./.test(metric) || /Ms$/.test(metric);
}
