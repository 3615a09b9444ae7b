/** Hand-made SVG line charts: scales, axes, lines, shaded windows and markers, as static markup (no script). */
import { escapeHtml } from './escape.js';

/** A mapping from data to pixels, with the ticks worth labelling. */
export interface Scale {
  map(value: number): number;
  readonly ticks: readonly Tick[];
}

/** A labelled value on an axis. */
export interface Tick {
  readonly value: number;
  readonly label: string;
}

/** A line of the chart: points in data units, drawn in order (gaps where y is null). */
export interface LineSeries {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number | null])[];
  readonly dashed?: boolean;
}

/** A shaded stretch of x (a backend outage, a fault window). */
export interface Band {
  readonly from: number;
  readonly to: number;
  readonly label: string;
  readonly kind: 'outage' | 'fault';
}

/** A vertical line at x (a phase boundary, the moment a run was aborted). */
export interface Marker {
  readonly at: number;
  readonly label: string;
  readonly kind: 'phase' | 'abort';
}

/** What to draw: axes, lines, shaded windows and markers. */
export interface ChartSpec {
  /** unique within the page (the plot's clip path is named after it) */
  readonly id: string;
  /** the accessible name of the chart */
  readonly title: string;
  readonly x: (range: readonly [number, number]) => Scale;
  readonly y: (range: readonly [number, number]) => Scale;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  readonly bands?: readonly Band[];
  readonly markers?: readonly Marker[];
  /** @default 900 */
  readonly width?: number;
  /** @default 280 */
  readonly height?: number;
}

const MARGIN = { top: 24, right: 40, bottom: 42, left: 70 } as const;
/** Lines of at most this many points are drawn with a dot on each. */
const DOTTED_UP_TO = 30;

/** The chart as an `<svg>` element (scales to its container's width). */
export function renderChart(spec: ChartSpec): string {
  const width = spec.width ?? 900;
  const height = spec.height ?? 280;
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom;
  const x = spec.x([left, right]);
  const y = spec.y([bottom, top]);
  const parts: string[] = [];

  const clip = `${spec.id}-plot`;
  parts.push(`<clipPath id="${escapeHtml(clip)}"><rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}"/></clipPath>`);
  parts.push(`<rect class="plot" x="${left}" y="${top}" width="${right - left}" height="${bottom - top}"/>`);
  for (const band of spec.bands ?? []) {
    const from = clamp(x.map(band.from), left, right);
    const to = clamp(x.map(band.to), left, right);
    parts.push(
      `<g class="band ${band.kind}"><title>${escapeHtml(band.label)}</title>` +
        `<rect x="${num(from)}" y="${top}" width="${num(Math.max(1, to - from))}" height="${bottom - top}"/>` +
        `<text x="${num(from + 3)}" y="${bottom - 6}">${escapeHtml(band.label)}</text></g>`,
    );
  }
  for (const tick of y.ticks) {
    const at = num(y.map(tick.value));
    parts.push(`<line class="grid" x1="${left}" x2="${right}" y1="${at}" y2="${at}"/>`);
    parts.push(`<text class="tick y" x="${left - 6}" y="${at}">${escapeHtml(tick.label)}</text>`);
  }
  for (const tick of x.ticks) {
    const at = num(x.map(tick.value));
    parts.push(`<line class="grid" x1="${at}" x2="${at}" y1="${top}" y2="${bottom}"/>`);
    parts.push(`<text class="tick x" x="${at}" y="${bottom + 16}">${escapeHtml(tick.label)}</text>`);
  }
  const labelRows = new LabelRows();
  for (const marker of [...(spec.markers ?? [])].sort((a, b) => a.at - b.at)) {
    const at = x.map(marker.at);
    if (at < left - 0.5 || at > right + 0.5) continue;
    // a label too long for the room to its right is drawn leftwards of its line
    const width = estimateTextWidth(marker.label);
    const leftwards = at + 3 + width > right;
    const from = leftwards ? at - 3 - width : at + 3;
    const row = labelRows.place(from, from + width);
    parts.push(
      `<g class="marker ${marker.kind}"><title>${escapeHtml(marker.label)}</title>` +
        `<line x1="${num(at)}" x2="${num(at)}" y1="${top}" y2="${bottom}"/>` +
        `<text x="${num(leftwards ? at - 3 : at + 3)}" y="${top + 11 + row * 12}"${leftwards ? ' text-anchor="end"' : ''}>${escapeHtml(marker.label)}</text></g>`,
    );
  }
  for (const series of spec.series) {
    const d = pathData(series.points, x, y);
    if (!d) continue;
    // few points (a short run) or a lone one between gaps would hardly show as a line: dot them
    const drawn = series.points.filter((point): point is readonly [number, number] => point[1] !== null && Number.isFinite(point[1]) && Number.isFinite(point[0]));
    if (drawn.length <= DOTTED_UP_TO) {
      parts.push(
        `<g class="dots" fill="${series.color}">${drawn.map(([px, py]) => `<circle cx="${num(x.map(px))}" cy="${num(y.map(py))}" r="2.5"/>`).join('')}</g>`,
      );
    }
    parts.push(
      `<path class="line${series.dashed ? ' dashed' : ''}" data-series="${escapeHtml(series.name)}" stroke="${series.color}" clip-path="url(#${escapeHtml(clip)})" d="${d}"><title>${escapeHtml(series.name)}</title></path>`,
    );
  }
  parts.push(`<text class="axis-label" x="${(left + right) / 2}" y="${height - 6}">${escapeHtml(spec.xLabel)}</text>`);
  parts.push(`<text class="axis-label" transform="translate(14 ${(top + bottom) / 2}) rotate(-90)">${escapeHtml(spec.yLabel)}</text>`);

  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(spec.title)}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(spec.title)}</title>${parts.join('')}</svg>`
  );
}

/** `M x y L x y …` for the points; a null y breaks the line. Empty when nothing can be drawn. */
export function pathData(points: readonly (readonly [number, number | null])[], x: Scale, y: Scale): string {
  const commands: string[] = [];
  let pen: 'up' | 'down' = 'up';
  for (const [px, py] of points) {
    if (py === null || !Number.isFinite(py) || !Number.isFinite(px)) {
      pen = 'up';
      continue;
    }
    commands.push(`${pen === 'up' ? 'M' : 'L'}${num(x.map(px))} ${num(y.map(py))}`);
    pen = 'down';
  }
  return commands.join(' ');
}

/** A linear scale over [min, max] with round ticks (whole numbers only when `integers`); `format` labels them. */
export function linearScale(
  domain: readonly [number, number],
  format: (value: number) => string,
  options: { readonly integers?: boolean } = {},
): (range: readonly [number, number]) => Scale {
  const [min, max] = domain[1] > domain[0] ? domain : [domain[0], domain[0] + 1];
  const step = options.integers ? Math.max(1, niceStep((max - min) / 5)) : niceStep((max - min) / 5);
  const ticks: Tick[] = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) {
    ticks.push({ value: roundTo(value, step), label: format(roundTo(value, step)) });
  }
  return (range) => ({
    map: (value) => range[0] + ((value - min) / (max - min)) * (range[1] - range[0]),
    ticks,
  });
}

/** A log10 scale over [min, max] (both > 0) with ticks at 1-2-5 steps of each decade. */
export function logScale(domain: readonly [number, number], format: (value: number) => string): (range: readonly [number, number]) => Scale {
  const min = Math.max(domain[0], Number.MIN_VALUE);
  const max = domain[1] > min ? domain[1] : min * 10;
  const [low, high] = [Math.log10(min), Math.log10(max)];
  const decades = high - low;
  const multiples = decades > 4 ? [1] : decades > 1.5 ? [1, 2, 5] : [1, 1.5, 2, 3, 5, 7];
  const ticks: Tick[] = [];
  for (let decade = Math.floor(low); decade <= Math.ceil(high); decade++) {
    for (const multiple of multiples) {
      const value = multiple * 10 ** decade;
      if (value >= min * (1 - 1e-9) && value <= max * (1 + 1e-9)) ticks.push({ value, label: format(value) });
    }
  }
  return (range) => ({
    // values below the domain fall off the bottom (the plot clips them) instead of piling up on it
    map: (value) => range[0] + ((Math.log10(Math.max(value, min / 1000)) - low) / (high - low)) * (range[1] - range[0]),
    ticks,
  });
}

/** The round step (1, 2 or 5 × 10^n) at or above `rough`. */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const residual = rough / magnitude;
  return (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10) * magnitude;
}

/** The smallest round number (1-2-5 steps) at or above `value`, for the top of an axis. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const step = niceStep(value / 5);
  return Math.ceil(value / step - 1e-9) * step;
}

function roundTo(value: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(value.toFixed(Math.min(digits, 12)));
}

/** Rows of labels along the top of a plot: each label goes to the first row where it overlaps nothing. */
class LabelRows {
  private readonly ends: number[] = [];

  /** The row for a label spanning [from, to] px. */
  place(from: number, to: number): number {
    let row = this.ends.findIndex((end) => from >= end + 4);
    if (row === -1) row = this.ends.length < 3 ? this.ends.length : this.ends.indexOf(Math.min(...this.ends));
    this.ends[row] = to;
    return row;
  }
}

/** Rough width of a 10.5px label, in px (no text metrics without a browser). */
function estimateTextWidth(text: string): number {
  return text.length * 6 + 2;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** SVG coordinates to 0.1 px: short and exact enough. */
function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}
