/** Comparing two reports: deltas, the tolerance, which metrics gate, and how it reads. */
import { describe, expect, it } from 'vitest';
import { buildReport, compareReports, formatConsoleComparison, formatMarkdownComparison, parseReport, parseTolerance, type Report } from '../src/report/index.js';
import { BASE_INPUT, makeMeasurements, makeScenario, totals } from './report-fixture.js';

const ANSI = /\u001b/;

function report(overrides: Parameters<typeof makeMeasurements>[0] = {}): Report {
  return buildReport({ ...BASE_INPUT, measurements: makeMeasurements(overrides), scenario: makeScenario() });
}

/** The same report with acquire p99 and throughput scaled. */
function scaled(base: Report, p99Factor: number, throughputFactor: number): Report {
  return {
    ...base,
    latency: { ...base.latency, acquire: { ...base.latency.acquire, p99: base.latency.acquire.p99 * p99Factor } },
    rates: { ...base.rates, throughput: base.rates.throughput * throughputFactor },
  };
}

describe('compareReports', () => {
  const base = report();

  it('sees no regression in the same numbers, and none within the tolerance', () => {
    expect(compareReports(base, base, { tolerance: 0.1 }).regressed).toBe(false);
    const within = compareReports(base, scaled(base, 1.09, 0.91), { tolerance: 0.1 });
    expect(within.regressed).toBe(false);
    expect(within.rows.find((row) => row.metric === 'latency.acquire.p99')).toMatchObject({ worse: false, regression: false });
    expect(within.rows.find((row) => row.metric === 'latency.acquire.p99')!.change).toBeCloseTo(0.09, 9);
  });

  it('flags acquire p99 up or throughput down beyond the tolerance as regressions', () => {
    const slower = compareReports(base, scaled(base, 1.2, 1), { tolerance: 0.1 });
    expect(slower.regressed).toBe(true);
    expect(slower.rows.filter((row) => row.regression).map((row) => row.metric)).toEqual(['latency.acquire.p99']);
    const fewer = compareReports(base, scaled(base, 1, 0.8), { tolerance: 0.1 });
    expect(fewer.rows.filter((row) => row.regression).map((row) => row.metric)).toEqual(['rates.throughput']);
  });

  it('shows the other metrics getting worse without failing the gate', () => {
    const unsafe = report({ totals: totals({ violations: 4 }) });
    const comparison = compareReports(base, unsafe, { tolerance: 0.1 });
    expect(comparison.rows.find((row) => row.metric === 'totals.violations')).toMatchObject({ base: 0, next: 4, change: null, worse: true, regression: false });
    expect(comparison.regressed).toBe(false);
  });

  it('calls an improvement beyond the tolerance better', () => {
    const faster = compareReports(base, scaled(base, 0.5, 1.5), { tolerance: 0.1 });
    expect(faster.rows.filter((row) => row.improved).map((row) => row.metric)).toEqual(['latency.acquire.p99', 'rates.throughput']);
    expect(faster.regressed).toBe(false);
  });

  it('notes different scenarios and runs stopped early', () => {
    const other: Report = { ...report({ interrupted: true }), scenario: { ...base.scenario, name: 'flash-sale' } };
    expect(compareReports(base, other, { tolerance: 0.1 }).notes).toEqual([
      "different scenarios: 'tatkal-10am' and 'flash-sale'",
      'the new run was stopped early: its numbers cover only part of the schedule',
    ]);
  });
});

describe('how a comparison reads', () => {
  const base = report();
  const comparison = compareReports(base, scaled(base, 1.5, 1), { tolerance: 0.1, baseFile: 'base/report.json', nextFile: 'new/report.json' });

  it('prints a side-by-side table with changes, verdicts and the gate, without colour codes', () => {
    const text = formatConsoleComparison(comparison);
    expect(text).not.toMatch(ANSI);
    expect(text).toContain('base: tatkal-10am on memory, 2025-01-15T10:00:00.000Z, 10s (base/report.json)');
    expect(text).toMatch(/│ acquire p99 \(gate\) +│ +[\d.]+ms │ +[\d.]+ms │ +\+50% │ REGRESSION │/);
    expect(text).toMatch(/│ throughput \(gate\) +│ +980\/s │ +980\/s │ +0% │ +ok │/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('REGRESSION beyond 10%: acquire p99 +50%');
  });

  it('renders the same as markdown for a CI job summary', () => {
    const markdown = formatMarkdownComparison(comparison);
    expect(markdown).toContain('| metric | base | new | change | verdict |');
    expect(markdown).toMatch(/\| acquire p99 \(gate\) \| [\d.]+ms \| [\d.]+ms \| \+50% \| REGRESSION \|/);
    expect(markdown).toContain('**REGRESSION beyond 10%: acquire p99 +50%**');
  });
});

describe('parseTolerance', () => {
  it('takes a percentage and nothing else', () => {
    expect(parseTolerance('10%')).toBe(0.1);
    expect(parseTolerance(' 2.5 % ')).toBe(0.025);
    expect(() => parseTolerance('10')).toThrow('expected a percentage such as 10% or 2.5%');
    expect(() => parseTolerance('-5%')).toThrow();
  });
});

describe('parseReport', () => {
  it('accepts a report that lacks the optional parts (e.g. written by simulate) and fills them in', () => {
    const { series: _series, phases: _phases, generator: _generator, holdMix: _holdMix, ...minimal } = report();
    const parsed = parseReport({ ...minimal, mode: 'simulated', backend: { type: 'model' } }, 'sim.json');
    expect(parsed.mode).toBe('simulated');
    expect(parsed.series).toEqual([]);
    expect(parsed.backend.outages).toEqual([]);
    expect(parsed.generator.workers).toEqual([]);
  });

  it('rejects what is not a lockbench report, naming the file', () => {
    expect(() => parseReport({ schemaVersion: 2 }, 'x.json')).toThrow('x.json: not a lockbench report.json (schemaVersion 1): schemaVersion is 2');
    expect(() => parseReport({ schemaVersion: 1, scenario: { name: 'a' }, totals: {}, rates: {}, queueing: {} }, 'x.json')).toThrow("'latency' is missing");
  });
});
