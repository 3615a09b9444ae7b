/** series.csv and junit.xml: what spreadsheets and CI test viewers read. */
import { describe, expect, it } from 'vitest';
import { buildReport, compareReports, formatJunit, formatSeriesCsv, SERIES_CSV_COLUMNS, type Report } from '../src/report/index.js';
import type { ThresholdSpec } from '../src/scenario/types.js';
import { BASE_INPUT, makeMeasurements, makeScenario, totals } from './report-fixture.js';

const thresholds: ThresholdSpec[] = [
  { metric: 'latency.acquire.p99', op: '<', value: 100, source: '< 100ms' },
  { metric: 'totals.violations', op: '==', value: 0, source: '== 0', abortOnFail: true },
  { metric: 'rates.successRate', op: '>', value: 0.9, source: '> 0.9' },
];

function report(overrides: Parameters<typeof makeMeasurements>[0] = {}): Report {
  return buildReport({ ...BASE_INPUT, measurements: makeMeasurements(overrides), scenario: makeScenario({ thresholds }) });
}

describe('series.csv', () => {
  it('has one row per second with the phase it began in, latencies in ms', () => {
    const lines = formatSeriesCsv(report()).trimEnd().split('\n');
    expect(lines[0]).toBe(SERIES_CSV_COLUMNS.join(','));
    expect(lines[0]).toBe('t,phase,arrivals,acquired,failed,timeouts,errors,inFlight,waiters,p50Ms,p99Ms,attempts,rejected,breakerOpen');
    expect(lines).toHaveLength(11);
    // the fixture's series predates attempts and breakers: those cells stay empty
    expect(lines[1]).toBe('0,warmup,990,980,10,10,0,25,20,20.1,118,,,');
    expect(lines[5]).toMatch(/^4,sustained,/);
  });

  it('quotes a phase name a CSV reader would split, and marks seconds after the schedule as drain', () => {
    const base = report();
    const odd: Report = {
      ...base,
      phases: [{ ...base.phases[0], name: 'rush, "hot"', endMs: 1_000 }],
      series: base.series.slice(0, 2),
    };
    const lines = formatSeriesCsv(odd).trimEnd().split('\n');
    expect(lines[1]).toMatch(/^0,"rush, ""hot""",990,/);
    expect(lines[2]).toMatch(/^1,drain,/);
  });
});

describe('junit.xml', () => {
  it('has one test case per threshold, a failure element for each failed one', () => {
    const xml = formatJunit(report());
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="lockbench" tests="3" failures="1"')).toBe(true);
    expect(xml).toContain('<testsuite name="lockbench.tatkal-10am" tests="3" failures="1" errors="0" skipped="0" time="10.000"');
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toMatch(/<testcase name="latency\.acquire\.p99 &lt; 100ms" classname="lockbench\.tatkal-10am" time="0">\n {6}<failure message="FAIL latency\.acquire\.p99 &lt; 100ms: actual [^"]+ \(over by [^"]+\)" type="threshold">/);
    expect(xml).toMatch(/<testcase name="totals\.violations == 0"[^>]*>\n {6}<system-out>PASS totals\.violations == 0: actual 0<\/system-out>/);
  });

  it('says which threshold stopped the run, and adds the baseline gates as cases', () => {
    const base = report();
    const aborted: Report = buildReport({
      ...BASE_INPUT,
      measurements: makeMeasurements({ totals: totals({ violations: 3 }), interrupted: true }),
      scenario: makeScenario({ thresholds }),
      abortedBy: { metric: 'totals.violations', source: '== 0', actual: 1, atMs: 2_500 },
    });
    const slower: Report = { ...aborted, baseline: { ...compareReports(base, { ...aborted, latency: { ...aborted.latency, acquire: { ...aborted.latency.acquire, p99: base.latency.acquire.p99 * 3 } } }, { tolerance: 0.1 }), file: 'base.json' } };
    const xml = formatJunit(slower);
    expect(xml).toMatch(/<failure message="FAIL totals\.violations == 0: actual 3 \(off by 3\); stopped the run 2\.5s in"/);
    expect(xml).toMatch(/<testcase name="baseline latency\.acquire\.p99"[^>]*>\n {6}<failure message="acquire p99: REGRESSION \+200% against base\.json \(tolerance 10%\)" type="regression">/);
    expect(xml).toMatch(/<testcase name="baseline rates\.throughput"[^>]*>\n {6}<system-out>/);
  });

  it('escapes what XML would misread', () => {
    const base = report();
    const odd: Report = { ...base, scenario: { ...base.scenario, name: 'a<b>&"c"' } };
    expect(formatJunit(odd)).toContain('classname="lockbench.a&lt;b&gt;&amp;&quot;c&quot;"');
  });
});
