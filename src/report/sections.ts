/** The content of a summary, as rows and lines; console.ts and markdown.ts only lay it out. */
import { LATENCY_NAMES, TOTAL_NAMES } from '../metrics/types.js';
import { formatCount, formatMs, formatNumber, formatPercent, formatRate } from './format.js';
import { isMillisecondMetric } from './thresholds.js';
import type { Report, ThresholdResult } from './types.js';

export { safetyLine, safetyLines, SUMMARY_OVERLAP_EXAMPLES } from './safety-sections.js';

/** A table: a header row and body rows of text cells. */
export interface SummaryTable {
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** per column @default first column left, the others right */
  readonly align?: readonly ('left' | 'right')[];
}

/** The alignment of each column of a table. */
export function columnAlignment(table: SummaryTable): ('left' | 'right')[] {
  return table.head.map((_, column) => table.align?.[column] ?? (column === 0 ? 'left' : 'right'));
}

/** One line naming the run: scenario, backend, length, workers, and whether it was interrupted. */
export function runHeadline(report: Report): string {
  const interrupted = report.abortedBy
    ? ` — ABORTED by ${report.abortedBy.metric} ${report.abortedBy.source} (partial)`
    : report.interrupted
      ? ' — INTERRUPTED (partial)'
      : '';
  return (
    `lockbench ${report.mode === 'simulated' ? 'simulate' : 'run'}: ${report.scenario.name} on ${report.backend.type}, ${formatMs(report.durationMs)}, ` +
    `${report.environment.workers} worker${report.environment.workers === 1 ? '' : 's'}${interrupted}`
  );
}

/** acquire, acquireService, hold and endToEnd: count and percentiles. */
export function latencyTable(report: Report): SummaryTable {
  return {
    head: ['latency', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'],
    rows: LATENCY_NAMES.map((name) => {
      const latency = report.latency[name];
      return [name, formatCount(latency.count), ...[latency.p50, latency.p90, latency.p99, latency.p999, latency.max].map(formatMs)];
    }),
  };
}

/** Totals, then rates, as label/value pairs three to a row. */
export function totalsTable(report: Report): SummaryTable {
  const totals = TOTAL_NAMES.map((name): [string, string] => [name, formatCount(report.totals[name])]);
  const rates: [string, string][] = [
    ['throughput', formatRate(report.rates.throughput)],
    ['success rate', formatPercent(report.rates.successRate)],
    ['timeout rate', formatPercent(report.rates.timeoutRate)],
    ['contention rate', formatPercent(report.rates.contentionRate)],
    ['arrival rate', formatRate(report.queueing.arrivalRate)],
    ['utilization ρ', formatPercent(report.queueing.utilization)],
  ];
  return {
    head: ['metric', 'value', 'metric', 'value', 'metric', 'value'],
    rows: [...pairsInRows(totals), ...pairsInRows(rates)],
    align: ['left', 'right', 'left', 'right', 'left', 'right'],
  };
}

function pairsInRows(pairs: readonly [string, string][]): string[][] {
  const rows: string[][] = [];
  for (let i = 0; i < pairs.length; i += 3) {
    const row = pairs.slice(i, i + 3).flat();
    while (row.length < 6) row.push('');
    rows.push(row);
  }
  return rows;
}

/** One row per phase; throughput over the phase's own length. */
export function phasesTable(report: Report): SummaryTable {
  return {
    head: ['phase', 'arrivals', 'acquired', 'failed', 'throughput/s', 'acquire p99'],
    rows: report.phases.map((phase) => [
      phase.name,
      formatCount(phase.totals.arrivals),
      formatCount(phase.totals.acquired),
      formatCount(phase.totals.failed),
      formatRate(phase.rates.throughput, ''),
      formatMs(phase.latency.acquire.p99),
    ]),
  };
}

/** Hold time per component of a mix; null when there is nothing to split (one component or none). */
export function holdMixTable(report: Report): SummaryTable | null {
  if (report.holdMix.length <= 1) return null;
  return {
    head: ['hold mix', 'weight', 'share', 'count', 'p50', 'p99', 'max'],
    rows: report.holdMix.map((entry) => [
      entry.name,
      formatNumber(entry.weight),
      formatPercent(entry.share, 1),
      formatCount(entry.count),
      formatMs(entry.hold.p50),
      formatMs(entry.hold.p99),
      formatMs(entry.hold.max),
    ]),
  };
}

/** `Little: λ=… /s × W=… ms → L=…; measured L=… (error 2.1%)` */
export function littleLine(report: Report): string {
  const q = report.queueing;
  const error = q.littleError === null ? 'error n/a: no waiters measured' : `error ${formatPercent(q.littleError, 1)}`;
  return (
    `Little: λ=${formatRate(q.completionRate, ' /s')} × W=${formatNumber(q.meanWaitMs)} ms → L=${formatNumber(q.littleL)}; ` +
    `measured L=${formatNumber(q.measuredL)} (${error}), peak ${formatCount(q.maxWaiters)} waiters`
  );
}

/** What the backend reported beyond the totals: its semantics notes, its own counters, its outages. */
export function backendLines(report: Report): string[] {
  const { notes, stats, outages } = report.backend;
  const lines = [...(notes ?? [])];
  const counters = Object.entries(stats ?? {});
  if (counters.length > 0) lines.push(`backend counters: ${counters.map(([name, value]) => `${name} ${formatCount(value)}`).join(', ')}`);
  for (const outage of outages) {
    lines.push(`backend unreachable ${outage.fromS}s–${outage.toS}s into the run: ${formatCount(outage.errors)} errors, no grants`);
  }
  return lines;
}

/** `PASS latency.acquire.p99 < 100ms: actual 45.2ms (54.8ms to spare)` */
export function thresholdLine(threshold: ThresholdResult): string {
  const verdict = threshold.pass ? 'PASS' : 'FAIL';
  const head = `${verdict} ${threshold.metric} ${threshold.source}`;
  if (threshold.actual === null) return `${head}: no number at this path in the report`;
  const margin = thresholdMargin(threshold, threshold.actual);
  return `${head}: actual ${formatMetric(threshold.metric, threshold.actual)}${margin ? ` (${margin})` : ''}`;
}

/** How far a threshold's actual value is from its limit: "over by 12ms", "3 to spare", "off by 2"; '' when nothing to say. */
export function thresholdMargin(threshold: ThresholdResult, actual: number): string {
  const distance = formatMetric(threshold.metric, Math.abs(actual - threshold.value));
  if (actual === threshold.value) {
    return threshold.op === '<' || threshold.op === '>' || threshold.op === '!=' ? 'exactly at the limit' : '';
  }
  switch (threshold.op) {
    case '<':
    case '<=':
      return threshold.pass ? `${distance} to spare` : `over by ${distance}`;
    case '>':
    case '>=':
      return threshold.pass ? `${distance} to spare` : `short by ${distance}`;
    case '==':
      return `off by ${distance}`;
    case '!=':
      return '';
  }
}

/** A threshold number in the field's unit: ms fields as durations, integers with separators, others to 6 digits. */
export function formatMetric(metric: string, value: number): string {
  if (isMillisecondMetric(metric)) return formatMs(value);
  if (Number.isInteger(value)) return formatCount(value);
  return String(Number(value.toPrecision(6)));
}

/** `thresholds: 2 passed, 1 failed` */
export function thresholdsHeadline(report: Report): string {
  const failed = report.thresholds.filter((threshold) => !threshold.pass).length;
  return `thresholds: ${report.thresholds.length - failed} passed, ${failed} failed`;
}

/** Why an abortOnFail threshold stopped the run; null when none did. */
export function abortLine(report: Report): string | null {
  const abort = report.abortedBy;
  if (!abort) return null;
  return (
    `stopped early: ${abort.metric} ${abort.source} could no longer pass ` +
    `(${formatMetric(abort.metric, abort.actual)} after ${formatMs(abort.atMs)}); the report covers the run until then`
  );
}
