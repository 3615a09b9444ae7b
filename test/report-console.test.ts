import { describe, expect, it } from 'vitest';
import { buildReport, formatConsoleSummary, formatMarkdownSummary, formatMs } from '../src/report/index.js';
import type { ThresholdSpec } from '../src/scenario/types.js';
import { BASE_INPUT, makeMeasurements, makeScenario, totals } from './report-fixture.js';

// ESC (colours, cursor movement) of any kind
const ANSI = /\u001b/;

const thresholds: ThresholdSpec[] = [
  { metric: 'latency.acquire.p99', op: '<', value: 100, source: '< 100ms' },
  { metric: 'totals.violations', op: '==', value: 0, source: '== 0' },
];

function report(overrides: Parameters<typeof makeMeasurements>[0] = {}) {
  return buildReport({ ...BASE_INPUT, measurements: makeMeasurements(overrides), scenario: makeScenario({ thresholds }) });
}

describe('formatConsoleSummary', () => {
  it('shows the p99 of every latency and has no ANSI escape codes', () => {
    const built = report();
    const text = formatConsoleSummary(built);
    expect(text).not.toMatch(ANSI);
    const acquireRow = text.split('\n').find((line) => line.includes(' acquire '));
    expect(acquireRow).toContain(formatMs(built.latency.acquire.p99));
    for (const name of ['acquireService', 'hold', 'endToEnd'] as const) {
      const row = text.split('\n').find((line) => line.includes(` ${name} `));
      expect(row).toContain(formatMs(built.latency[name].p99));
    }
  });

  it("has the Little's-law line", () => {
    expect(formatConsoleSummary(report())).toContain('Little: λ=990 /s × W=20 ms → L=19.8; measured L=20 (error 1%)');
  });

  it('shows phases, the hold mix, the safety verdict, thresholds with their margin and warnings', () => {
    const built = report({ totals: totals({ arrivals: 9_907, dropped: 7 }) });
    const text = formatConsoleSummary(built);
    expect(text).toMatch(/│ sustained +│ +6,000 │ +5,920 │ +80 │ +987 │/);
    expect(text).toMatch(/│ wallet +│ +4 │ +40% │/);
    expect(text).toContain('mutual exclusion held: 0 overlaps');
    const over = formatMs(built.latency.acquire.p99 - 100);
    expect(text).toContain(`FAIL latency.acquire.p99 < 100ms: actual ${formatMs(built.latency.acquire.p99)} (over by ${over})`);
    expect(text).toContain('PASS totals.violations == 0: actual 0');
    expect(text).toContain('7 arrivals dropped: backlog full');
  });

  it('names the first overlaps when mutual exclusion failed', () => {
    const text = formatConsoleSummary(
      report({ totals: totals({ violations: 2 }), safety: { overlaps: 2, examples: [{ key: 'train:12951:seat:7', holders: ['w0c3', 'w1c9'], atMs: 4_210 }] } }),
    );
    expect(text).toContain('mutual exclusion VIOLATED: 2 overlaps; first: train:12951:seat:7 held by w0c3 and w1c9 4.21s into the run');
  });
});

describe('formatMarkdownSummary', () => {
  it('has a title, the run facts and markdown tables with the same figures', () => {
    const built = report({ interrupted: true });
    const text = formatMarkdownSummary(built);
    expect(text.startsWith('# lockbench: tatkal-10am\n')).toBe(true);
    expect(text).toContain('Tatkal window opens at 10:00; one lock per seat of one train');
    expect(text).toContain('- **backend:** memory');
    expect(text).toContain('- **duration:** 10s (interrupted)');
    expect(text).toContain('| latency | count | p50 | p90 | p99 | p99.9 | max |');
    expect(text).toContain(`| acquire | 9,800 | ${formatMs(built.latency.acquire.p50)} | ${formatMs(built.latency.acquire.p90)} | ${formatMs(built.latency.acquire.p99)} |`);
    expect(text).toContain('Little: λ=990 /s × W=20 ms → L=19.8');
    expect(text).toMatch(/## Warnings\n\n- ⚠️ the run was interrupted/);
    expect(text).not.toMatch(ANSI);
  });
});
