/** `lockbench simulate` through the built CLI: byte-identical reports for a seed, no server contacted, bad `sim:` → exit 2, compare with a run, Ctrl-C, bounded memory. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../src/report/index.js';
import { runCli, tempDir, writeScenario } from './helpers/cli.js';
import { countingListener, type CountingListener } from './helpers/counting-listener.js';

const lines = (...rows: string[]): string => rows.join('\n') + '\n';

/** Asserts one line on stderr, no stack trace, and returns it. */
function oneLine(stderr: string): string {
  const rows = stderr.trim().split('\n');
  expect(rows, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return rows[0];
}

function readReport(dir: string): Report {
  return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
}

/** Nothing lost silently: arrivals = acquired + failed + dropped + cancelled. */
function expectAccounted(report: Report): void {
  const { arrivals, acquired, failed, dropped, cancelled } = report.totals;
  expect(acquired + failed + dropped + cancelled).toBe(arrivals);
}

/** report.json as written, with the values of its two wall-clock timestamps blanked. */
function withoutTimestamps(dir: string): string {
  return readFileSync(join(dir, 'report.json'), 'utf8').replace(/("(?:startedAt|endedAt)": )"[^"]*"/g, '$1""');
}

/** Contended keys, retries with jitter, renewals, a pause, a protected resource and a postgres model. */
const busyScenario = (url: string): string =>
  lines(
    'name: busy',
    'seed: 11',
    'workers: 2',
    `backend: { type: postgres, url: "${url}" }`,
    'sim: { serviceTime: { type: exponential, mean: 0.2ms }, capacity: 20000 }',
    'phases: [{ name: rush, duration: 2s, rate: 300, rampTo: 900, arrival: poisson }]',
    'resources: { count: 50, pick: { type: zipf, s: 1.1 } }',
    'lock: { ttl: 60ms, renew: { every: 20ms }, acquireTimeout: 150ms, retry: { strategy: exponential-jitter, base: 2ms, max: 20ms } }',
    'hold: { type: exponential, mean: 5ms }',
    'resource: { type: inventory, stock: 50 }',
    'faults: [{ at: 1200ms, type: client-pause, duration: 100ms, fraction: 0.3 }]',
    'drain: 2s',
  );

describe('lockbench simulate: determinism', () => {
  it('the same file simulated twice writes the same report.json byte for byte, apart from startedAt and endedAt; another seed differs', async () => {
    const file = writeScenario(busyScenario('postgres://bench:pw@127.0.0.1:1/locks'));
    const [first, second, reseeded] = [join(tempDir(), 'd1'), join(tempDir(), 'd2'), join(tempDir(), 'd3')];
    for (const [out, flags] of [[first, []], [second, []], [reseeded, ['--set', 'seed=12']]] as const) {
      const result = await runCli(['simulate', file, '--out', out, '-q', '--format', 'json', ...flags]);
      expect(result.code, result.stderr).toBe(0);
    }
    const report = readReport(first);
    expectAccounted(report);
    expect(report.mode).toBe('simulated');
    expect(report.totals.contended).toBeGreaterThan(0);
    expect(withoutTimestamps(second)).toBe(withoutTimestamps(first));
    expect(readFileSync(join(first, 'report.json'), 'utf8')).not.toBe(readFileSync(join(second, 'report.json'), 'utf8'));
    const other = readReport(reseeded);
    expectAccounted(other);
    expect(other.latency.acquire.hdr).not.toBe(report.latency.acquire.hdr);
  });
});

describe('lockbench simulate: the modelled backend', () => {
  let listener: CountingListener | undefined;
  afterEach(() => listener?.close());

  it('contacts no server and never shows its password; writes every format; prints the run’s summary table', async () => {
    listener = await countingListener();
    const port = listener.port;
    const secret = 'Pa55w0rd-s3cret';
    const out = join(tempDir(), 'formats');
    const result = await runCli(['simulate', writeScenario(busyScenario(`postgres://bench:${secret}@127.0.0.1:${port}/locks`)), '--out', out, '-q', '--format', 'json,md,html,csv,hgrm,junit']);
    expect(result.code, result.stderr).toBe(0);
    expect(listener.connections()).toBe(0);
    expect(result.stdout).toMatch(/^lockbench simulate: busy on postgres/);
    expect(result.stdout).toContain('simulated: no postgres server was contacted');
    expect(result.stdout).toMatch(/│ acquire +│/);
    const files = readdirSync(out);
    for (const name of ['report.json', 'summary.md', 'report.html', 'series.csv', 'junit.xml']) expect(files, name).toContain(name);
    expect(files.some((name) => name.endsWith('.hgrm'))).toBe(true);
    for (const text of [result.stdout, result.stderr, ...files.map((name) => readFileSync(join(out, name), 'utf8'))]) expect(text).not.toContain(secret);
    const report = readReport(out);
    expectAccounted(report);
    expect(report.backend).toMatchObject({ type: 'postgres', model: { discipline: 'polling', capacity: 20000 } });
    expect(JSON.stringify(report.backend)).not.toMatch(/127\.0\.0\.1|postgres:\/\//);
  });
});

describe('lockbench simulate: bad sim: fields → exit 2, one line, file:line:col', () => {
  const base = ['name: bad', 'phases: [{ duration: 1s, rate: 10 }]'];
  const cases: Array<[string, string, RegExp]> = [
    ['an unknown key', 'sim: { rtt: { type: constant, value: 1ms }, capcity: 10 }', /\.yaml:3:45: sim\.capcity: unknown key 'capcity'; did you mean 'capacity'\?$/],
    ['a negative capacity', 'sim: { capacity: -5 }', /\.yaml:3:18: sim\.capacity: must be > 0, got -5$/],
    ['a discipline typo', 'sim: { discipline: fifoo }', /\.yaml:3:20: sim\.discipline: 'fifoo' is not allowed; did you mean 'fifo'\?/],
  ];
  for (const [what, sim, message] of cases) {
    it(what, async () => {
      const out = join(tempDir(), 'never');
      const result = await runCli(['simulate', writeScenario(lines(...base, sim)), '--out', out, '-q']);
      expect(result.code, result.stderr).toBe(2);
      expect(oneLine(result.stderr)).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }
});

describe('permits', () => {
  const semaphore = lines('name: pool', 'phases: [{ duration: 1s, rate: 10 }]', 'lock:', '  ttl: 1s', '  permits: 3', 'hold: 5ms');

  it('lockbench run refuses permits 3 with file:line:col (exit 2, nothing written)', async () => {
    const out = join(tempDir(), 'never');
    const result = await runCli(['run', writeScenario(semaphore), '--out', out, '-q']);
    expect(result.code, result.stderr).toBe(2);
    expect(oneLine(result.stderr)).toMatch(/\.yaml:5:12: lock\.permits: 3 permits is a semaphore/);
    expect(existsSync(out)).toBe(false);
  });

  it('lockbench simulate takes permits 3', async () => {
    const out = join(tempDir(), 'pool');
    const result = await runCli(['simulate', writeScenario(semaphore), '--out', out, '-q', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expectAccounted(readReport(out));
  });
});

describe('lockbench compare between a run and a simulation', () => {
  it('compares them and notes the mode difference', async () => {
    const file = writeScenario(lines('name: twin', 'workers: 1', 'phases: [{ duration: 1s, rate: 50 }]', 'resources: { count: 10 }', 'lock: { retry: { strategy: none } }', 'hold: 2ms', 'drain: 1s'));
    const [ran, simulated] = [join(tempDir(), 'run'), join(tempDir(), 'sim')];
    expect((await runCli(['run', file, '--out', ran, '-q', '--format', 'json'])).code).toBe(0);
    expect((await runCli(['simulate', file, '--out', simulated, '-q', '--format', 'json'])).code).toBe(0);
    expect(readReport(ran).mode).toBe('run');
    const result = await runCli(['compare', join(ran, 'report.json'), join(simulated, 'report.json')]);
    // 0, or 99 should the real run on a loaded machine fall 10% behind the model: the comparison itself worked
    expect([0, 99], result.stderr).toContain(result.code);
    expect(result.stdout).toContain("note: comparing a 'run' report with a 'simulated' one");
    expect(result.stdout).toMatch(/new: twin on memory, .*, simulated \(/);
    expect(result.stdout).toMatch(/│ throughput \(gate\) +│/);
  });
});

describe('Ctrl-C', () => {
  it('stops a long simulation: exit 130, the partial report says interrupted, nothing lost', async () => {
    const out = join(tempDir(), 'stopped');
    const file = writeScenario(lines('name: long', 'workers: 1', 'phases: [{ duration: 600s, rate: 100000 }]', 'resources: { count: 100000 }', 'lock: { retry: { strategy: none } }', 'hold: 1ms'));
    const result = await runCli(['simulate', file, '--out', out, '--format', 'json'], {
      timeoutMs: 60_000,
      onSpawn: (child) => {
        let sent = false;
        // the first progress line: the simulation is under way
        child.stderr!.on('data', (chunk: Buffer) => {
          if (!sent && chunk.toString().includes('acq/s')) {
            sent = true;
            child.kill('SIGINT');
          }
        });
      },
    });
    expect(result.code, result.stderr).toBe(130);
    const report = readReport(out);
    expect(report.interrupted).toBe(true);
    expect(report.durationMs).toBeLessThan(600_000);
    expectAccounted(report);
  });
});

describe('memory', () => {
  it('stays bounded by histograms and per-key state: 4M requests take about the RSS of 1M', async () => {
    const dir = tempDir();
    const preload = join(dir, 'max-rss.mjs');
    writeFileSync(preload, "process.on('exit', () => process.stderr.write(`maxRSS-kB ${process.resourceUsage().maxRSS}\\n`));\n");
    const peakKb = async (seconds: number): Promise<number> => {
      const file = writeScenario(
        lines('name: big', 'workers: 1', `phases: [{ duration: ${seconds}s, rate: 100000 }]`, 'resources: { count: 100000 }', 'lock: { retry: { strategy: none }, acquireTimeout: 1s }', 'hold: 1ms', 'drain: 1s'),
      );
      const result = await runCli(['simulate', file, '--out', join(dir, `big-${seconds}`), '-q', '--format', 'json'], { env: { NODE_OPTIONS: `--import ${preload}` }, timeoutMs: 60_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(readReport(join(dir, `big-${seconds}`)).totals.arrivals).toBe(seconds * 100_000);
      const match = /maxRSS-kB (\d+)/.exec(result.stderr);
      expect(match, result.stderr).not.toBeNull();
      return Number(match![1]);
    };
    const oneMillion = await peakKb(10);
    const fourMillion = await peakKb(40);
    // a few bytes per request would add 3M × that; allow GC slack, not growth with the request count
    expect(fourMillion).toBeLessThan(oneMillion * 1.5 + 30_000);
  }, 60_000);
});
