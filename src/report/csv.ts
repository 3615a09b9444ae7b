/** series.csv: the per-second series, one row per second, for spreadsheets and plotting tools. */
import type { SeriesPoint } from '../metrics/types.js';
import type { Report } from './types.js';

/** Columns of series.csv, in order; latency columns are in ms. */
export const SERIES_CSV_COLUMNS = [
  't', 'phase', 'arrivals', 'acquired', 'failed', 'timeouts', 'errors', 'inFlight', 'waiters', 'p50Ms', 'p99Ms', 'attempts', 'rejected', 'breakerOpen',
] as const;

/** The series as CSV (RFC 4180, `\n` line ends); `t` is the second since the run's start, `phase` the phase it began in. */
export function formatSeriesCsv(report: Report): string {
  const lines = [SERIES_CSV_COLUMNS.join(',')];
  for (const point of report.series) {
    const cells: (string | number)[] = [
      point.t,
      csvText(phaseAt(report, point)),
      point.arrivals,
      point.acquired,
      point.failed,
      point.timeouts ?? '',
      point.errors ?? '',
      point.inFlight,
      point.waiters,
      point.p50,
      point.p99,
      point.attempts ?? '',
      point.rejected ?? '',
      point.breakerOpen ?? '',
    ];
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The phase a second starts in; 'drain' after the schedule. */
function phaseAt(report: Report, point: SeriesPoint): string {
  const ms = point.t * 1000;
  return report.phases.find((phase) => ms >= phase.startMs && ms < phase.endMs)?.name ?? (report.phases.length > 0 ? 'drain' : '');
}

// phase names come from the scenario: quote any that a CSV reader would split or misread
function csvText(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
