/** CI gates through the built CLI: exit 0 when thresholds pass, 2 when they are malformed, 99 when they fail or abort the run. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeScenario } from './helpers/cli.js';

const lines = (...rows: string[]): string => rows.join('\n') + '\n';
/** A short, quiet run: 150 arrivals on one worker over 100 keys. */
const small = ['name: gate', 'workers: 1', 'phases:', '  - { name: only, duration: 500ms, rate: 300 }', 'resources: { count: 100 }', 'hold: 1ms'];

/** Asserts one line on stderr, no stack trace, and returns it. */
function oneLine(stderr: string): string {
  const rows = stderr.trim().split('\n');
  expect(rows, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return rows[0];
}

describe('thresholds that pass → exit 0', () => {
  it('from the scenario and from --threshold, with the default report files written', async () => {
    const out = join(tempDir(), 'pass');
    const file = writeScenario(lines(...small, 'thresholds:', '  totals.violations: "== 0"', '  phases.only.totals.arrivals: ">= 100"'));
    const result = await runCli(['run', file, '--out', out, '-q', '--threshold', 'rates.successRate>0.5', '--threshold', 'latency.acquire.p99 < 10s']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('thresholds: 4 passed, 0 failed');
    expect(result.stdout).toMatch(/PASS latency\.acquire\.p99 < 10s: actual \S+ \(\S+ to spare\)/);
    for (const name of ['report.json', 'summary.md', 'report.html']) expect(existsSync(join(out, name)), name).toBe(true);
  });
});

describe('malformed gates → exit 2, one line, before anything runs', () => {
  const cases: Array<[string, string[], string[], RegExp]> = [
    ['an unknown metric in the scenario', [...small, 'thresholds:', '  latency.aquire.p99: "< 100ms"'], [], /\.yaml:8:3: thresholds\.latency\.aquire\.p99: unknown metric 'latency\.aquire\.p99'; did you mean 'latency\.acquire\.p99'\?$/],
    ['an unknown phase in the scenario', [...small, 'thresholds:', '  phases.onyl.totals.errors: "== 0"'], [], /\.yaml:8:3: .*no phase 'onyl' in this scenario; did you mean 'only'\?$/],
    ['abortOnFail on a percentile', [...small, 'thresholds:', '  latency.acquire.p99: { condition: "< 1s", abortOnFail: true }'], [], /\.yaml:8:\d+: thresholds\.latency\.acquire\.p99\.abortOnFail: abortOnFail works on counters/],
    ['an unknown metric on the command line', small, ['--threshold', 'latency.aquire.p99<100ms'], /^lockbench: --threshold 'latency\.aquire\.p99<100ms': unknown metric 'latency\.aquire\.p99'; did you mean 'latency\.acquire\.p99'\?$/],
    ['no operator on the command line', small, ['--threshold', 'totals.errors'], /^lockbench: --threshold 'totals\.errors': expected <metric><op><value>\[,abortOnFail\]/],
    ['a duration for a count', small, ['--threshold', 'totals.errors<5ms'], /not measured in time/],
    ['an unknown report format', small, ['--format', 'json,pdf'], /--format json,pdf: 'pdf' is not a format \(allowed: json, md, html, csv, hgrm, junit\)/],
    ['a tolerance without a baseline', small, ['--max-regression', '10%'], /--max-regression needs --baseline/],
    ['a baseline that does not exist', small, ['--baseline', 'no/such/report.json'], /^lockbench: no\/such\/report\.json: cannot read report: no such file$/],
  ];
  for (const [what, scenario, flags, message] of cases) {
    it(what, async () => {
      const out = join(tempDir(), 'never');
      const result = await runCli(['run', writeScenario(lines(...scenario)), '--out', out, '-q', ...flags]);
      expect(result.code, result.stderr).toBe(2);
      expect(oneLine(result.stderr)).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('validate catches a malformed threshold too', async () => {
    const result = await runCli(['validate', writeScenario(lines(...small, 'thresholds:', '  rates.sucessRate: "> 0.99"'))]);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toContain("did you mean 'rates.successRate'?");
  });
});

describe('thresholds that fail → exit 99 after the report is written', () => {
  it('names the failed one and by how much, on the console and in the report files', async () => {
    const out = join(tempDir(), 'fail');
    const file = writeScenario(lines(...small, 'thresholds:', '  totals.violations: "== 0"'));
    const result = await runCli(['run', file, '--out', out, '-q', '--format', 'json,html,junit', '--threshold', 'totals.acquired>1000000']);
    expect(result.code, result.stderr).toBe(99);
    expect(result.stdout).toContain('thresholds: 1 passed, 1 failed');
    expect(result.stdout).toMatch(/FAIL totals\.acquired > 1000000: actual 150 \(short by 999,850\)/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.thresholds.map((t: { metric: string; pass: boolean }) => [t.metric, t.pass])).toEqual([['totals.violations', true], ['totals.acquired', false]]);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<tr class="fail" data-metric="totals\.acquired">/);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/<failure message="FAIL totals\.acquired &gt; 1000000: actual 150 \(short by 999,850\)"/);
  });

  it('a --threshold replaces the scenario’s on the same metric', async () => {
    const file = writeScenario(lines(...small, 'thresholds:', '  totals.acquired: "> 1000000"'));
    const result = await runCli(['run', file, '--out', join(tempDir(), 'loosened'), '-q', '--threshold', 'totals.acquired>=100']);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('thresholds: 1 passed, 0 failed');
  });
});

describe('abortOnFail', () => {
  it('stops a run that can no longer pass, says which threshold did it, writes the report and exits 99', async () => {
    const out = join(tempDir(), 'aborted');
    // no lock at all over 5 keys: holders overlap within the first second of a planned minute
    const file = writeScenario(
      lines(
        'name: unlocked',
        'workers: 2',
        'phases:',
        '  - { duration: 60s, rate: 200 }',
        'resources: { count: 5 }',
        'lock: { mode: none }',
        'hold: 20ms',
        'thresholds:',
        '  totals.violations: { condition: "== 0", abortOnFail: true }',
        '  latency.acquire.p99: "< 1h"',
      ),
    );
    const started = Date.now();
    const result = await runCli(['run', file, '--out', out]);
    expect(result.code, result.stderr).toBe(99);
    // well before the planned minute (generous: the machine may be busy)
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(result.stdout).toMatch(/ABORTED by totals\.violations == 0 \(partial\)/);
    expect(result.stdout).toMatch(/stopped early: totals\.violations == 0 could no longer pass \([\d,]+ after [\d.]+m?s\)/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.interrupted).toBe(true);
    expect(report.abortedBy).toMatchObject({ metric: 'totals.violations', source: '== 0' });
    expect(report.abortedBy.actual).toBeGreaterThan(0);
    expect(report.durationMs).toBeLessThan(45_000);
    expect(report.thresholds[0]).toMatchObject({ metric: 'totals.violations', pass: false, abortOnFail: true });
    const { arrivals, acquired, failed, dropped, cancelled } = report.totals;
    expect(acquired + failed + dropped + cancelled).toBe(arrivals);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('> **Aborted:** stopped early: totals.violations == 0 could no longer pass');
  });
});
