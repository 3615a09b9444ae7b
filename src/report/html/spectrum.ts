/** The percentile spectrum (HdrHistogram's plot): latency against 1/(1−p) on a log axis, one line per latency. */
import { LATENCY_NAMES, type LatencyName, type LatencySummary } from '../../metrics/types.js';
import { formatMs } from '../format.js';
import { formatHgrm, parseHgrm } from '../hgrm.js';
import type { Report } from '../types.js';
import { logScale, renderChart, type LineSeries, type Scale, type Tick } from './svg.js';

/** The colour of each latency, shared by the spectrum and its legend. */
export const LATENCY_COLORS: Readonly<Record<LatencyName, string>> = {
  acquire: '#1f6feb',
  acquireService: '#1a7f37',
  hold: '#bf8700',
  endToEnd: '#8250df',
};

/** A point of the spectrum: log10 of 1/(1−p), and the latency in ms. */
type SpectrumPoint = readonly [number, number];

/** The spectrum chart of the report's four latencies (an empty string when nothing was recorded). */
export function spectrumChart(report: Report): string {
  const lines = LATENCY_NAMES.map((name) => ({ name, points: spectrumPoints(report.latency[name]) })).filter((line) => line.points.length > 0);
  if (lines.length === 0) return '';
  // at least to 99%, at most to 99.99999%: the tail a run of this size can show
  const xMax = Math.min(7, Math.max(2, Math.ceil(Math.max(...lines.flatMap((line) => line.points.map(([x]) => x))) - 1e-9)));
  // the axis starts at the decade of the lowest 10th percentile: below it the lines leave the plot
  // (the fastest few grants say little), so the tail gets the room
  const lowest = Math.min(...lines.map((line) => valueFrom(line.points, 1 / 0.9)).filter((value) => value > 0));
  const highest = Math.max(...lines.flatMap((line) => line.points.map(([, value]) => value)));
  const yMin = roundOnLogAxis(Number.isFinite(lowest) ? lowest : 0.001, 'down');
  const yMax = roundOnLogAxis(Math.max(highest, yMin * 10), 'up');
  const series: LineSeries[] = lines.map((line) => ({
    name: line.name,
    color: LATENCY_COLORS[line.name],
    points: line.points.filter(([x]) => x <= xMax),
  }));
  return renderChart({
    id: 'spectrum',
    title: 'Latency by percentile (HdrHistogram percentile spectrum)',
    x: percentileAxis(xMax),
    y: logScale([yMin, yMax], formatMs),
    xLabel: 'percentile (log scale of 1/(1−p))',
    yLabel: 'latency (log scale)',
    series,
    height: 340,
  });
}

/** The spectrum points of a latency: from its histogram when the report has one, else from the summary's percentiles. */
export function spectrumPoints(latency: (LatencySummary & { readonly hdr?: string }) | undefined): SpectrumPoint[] {
  if (!latency || latency.count === 0) return [];
  if (latency.hdr) {
    const distribution = parseHgrm(formatHgrm(latency.hdr));
    // the 100% row has no place on a 1/(1−p) axis; HdrHistogram's plots end at the last finite one too
    return distribution.rows.filter((row) => Number.isFinite(row.inverse)).map((row): SpectrumPoint => [Math.log10(row.inverse), row.value]);
  }
  // a report without histograms (e.g. from another tool): the summary's percentiles still draw the shape
  const shown: SpectrumPoint[] = [
    [0, latency.min],
    [Math.log10(2), latency.p50],
    [1, latency.p90],
    [Math.log10(20), latency.p95],
    [2, latency.p99],
    [3, latency.p999],
    [4, latency.p9999],
  ];
  // a percentile beyond 1 − 1/count says nothing new about a run of `count` values
  return shown.filter(([x]) => x === 0 || 10 ** x <= latency.count);
}

/** The nearest 1, 2 or 5 × 10^n below (down) or above (up) a positive value. */
function roundOnLogAxis(value: number, direction: 'down' | 'up'): number {
  const decade = 10 ** Math.floor(Math.log10(value));
  const steps = [1, 2, 5, 10].map((multiple) => multiple * decade);
  return direction === 'down' ? [...steps].reverse().find((step) => step <= value * (1 + 1e-9))! : steps.find((step) => step >= value * (1 - 1e-9))!;
}

/** The value at the first point at or past 1/(1−p) = `inverse`. */
function valueFrom(points: readonly SpectrumPoint[], inverse: number): number {
  const x = Math.log10(inverse);
  return (points.find(([px]) => px >= x - 1e-12) ?? points[points.length - 1])[1];
}

/** x = log10(1/(1−p)): 0 → 0%, 1 → 90%, 2 → 99%, 3 → 99.9%… */
function percentileAxis(xMax: number): (range: readonly [number, number]) => Scale {
  const ticks: Tick[] = [];
  for (let decade = 0; decade <= xMax; decade++) ticks.push({ value: decade, label: decadeLabel(decade) });
  return (range) => ({ map: (value) => range[0] + (value / xMax) * (range[1] - range[0]), ticks });
}

function decadeLabel(decade: number): string {
  if (decade === 0) return '0%';
  if (decade === 1) return '90%';
  return `99.${'9'.repeat(decade - 2)}%`.replace(/\.%$/, '%');
}
