/**
 * `compare`, `--baseline` and `report` on real runs: a rerun of the same scenario stays within the tolerance,
 * a run against a slower backend (memory with a 10× longer rtt) is flagged; reports re-render from report.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseHgrm } from '../src/report/index.js';
import { runCli, tempDir, writeScenario, type CliResult } from './helpers/cli.js';

// every acquire and release waits a 100 ms round trip; 1,000 keys keep contention out of it
const scenario = `
name: rtt
seed: 11
workers: 1
backend: { type: memory, rtt: 100ms }
phases:
  - { name: steady, duration: 3s, rate: 50 }
resources: { count: 1000 }
hold: 1ms
`;
// a generous tolerance: noise on a busy 2-core machine must not fail a rerun; a 10× slower backend still must
const TOLERANCE = '150%';

describe('compare and --baseline on real runs', () => {
  const root = tempDir();
  const dirs = { base: join(root, 'base'), rerun: join(root, 'rerun'), slow: join(root, 'slow') };
  const summary = join(root, 'step-summary.md');
  let rerun: CliResult;
  let slow: CliResult;

  beforeAll(async () => {
    const file = writeScenario(scenario);
    const base = await runCli(['run', file, '--out', dirs.base, '-q', '--format', 'json']);
    expect(base.code, base.stderr).toBe(0);
    const baseline = join(dirs.base, 'report.json');
    rerun = await runCli(['run', file, '--out', dirs.rerun, '-q', '--format', 'json', '--baseline', baseline, '--max-regression', TOLERANCE]);
    slow = await runCli(['run', file, '--out', dirs.slow, '-q', '--format', 'json,md', '--set', 'backend.rtt=1s', '--baseline', baseline, '--max-regression', TOLERANCE], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
  }, 180_000);

  it('a rerun of the same scenario passes the baseline gate (exit 0) and prints the comparison', () => {
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/│ acquire p99 \(gate\) +│/);
    expect(rerun.stdout).toContain('no regression beyond 150% (gated: acquire p99, throughput)');
    const report = JSON.parse(readFileSync(join(dirs.rerun, 'report.json'), 'utf8'));
    expect(report.baseline).toMatchObject({ file: join(dirs.base, 'report.json'), tolerance: 1.5, regressed: false });
  });

  it('a run on a slower backend fails the baseline gate (exit 99) after writing a report that says why', () => {
    expect(slow.code, slow.stdout + slow.stderr).toBe(99);
    expect(slow.stdout).toMatch(/│ acquire p99 \(gate\) +│ +[\d.]+ms │ +[\d.]+s │ +\+[\d,.]+% │ REGRESSION │/);
    expect(slow.stdout).toMatch(/^REGRESSION beyond 150%: acquire p99 \+[\d,.]+%/m);
    const report = JSON.parse(readFileSync(join(dirs.slow, 'report.json'), 'utf8'));
    expect(report.baseline.regressed).toBe(true);
    expect(readFileSync(join(dirs.slow, 'summary.md'), 'utf8')).toContain('## Against the baseline');
  });

  it('appends the markdown summary to GITHUB_STEP_SUMMARY when it is set', () => {
    const text = readFileSync(summary, 'utf8');
    expect(text).toMatch(/^# lockbench: rtt\n/);
    expect(text).toContain('| latency | count | p50 | p90 | p99 | p99.9 | max |');
    expect(text).toContain('**REGRESSION beyond 150%: acquire p99');
  });

  it('compare: the rerun is within the tolerance (exit 0)', async () => {
    const result = await runCli(['compare', join(dirs.base, 'report.json'), join(dirs.rerun, 'report.json'), '--max-regression', TOLERANCE]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    for (const label of ['acquire p50', 'acquire p99 (gate)', 'acquire p99.9', 'throughput (gate)', 'success rate', 'violations']) expect(result.stdout).toContain(label);
    expect(result.stdout).not.toContain('REGRESSION');
  });

  it('compare: the slower backend is a regression (exit 99), and the summary file gets the table', async () => {
    const result = await runCli(['compare', join(dirs.base, 'report.json'), join(dirs.slow, 'report.json'), '--max-regression', TOLERANCE], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(result.code).toBe(99);
    expect(result.stdout).toMatch(/│ acquire p99 \(gate\) .*│ REGRESSION │/);
    expect(result.stdout).toMatch(/│ acquire p50 .*│ +worse │/);
    expect(readFileSync(summary, 'utf8')).toContain('## lockbench compare: rtt');
  });

  it('compare --json prints the comparison for tools', async () => {
    const result = await runCli(['compare', join(dirs.base, 'report.json'), join(dirs.slow, 'report.json'), '--json']);
    expect(result.code).toBe(99);
    const comparison = JSON.parse(result.stdout);
    expect(comparison.tolerance).toBe(0.1);
    expect(comparison.rows.find((row: { metric: string }) => row.metric === 'latency.acquire.p99').regression).toBe(true);
  });

  it('report re-renders a report.json into any format, beside it or into --out', async () => {
    const out = join(root, 'rerendered');
    const result = await runCli(['report', join(dirs.slow, 'report.json'), '--format', 'html,md,csv,junit,hgrm', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('lockbench run: rtt on memory');
    for (const name of ['report.html', 'summary.md', 'series.csv', 'junit.xml', 'latency-acquire-ms.hgrm', 'latency-endToEnd-ms.hgrm']) {
      expect(existsSync(join(out, name)), name).toBe(true);
    }
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/<testcase name="baseline latency\.acquire\.p99"[^>]*>\n {6}<failure /);
    const acquire = parseHgrm(readFileSync(join(out, 'latency-acquire-ms.hgrm'), 'utf8'));
    const report = JSON.parse(readFileSync(join(dirs.slow, 'report.json'), 'utf8'));
    expect(acquire.totalCount).toBe(report.latency.acquire.count);
    // with a 1 s round trip, no grant comes sooner
    expect(acquire.rows[0].value).toBeGreaterThanOrEqual(1000);

    // a run's folder stands for its report.json
    const beside = await runCli(['report', dirs.base]);
    expect(beside.code).toBe(0);
    expect(existsSync(join(dirs.base, 'report.html'))).toBe(true);
    expect(existsSync(join(dirs.base, 'summary.md'))).toBe(true);
  });

  it('report and compare refuse what is not a report: exit 2, one line naming the file', async () => {
    const notJson = join(root, 'broken.json');
    writeFileSync(notJson, '{ "schemaVersion": 1, ');
    const other = join(root, 'other.json');
    writeFileSync(other, JSON.stringify({ schemaVersion: 7 }));
    for (const [args, message] of [
      [['report', notJson], /^lockbench: .*broken\.json: not JSON: /],
      [['compare', join(dirs.base, 'report.json'), other], /^lockbench: .*other\.json: not a lockbench report\.json \(schemaVersion 1\): schemaVersion is 7$/],
      [['compare', join(dirs.base, 'report.json'), join(dirs.rerun, 'report.json'), '--max-regression', 'ten'], /^lockbench: --max-regression ten: expected a percentage such as 10% or 2\.5%/],
      [['report', join(root, 'missing.json')], /missing\.json: cannot read report: no such file$/],
    ] as const) {
      const result = await runCli(args);
      expect(result.code, result.stderr).toBe(2);
      const rows = result.stderr.trim().split('\n');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatch(message);
    }
  });
});
