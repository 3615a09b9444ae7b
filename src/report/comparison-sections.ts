/** The content of a comparison as rows and lines; console.ts, markdown.ts and the HTML page only lay it out. */
import type { ComparedRun, ComparisonRow, ReportComparison } from './compare.js';
import { formatCount, formatMs, formatPercent, formatRate } from './format.js';
import type { SummaryTable } from './sections.js';

/** One row per compared metric: base, new, relative change, verdict. */
export function comparisonTable(comparison: ReportComparison): SummaryTable {
  return {
    head: ['metric', 'base', 'new', 'change', 'verdict'],
    rows: comparison.rows.map((row) => [
      row.gated ? `${row.label} (gate)` : row.label,
      formatCompared(row, row.base),
      formatCompared(row, row.next),
      formatChange(row),
      rowVerdict(row),
    ]),
  };
}

/** REGRESSION (a gated metric, fails), worse (shown only), better, or ok — against the tolerance. */
export function rowVerdict(row: ComparisonRow): string {
  if (row.regression) return 'REGRESSION';
  if (row.worse) return 'worse';
  if (row.improved) return 'better';
  return row.base === null || row.next === null ? 'n/a' : 'ok';
}

/** `base: flash-sale on memory, 2025-…, 24.3s` */
export function comparedRunLine(side: 'base' | 'new', run: ComparedRun): string {
  const where = run.file ? ` (${run.file})` : '';
  return `${side}: ${run.scenario} on ${run.backend}, ${run.startedAt}, ${formatMs(run.durationMs)}${run.mode === 'run' ? '' : `, ${run.mode}`}${run.interrupted ? ', interrupted' : ''}${where}`;
}

/** The verdict in one line: which gated metrics regressed and by how much, or that none did. */
export function comparisonVerdict(comparison: ReportComparison): string {
  const limit = formatPercent(comparison.tolerance, 1);
  const gated = comparison.rows.filter((row) => row.gated).map((row) => row.label).join(', ');
  const regressions = comparison.rows.filter((row) => row.regression);
  if (regressions.length === 0) return `no regression beyond ${limit} (gated: ${gated})`;
  return `REGRESSION beyond ${limit}: ${regressions.map((row) => `${row.label} ${formatChange(row)}`).join(', ')}`;
}

/** The relative change with its sign: "+12.3%", "-4%", "from 0", "n/a". */
export function formatChange(row: ComparisonRow): string {
  if (row.base === null || row.next === null) return 'n/a';
  if (row.change === null) return row.next === row.base ? '0%' : 'from 0';
  const text = formatPercent(Math.abs(row.change), 1);
  // below the shown precision it is no change worth a sign
  if (text === '0%' || text.startsWith('<')) return '0%';
  return `${row.change > 0 ? '+' : '-'}${text}`;
}

function formatCompared(row: ComparisonRow, value: number | null): string {
  if (value === null) return 'n/a';
  if (row.metric.startsWith('latency.')) return formatMs(value);
  if (row.metric === 'rates.throughput') return formatRate(value);
  if (row.metric.startsWith('rates.')) return formatPercent(value);
  return formatCount(value);
}
