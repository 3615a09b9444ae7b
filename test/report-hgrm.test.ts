/** .hgrm files: HdrHistogram's percentile distribution, in ms, that reads back to the histogram's own percentiles. */
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { buildReport, formatHgrm, hgrmFiles, parseHgrm, valueAtPercentile } from '../src/report/index.js';
import { BASE_INPUT, latencyFromMicros, makeMeasurements, makeScenario, spread } from './report-fixture.js';

/** µs values with a body and a long tail, as lock waits look under contention. */
const VALUES = [...spread(20_000, 200, 9_000, 40_000), ...Array.from({ length: 300 }, (_, i) => 150_000 + i * 2_111)];

function decode(encoded: string): hdr.Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 64, false);
}

/** HdrHistogram's precision at 3 significant digits: values in one bucket differ by at most 1/1000 of themselves. */
function expectSameValue(msFromFile: number, microsFromHistogram: number): void {
  expect(Math.abs(msFromFile * 1000 - microsFromHistogram)).toBeLessThanOrEqual(microsFromHistogram / 1000 + 1);
}

describe('formatHgrm', () => {
  const latency = latencyFromMicros(VALUES);
  const text = formatHgrm(latency.hdr);
  const parsed = parseHgrm(text);

  it("is HdrHistogram's text format: the column header, rows, and the footer", () => {
    expect(text.split('\n')[0]).toBe('       Value     Percentile TotalCount 1/(1-Percentile)');
    expect(text).toMatch(/^#\[Mean {4}= +[0-9.]+, StdDeviation {3}= +[0-9.]+\]$/m);
    expect(text).toMatch(/^#\[Max {5}= +[0-9.]+, Total count {4}= +\d+\]$/m);
    expect(text).toMatch(/^#\[Buckets = +\d+, SubBuckets {5}= +\d+\]$/m);
    expect(parsed.rows.length).toBeGreaterThan(50);
    expect(parsed.rows[0].percentile).toBe(0);
    expect(parsed.rows.at(-1)).toMatchObject({ percentile: 1, inverse: Infinity, totalCount: VALUES.length });
  });

  it('parses back to the histogram’s percentiles at every row, within HDR precision (the file reads in ms)', () => {
    const histogram = decode(latency.hdr);
    try {
      for (const row of parsed.rows) expectSameValue(row.value, histogram.getValueAtPercentile(row.percentile * 100));
      expectSameValue(parsed.max, histogram.maxValue);
      expect(parsed.totalCount).toBe(histogram.totalCount);
      expect(parsed.mean).toBeCloseTo(histogram.mean / 1000, 3);
    } finally {
      histogram.destroy();
    }
  });

  it("matches report.json's summary percentiles where the file has a row for them", () => {
    for (const [percentile, summary] of [[50, latency.p50], [90, latency.p90], [95, latency.p95]] as const) {
      expect(valueAtPercentile(parsed, percentile)).toBeCloseTo(summary, 3);
    }
    // p99 and beyond fall between rows: the next row up is at most one HDR step of the distribution above
    expect(valueAtPercentile(parsed, 99)).toBeGreaterThanOrEqual(latency.p99);
    expectSameValue(parsed.max, latency.max * 1000);
  });

  it("reads HdrHistogram's own files too: 1/(1-p) may be missing or Infinity on the last row", () => {
    const own = ['       Value     Percentile TotalCount 1/(1-Percentile)', '', '       1.000 0.000000000000          1           1.00', '       5.000 1.000000000000         10', '#[Mean    =        2.000, StdDeviation   =        1.000]'];
    expect(parseHgrm(own.join('\n')).rows).toEqual([
      { value: 1, percentile: 0, totalCount: 1, inverse: 1 },
      { value: 5, percentile: 1, totalCount: 10, inverse: Infinity },
    ]);
  });
});

describe('hgrmFiles', () => {
  it("writes one file per latency of a report, named with its unit, from the histograms in report.json", () => {
    const report = buildReport({ ...BASE_INPUT, measurements: makeMeasurements(), scenario: makeScenario() });
    const files = hgrmFiles(report.latency);
    expect(files.map((file) => file.name)).toEqual(['latency-acquire-ms.hgrm', 'latency-acquireService-ms.hgrm', 'latency-hold-ms.hgrm', 'latency-endToEnd-ms.hgrm']);
    const acquire = parseHgrm(files[0].content);
    expect(acquire.totalCount).toBe(report.latency.acquire.count);
    expect(valueAtPercentile(acquire, 50)).toBeCloseTo(report.latency.acquire.p50, 3);
  });

  it('skips a latency that carries no histogram (a report from another tool)', () => {
    const { hdr: _dropped, ...summaryOnly } = latencyFromMicros([10, 20, 30]);
    expect(hgrmFiles({ acquire: summaryOnly, hold: latencyFromMicros([5]) }).map((file) => file.name)).toEqual(['latency-hold-ms.hgrm']);
  });
});
