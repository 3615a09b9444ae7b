/** `lockbench run|simulate` on a scenario with `matrix:` through the built CLI: a report per variant, matrix.json, the comparison, exit codes. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeScenario } from './helpers/cli.js';

const lines = (...rows: string[]): string => rows.join('\n') + '\n';
/** 60 arrivals on one worker; variant `one` puts them all on one key, `many` spreads them over 50. */
const matrixScenario = [
  'name: grain',
  'description: one key or many',
  'workers: 1',
  'phases:',
  '  - { name: rush, duration: 300ms, rate: 200 }',
  'hold: 1ms',
  'drain: 1s',
  'thresholds:',
  '  totals.violations: "== 0"',
  'matrix:',
  '  - name: one',
  '    description: a single key',
  '    set: { resources.count: 1 }',
  '  - name: many',
  '    set: { resources.count: 50, resources.key: "shop:{id}" }',
];

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('a matrix run', () => {
  it('runs each variant into its own folder, writes matrix.json and matrix.md, and prints one comparison table', async () => {
    const out = join(tempDir(), 'matrix');
    const result = await runCli(['run', writeScenario(lines(...matrixScenario)), '--out', out, '-q']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^lockbench run: grain, 2 variants$/m);
    expect(result.stdout).toMatch(/variant\s*│\s*throughput\s*│\s*acquire p50\s*│\s*acquire p99\s*│\s*success\s*│\s*timeouts\s*│\s*violations\s*│\s*attempts\/acq\s*│\s*gates/);
    expect(result.stdout).toMatch(/│ one\s+│.*│\s+pass │/);
    expect(result.stdout).toMatch(/│ many\s+│.*│\s+pass │/);
    expect(result.stdout).toContain('one: resources.count=1 — a single key');
    expect(result.stderr.trim()).toBe(`report: ${out}`);

    const one = readJson(join(out, 'one', 'report.json'));
    const many = readJson(join(out, 'many', 'report.json'));
    expect(one.scenario.name).toBe('grain.one');
    expect(one.scenario.description).toBe('a single key');
    expect(one.scenario.resolved.resources.count).toBe(1);
    expect(many.scenario.name).toBe('grain.many');
    expect(many.scenario.resolved.resources).toMatchObject({ count: 50, key: 'shop:{id}' });
    for (const name of ['summary.md', 'report.html']) expect(existsSync(join(out, 'many', name)), name).toBe(true);

    const matrix = readJson(join(out, 'matrix.json'));
    expect(matrix).toMatchObject({ schemaVersion: 1, kind: 'matrix', mode: 'run', interrupted: false, scenario: { name: 'grain', description: 'one key or many' } });
    expect(matrix.variants.map((row: { name: string; status: string; report: string }) => [row.name, row.status, row.report])).toEqual([
      ['one', 'complete', 'one/report.json'],
      ['many', 'complete', 'many/report.json'],
    ]);
    expect(matrix.variants[1]).toMatchObject({
      set: { 'resources.count': 50, 'resources.key': 'shop:{id}' },
      throughput: many.rates.throughput,
      acquireP99Ms: many.latency.acquire.p99,
      successRate: many.rates.successRate,
      violations: 0,
      attempts: many.totals.attempts,
      attemptsPerAcquisition: many.retries.attemptsPerAcquisition,
      thresholds: { total: 1, failed: [] },
    });
    const markdown = readFileSync(join(out, 'matrix.md'), 'utf8');
    expect(markdown).toContain('# lockbench matrix: grain');
    expect(markdown).toMatch(/^\| many \| .* \| pass \|$/m);
    expect(markdown).toContain('[many/](many/)');
  });

  it('without --out goes to <report.dir>/<name>-<stamp>/', async () => {
    const reports = tempDir();
    const file = writeScenario(lines(...matrixScenario, `report: { dir: "${reports}", formats: [json] }`));
    const result = await runCli(['simulate', file, '-q']);
    expect(result.code, result.stderr).toBe(0);
    const [folder] = readdirSync(reports);
    expect(folder).toMatch(/^grain-\d{8}T\d{6}Z$/);
    expect(readdirSync(join(reports, folder)).sort()).toEqual(['many', 'matrix.json', 'matrix.md', 'one']);
    expect(readdirSync(join(reports, folder, 'one'))).toEqual(['report.json']);
    expect(readJson(join(reports, folder, 'matrix.json')).mode).toBe('simulated');
  });

  it('--variant runs only the named ones; an unknown name lists the variants', async () => {
    const out = join(tempDir(), 'some');
    const file = writeScenario(lines(...matrixScenario));
    const result = await runCli(['simulate', file, '--out', out, '-q', '--variant', 'many', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).variants.map((row: { name: string }) => row.name)).toEqual(['many']);
    expect(readdirSync(out).sort()).toEqual(['many', 'matrix.json', 'matrix.md']);

    const unknown = await runCli(['simulate', file, '--out', join(tempDir(), 'never'), '--variant', 'one,mnay']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toMatch(/^lockbench: --variant mnay: \S+ has no such variant; did you mean 'many'\? \(variants: one, many\)$/);
  });

  it('exits 99 when one variant fails a threshold, after running and writing all of them', async () => {
    const out = join(tempDir(), 'gate');
    const strict = [...matrixScenario, '  - name: strict', '    set: { thresholds: { totals.acquired: "> 1000000" } }'];
    const result = await runCli(['simulate', writeScenario(lines(...strict)), '--out', out, '-q', '--format', 'json']);
    expect(result.code, result.stderr).toBe(99);
    expect(result.stdout).toMatch(/│ strict\s+│.*│\s+FAIL 1 of 1 │/);
    expect(result.stdout).toMatch(/^strict: FAIL totals\.acquired > 1000000: actual 60 \(short by 999,940\)$/m);
    const matrix = readJson(join(out, 'matrix.json'));
    expect(matrix.variants.map((row: { name: string; thresholds: { failed: unknown[] } }) => [row.name, row.thresholds.failed.length])).toEqual([
      ['one', 0],
      ['many', 0],
      ['strict', 1],
    ]);
  });

  it('refuses --baseline: a matrix has a report per variant', async () => {
    const result = await runCli(['simulate', writeScenario(lines(...matrixScenario)), '--baseline', 'any/report.json']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^lockbench: --baseline compares one run with one report, and grain runs 2 variants: compare a variant with lockbench compare/);
  });

  it('validate rejects a broken variant at its line:col', async () => {
    const broken = [...matrixScenario.slice(0, -1), '    set: { resources.count: 0 }'];
    const result = await runCli(['validate', writeScenario(lines(...broken))]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/\.yaml:15:29: matrix\.many\.set\.resources\.count: must be ≥ 1, got 0$/);
  });

  it('Ctrl-C stops the running variant (partial report kept), skips the rest, exit 130', async () => {
    const out = join(tempDir(), 'stopped');
    const long = matrixScenario.map((line) => line.replace('duration: 300ms', 'duration: 30s'));
    const result = await runCli(['run', writeScenario(lines(...long)), '--out', out], {
      onSpawn: (child) => {
        let sent = false;
        child.stderr?.on('data', (chunk: Buffer) => {
          if (sent || !chunk.toString().includes('acq/s')) return;
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 300);
        });
      },
    });
    expect(result.code, result.stderr).toBe(130);
    expect(result.stdout).toMatch(/INTERRUPTED \(1 not run\)/);
    expect(result.stdout).toMatch(/│ many\s+│\s+not run │/);
    const matrix = readJson(join(out, 'matrix.json'));
    expect(matrix.interrupted).toBe(true);
    expect(matrix.variants.map((row: { name: string; status: string }) => [row.name, row.status])).toEqual([
      ['one', 'interrupted'],
      ['many', 'not-run'],
    ]);
    expect(readJson(join(out, 'one', 'report.json')).interrupted).toBe(true);
    expect(existsSync(join(out, 'many'))).toBe(false);
  });
});

describe('a scenario without matrix', () => {
  it('runs as before into --out itself, and --variant is a usage error', async () => {
    const plain = matrixScenario.slice(0, matrixScenario.indexOf('matrix:'));
    const out = join(tempDir(), 'plain');
    const result = await runCli(['run', writeScenario(lines(...plain)), '--out', out, '-q']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^lockbench run: grain on memory/);
    expect(readJson(join(out, 'report.json')).scenario.name).toBe('grain');
    expect(existsSync(join(out, 'matrix.json'))).toBe(false);

    const variant = await runCli(['run', writeScenario(lines(...plain)), '--variant', 'one']);
    expect(variant.code).toBe(2);
    expect(variant.stderr).toMatch(/--variant: \S+ has no variants \(a scenario lists them under matrix:\)/);
  });
});

describe('the shipped matrices', () => {
  it('granularity: the restaurant lock beats the city lock in throughput and p99 (simulated)', async () => {
    const out = join(tempDir(), 'granularity');
    const result = await runCli(['simulate', 'granularity', '--out', out, '-q', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const rows = Object.fromEntries(readJson(join(out, 'matrix.json')).variants.map((row: { name: string }) => [row.name, row]));
    expect(Object.keys(rows)).toEqual(['city', 'area', 'restaurant']);
    expect(rows.restaurant.throughput).toBeGreaterThan(1.5 * rows.city.throughput);
    expect(rows.restaurant.acquireP99Ms).toBeLessThan(rows.city.acquireP99Ms / 10);
    expect(rows.city.timeouts).toBeGreaterThan(0);
  });

  it('retry-storm: no backoff storms, jitter and the breaker calm it (simulated)', async () => {
    const out = join(tempDir(), 'storm');
    const result = await runCli(['simulate', 'retry-storm', '--out', out, '-q', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const rows = Object.fromEntries(readJson(join(out, 'matrix.json')).variants.map((row: { name: string }) => [row.name, row]));
    expect(Object.keys(rows)).toEqual(['no-backoff', 'exponential-jitter', 'circuit-breaker']);
    expect(rows['no-backoff'].attemptsPerAcquisition).toBeGreaterThan(5 * rows['exponential-jitter'].attemptsPerAcquisition);
    expect(rows['no-backoff'].attempts).toBeGreaterThan(5 * rows['exponential-jitter'].attempts);
    expect(rows['circuit-breaker'].rejected).toBeGreaterThan(0);
    expect(rows['circuit-breaker'].attemptsPerAcquisition).toBeLessThan(rows['no-backoff'].attemptsPerAcquisition);
  });

  it('both are listed by lockbench scenarios', async () => {
    const result = await runCli(['scenarios']);
    expect(result.stdout).toMatch(/^granularity\s+Zomato's granularity experiment/m);
    expect(result.stdout).toMatch(/^retry-storm\s+Jio's lock storm/m);
  });
});

describe('a matrix with a variant run cannot execute', () => {
  it('refuses it before the first variant runs: exit 2 at the variant, nothing written; simulate runs it', async () => {
    const semaphore = [...matrixScenario, '  - name: pool', '    set: { lock.permits: 2 }'];
    const out = join(tempDir(), 'matrix');
    const refused = await runCli(['run', writeScenario(lines(...semaphore)), '--out', out, '-q']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toMatch(/^lockbench: .*scenario\.yaml:\d+:\d+: lock\.permits: 2 permits is a semaphore/);
    expect(existsSync(out)).toBe(false);

    const simulated = await runCli(['simulate', writeScenario(lines(...semaphore)), '--out', out, '-q']);
    expect(simulated.code, simulated.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['many', 'matrix.json', 'matrix.md', 'one', 'pool']);
  });
});
