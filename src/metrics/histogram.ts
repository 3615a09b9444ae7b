import { createRequire } from 'node:module';
import type * as HdrHistogramJs from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { LatencySummary, LatencyWithHdr } from './types.js';

// a CommonJS package: require() gives the same module object under node and under tsx
const hdr = createRequire(import.meta.url)('hdr-histogram-js') as typeof HdrHistogramJs;

/** An HdrHistogram of durations in µs (DESIGN.md: 1 µs … 1 h, 3 significant digits). */
export type LatencyHistogram = Histogram;

const LOWEST_US = 1;
const HIGHEST_US = 3_600_000_000;
const SIGNIFICANT_DIGITS = 3;

let wasmReady: Promise<void> | undefined;

/** Loads the WebAssembly histogram implementation once per thread. */
export function initHistograms(): Promise<void> {
  wasmReady ??= hdr.initWebAssembly();
  return wasmReady;
}

/** A new empty µs histogram (WebAssembly; call initHistograms first). Destroy it when done. */
export function createHistogram(): LatencyHistogram {
  return hdr.build({
    bitBucketSize: 64,
    useWebAssembly: true,
    autoResize: false,
    lowestDiscernibleValue: LOWEST_US,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
  });
}

/** Records a duration given in ms, clamped into the trackable µs range. */
export function recordMs(histogram: LatencyHistogram, ms: number): void {
  let us = Math.round(ms * 1000);
  if (us < LOWEST_US) us = LOWEST_US;
  else if (us > HIGHEST_US) us = HIGHEST_US;
  histogram.recordValue(us);
}

/** HdrHistogram V2 compressed, base64: what workers send and report.json keeps. */
export function encodeHistogram(histogram: LatencyHistogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/** Decodes `encoded` and adds it into `into` (the merge of worker histograms). */
export function addEncoded(into: LatencyHistogram, encoded: string): void {
  const decoded = hdr.decodeFromCompressedBase64(encoded, 64, true);
  try {
    into.add(decoded);
  } finally {
    decoded.destroy();
  }
}

/** Percentiles and moments in ms. */
export function summarize(histogram: LatencyHistogram): LatencySummary {
  const count = histogram.totalCount;
  const ms = (us: number): number => (count === 0 ? 0 : us / 1000);
  return {
    unit: 'ms',
    count,
    min: ms(histogram.minNonZeroValue),
    mean: ms(histogram.mean),
    stdev: ms(histogram.stdDeviation),
    max: ms(histogram.maxValue),
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    p9999: ms(histogram.getValueAtPercentile(99.99)),
  };
}

/** Summary plus the encoded histogram. */
export function summarizeWithHdr(histogram: LatencyHistogram): LatencyWithHdr {
  return { ...summarize(histogram), hdr: encodeHistogram(histogram) };
}
