/** report.html as markup: self-contained, every section present, every string from the report escaped. */
import { describe, expect, it } from 'vitest';
import { buildReport, compareReports, formatHtmlReport, type Report } from '../src/report/index.js';
import type { ThresholdSpec } from '../src/scenario/types.js';
import { BASE_INPUT, makeMeasurements, makeScenario, totals } from './report-fixture.js';

const thresholds: ThresholdSpec[] = [
  { metric: 'latency.acquire.p99', op: '<', value: 100, source: '< 100ms' },
  { metric: 'totals.violations', op: '==', value: 0, source: '== 0', abortOnFail: true },
];

function report(overrides: Parameters<typeof makeMeasurements>[0] = {}, scenario: Parameters<typeof makeScenario>[0] = {}): Report {
  return buildReport({ ...BASE_INPUT, measurements: makeMeasurements(overrides), scenario: makeScenario({ thresholds, ...scenario }) });
}

/** The `d` of every line path in the part of the page under `id`. */
function linesIn(html: string, id: string): string[] {
  const start = html.indexOf(`id="${id}"`);
  const end = html.indexOf('</section>', start);
  return [...html.slice(start, end).matchAll(/<path class="line[^"]*"[^>]* d="([^"]*)"/g)].map((match) => match[1]);
}

describe('formatHtmlReport', () => {
  const html = formatHtmlReport(report());

  it('is one self-contained page: no script, nothing fetched, a CSP that forbids fetching', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*['"]?https?:/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
  });

  it('has every section a reader looks for', () => {
    for (const id of ['verdict', 'facts', 'numbers', 'thresholds', 'latency', 'spectrum', 'timeline', 'phases', 'little', 'safety', 'totals', 'backend', 'generator', 'scenario']) {
      expect(html, id).toContain(`id="${id}"`);
    }
  });

  it('draws the percentile spectrum with one line per latency on a 1/(1−p) axis', () => {
    const lines = linesIn(html, 'spectrum');
    expect(lines).toHaveLength(4);
    for (const d of lines) expect(d).toMatch(/^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+){10,}$/);
    for (const label of ['0%', '90%', '99%', '99.9%']) expect(html).toContain(`>${label}</text>`);
  });

  it('draws four charts over time with the phase boundaries marked', () => {
    expect(html.match(/<svg class="chart"/g)).toHaveLength(5);
    expect(linesIn(html, 'timeline').length).toBeGreaterThanOrEqual(9);
    expect(html).toMatch(/<g class="marker phase"><title>sustained<\/title>/);
  });

  it('shows the failed threshold as a failing row with its margin, and the verdict as FAIL', () => {
    expect(html).toMatch(/<tr class="fail" data-metric="latency\.acquire\.p99">.*<td class="verdict-cell">FAIL<\/td><td>over by [^<]+<\/td><\/tr>/);
    expect(html).toMatch(/<tr class="pass" data-metric="totals\.violations"><td><code>totals\.violations<\/code> <span class="tag">abortOnFail<\/span>/);
    expect(html).toMatch(/<section class="verdict fail" id="verdict"><strong>FAIL — 1 of 2 thresholds failed<\/strong>/);
  });

  it("shows Little's law and the safety verdict", () => {
    expect(html).toMatch(/<th>L = λW<\/th><td class="num">19\.8<\/td>/);
    expect(html).toContain('mutual exclusion held: 0 overlaps');
  });

  it('escapes every string that comes from the scenario or the backend', () => {
    const hostile = formatHtmlReport(
      report(
        { safety: { overlaps: 1, examples: [{ key: 'seat:<img src=x onerror=alert(1)>', holders: ['w0c1', 'w1c2'], atMs: 10 }] }, totals: totals({ violations: 1 }) },
        { description: '<script>alert("x")</script> & friends', name: 'tatkal<b>' },
      ),
    );
    expect(hostile).not.toContain('<script>');
    expect(hostile).not.toContain('<img');
    expect(hostile).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; friends');
    expect(hostile).toContain('seat:&lt;img src=x onerror=alert(1)&gt;');
  });

  it('never shows a secret: the report it renders is redacted', () => {
    const withSecret = buildReport({ ...BASE_INPUT, measurements: makeMeasurements(), scenario: makeScenario(), backend: { type: 'redis', url: 'redis://app:s3cret@cache:6379/0' } });
    const page = formatHtmlReport(withSecret);
    expect(page).not.toContain('s3cret');
    expect(page).toContain('redis://app:***@cache:6379/0');
  });
});

describe('formatHtmlReport for runs that stopped, regressed or lack parts', () => {
  it('marks where an abortOnFail threshold stopped the run, and says so at the top', () => {
    const aborted = buildReport({
      ...BASE_INPUT,
      measurements: makeMeasurements({ interrupted: true, totals: totals({ violations: 2 }), durationMs: 6_000 }),
      scenario: makeScenario({ thresholds }),
      abortedBy: { metric: 'totals.violations', source: '== 0', actual: 1, atMs: 5_500 },
    });
    const html = formatHtmlReport(aborted);
    expect(html).toMatch(/<section class="verdict fail" id="verdict"><strong>ABORTED — stopped early: totals\.violations == 0 could no longer pass \(1 after 5\.5s\)/);
    expect(html).toContain('<g class="marker abort"><title>aborted: totals.violations == 0</title>');
    expect(html).toContain('<span class="tag">stopped the run</span>');
  });

  it('shades backend outages', () => {
    const base = report();
    const html = formatHtmlReport({ ...base, backend: { ...base.backend, outages: [{ fromS: 2, toS: 4, errors: 1_234 }] } });
    expect(html).toMatch(/<g class="band outage"><title>backend down \(1,234 errors\)<\/title><rect x="[\d.]+" y="24" width="[\d.]+"/);
  });

  it('shows the baseline comparison with the regressed row failing', () => {
    const base = report();
    const slower: Report = { ...base, latency: { ...base.latency, acquire: { ...base.latency.acquire, p99: base.latency.acquire.p99 * 2 } } };
    const html = formatHtmlReport({ ...slower, baseline: { ...compareReports(base, slower, { tolerance: 0.1 }), file: 'main/report.json' } });
    expect(html).toContain('id="baseline"');
    expect(html).toMatch(/<tr class="fail"><td>acquire p99 \(gate\)<\/td>.*<td>REGRESSION<\/td><\/tr>/);
    expect(html).toContain('regression against the baseline: acquire p99');
  });

  it('draws the spectrum from the summary percentiles when the report carries no histograms, and copes without a series', () => {
    const base = report();
    const { hdr: _dropped, ...acquire } = base.latency.acquire;
    const bare = { ...base, series: [], latency: { ...base.latency, acquire, acquireService: { ...acquire, count: 0 } } } as unknown as Report;
    const html = formatHtmlReport(bare);
    expect(linesIn(html, 'spectrum')).toHaveLength(3);
    expect(html).toContain('This report has no per-second series.');
  });
});
