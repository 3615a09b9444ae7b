/**
 * HdrHistogram's percentile-distribution text (.hgrm), written from the compressed histograms in
 * report.json and read back for the HTML spectrum. Values are recorded in µs; the files read in ms.
 */
import { createRequire } from 'node:module';
import type * as HdrHistogramJs from 'hdr-histogram-js';
import { LATENCY_NAMES, type LatencyName, type LatencySummary } from '../metrics/types.js';

// CommonJS package; the pure-JS implementation, so rendering a report needs no WebAssembly set-up
const hdr = createRequire(import.meta.url)('hdr-histogram-js') as typeof HdrHistogramJs;

/** outputValueUnitScalingRatio: recorded µs ÷ 1000 = the ms the file shows. */
export const HGRM_SCALING_RATIO = 1000;
/** HdrHistogram's customary resolution: 5 rows per halving of the distance to 100%. */
const TICKS_PER_HALF_DISTANCE = 5;

/** The .hgrm file of a latency; the unit is in the name because the format has no place for it. */
export function hgrmFileName(name: LatencyName): string {
  return `latency-${name}-ms.hgrm`;
}

/** The .hgrm text (values in ms) of a compressed base64 V2 histogram of µs values. */
export function formatHgrm(encoded: string): string {
  const histogram = hdr.decodeFromCompressedBase64(encoded, 64, false);
  try {
    return histogram.outputPercentileDistribution(TICKS_PER_HALF_DISTANCE, HGRM_SCALING_RATIO);
  } finally {
    histogram.destroy();
  }
}

/** One .hgrm file per latency that carries its histogram (`hdr`) in the report. */
export function hgrmFiles(latency: Partial<Record<LatencyName, LatencySummary & { readonly hdr?: string }>>): { name: string; content: string }[] {
  return LATENCY_NAMES.flatMap((name) => {
    const encoded = latency[name]?.hdr;
    return encoded ? [{ name: hgrmFileName(name), content: formatHgrm(encoded) }] : [];
  });
}

/** One row of a percentile distribution. */
export interface HgrmRow {
  /** in the file's unit (ms for lockbench's files) */
  readonly value: number;
  /** 0 … 1 */
  readonly percentile: number;
  readonly totalCount: number;
  /** 1 / (1 − percentile); Infinity on the last row */
  readonly inverse: number;
}

/** A parsed .hgrm file: the rows and the footer. */
export interface PercentileDistribution {
  readonly rows: readonly HgrmRow[];
  readonly mean: number;
  readonly stdDeviation: number;
  readonly max: number;
  readonly totalCount: number;
  readonly buckets: number;
  readonly subBuckets: number;
}

// the last row (percentile 1) has no 1/(1-p) column in HdrHistogram's own output
const ROW = /^\s*([0-9.]+)\s+([0-9.]+)\s+(\d+)(?:\s+([0-9.]+|Infinity|inf))?\s*$/i;
const FOOTER_FIELD = /(Mean|StdDeviation|Max|Total count|Buckets|SubBuckets)\s*=\s*([0-9.]+)/g;

/** Reads .hgrm text (HdrHistogram's outputPercentileDistribution, not the CSV variant). */
export function parseHgrm(text: string): PercentileDistribution {
  const rows: HgrmRow[] = [];
  const footer: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const row = ROW.exec(line);
    if (row) {
      rows.push({ value: Number(row[1]), percentile: Number(row[2]), totalCount: Number(row[3]), inverse: row[4] === undefined || /^inf/i.test(row[4]) ? Infinity : Number(row[4]) });
    } else if (line.startsWith('#[')) {
      for (const [, field, value] of line.matchAll(FOOTER_FIELD)) footer[field] = Number(value);
    }
  }
  return {
    rows,
    mean: footer.Mean ?? NaN,
    stdDeviation: footer.StdDeviation ?? NaN,
    max: footer.Max ?? NaN,
    totalCount: footer['Total count'] ?? 0,
    buckets: footer.Buckets ?? 0,
    subBuckets: footer.SubBuckets ?? 0,
  };
}

/** The value at `percentile` (0…100) of a parsed distribution: the first row at or past it, as HdrHistogram reads it. */
export function valueAtPercentile(distribution: PercentileDistribution, percentile: number): number {
  const wanted = percentile / 100;
  const row = distribution.rows.find((candidate) => candidate.percentile >= wanted - 1e-12);
  return row?.value ?? distribution.max;
}
