import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeScenario } from './helpers/cli.js';

describe('lockbench CLI (built bin, no terminal)', () => {
  it('--help lists the commands', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['run', 'validate', 'scenarios']) expect(result.stdout).toContain(command);
  });

  it('run --help shows the run flags', async () => {
    const result = await runCli(['run', '--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--set', '--duration', '--time-scale', '--out', '--json']) expect(result.stdout).toContain(flag);
  });

  it('an unknown flag is a usage error (exit 2)', async () => {
    const result = await runCli(['run', 'scenarios/tatkal.yaml', '--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option/);
  });

  it('scenarios lists every built-in scenario with its description', async () => {
    const result = await runCli(['scenarios']);
    expect(result.code).toBe(0);
    for (const id of ['tatkal', 'flash-sale', 'upi-peak', 'wallet-closed']) expect(result.stdout).toMatch(new RegExp(`^${id}\\s+\\S.+$`, 'm'));
  });

  it('validate accepts every built-in scenario', async () => {
    for (const id of ['tatkal', 'flash-sale', 'upi-peak', 'wallet-closed']) {
      const result = await runCli(['validate', `scenarios/${id}.yaml`]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('ok');
    }
  });

  const malformed: Array<[string, string, RegExp]> = [
    ['YAML syntax error', 'name: x\nphases: [ { duration: 1s, rate: 5 }\n', /^.*\.yaml:\d+:\d+: /],
    ['wrong type', 'name: x\nphases:\n  - { duration: 1s, rate: fast }\n', /\.yaml:3:\d+: phases\.0\.rate: /],
    ['unknown key with a hint', 'name: x\nphases:\n  - { duration: 1s, rate: 5 }\nworkerz: 2\n', /\.yaml:4:1: .*did you mean 'workers'/],
    ['negative rate', 'name: x\nphases:\n  - { duration: 1s, rate: -5 }\n', /\.yaml:3:\d+: phases\.0\.rate: /],
    ['missing phases and users', 'name: x\nhold: 1ms\n', /\.yaml:\d+:\d+: .*(phases|users)/],
    ['bad duration unit', 'name: x\nphases:\n  - { duration: 10 sec, rate: 5 }\n', /\.yaml:3:\d+: phases\.0\.duration: .*unit/],
    ['unknown backend', 'name: x\nbackend: { type: memcache }\nphases:\n  - { duration: 1s, rate: 5 }\n', /\.yaml:2:\d+: backend\.type: /],
  ];
  for (const [what, yaml, message] of malformed) {
    it(`${what} → exit 2 and one line with file:line:col`, async () => {
      const file = writeScenario(yaml, 'bad.yaml');
      for (const command of ['validate', 'run']) {
        const result = await runCli([command, file]);
        expect(result.code, result.stderr).toBe(2);
        const lines = result.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(message);
        expect(result.stderr).not.toMatch(/\n\s+at /);
      }
    });
  }

  it('a missing file → exit 2 naming it', async () => {
    const result = await runCli(['run', 'no/such/scenario.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no/such/scenario.yaml');
  });

  it('runs a shipped scenario: table on stdout, progress on stderr, report.json + summary.md', async () => {
    const out = join(tempDir(), 'flash');
    const result = await runCli(['run', 'scenarios/flash-sale.yaml', '--time-scale', '0.1', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/acquire/);
    expect(result.stdout).toMatch(/Little/);
    expect(result.stderr).toMatch(/acq\/s/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.schemaVersion).toBe(1);
    expect(report.scenario.name).toBe('flash-sale');
    expect(report.totals.arrivals).toBeGreaterThan(1000);
    expect(report.totals.violations).toBe(0);
    expect(report.latency.acquire.hdr).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(existsSync(join(out, 'summary.md'))).toBe(true);
  });

  it('--json puts only report.json on stdout; the default folder is reports/<name>-<stamp>', async () => {
    const cwd = tempDir();
    const file = writeScenario('name: tiny\nworkers: 1\nphases:\n  - { duration: 500ms, rate: 200 }\nresources: { count: 50 }\nhold: 1ms\n');
    const result = await runCli(['run', file, '--json'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.totals.arrivals).toBe(100);
    const reportDir = result.stderr.match(/report: (.+)/)?.[1].trim();
    expect(reportDir).toMatch(/reports\/tiny-\d{8}T\d{6}Z$/);
    expect(existsSync(join(cwd, reportDir!, 'report.json'))).toBe(true);
  });

  it('a failed threshold → exit 99 after the report is written', async () => {
    const out = join(tempDir(), 'gate');
    const file = writeScenario('name: gate\nworkers: 1\nphases:\n  - { duration: 300ms, rate: 100 }\nhold: 1ms\nthresholds:\n  totals.acquired: "> 1000000"\n');
    const result = await runCli(['run', file, '--out', out]);
    expect(result.code).toBe(99);
    expect(result.stdout).toMatch(/FAIL/);
    expect(existsSync(join(out, 'report.json'))).toBe(true);
  });

  it('Ctrl-C mid-run writes the partial report and exits 130', async () => {
    const out = join(tempDir(), 'interrupted');
    const file = writeScenario('name: long\nworkers: 2\nusers: 50\nduration: 60s\nthinkTime: 5ms\nresources: { count: 10 }\nhold: 2ms\n');
    const started = Date.now();
    // interrupt once the run is under way (its first progress line), however long a busy machine takes to start it
    const result = await runCli(['run', file, '--out', out], {
      onSpawn: (child) => {
        let sent = false;
        child.stderr?.on('data', (chunk: Buffer) => {
          if (sent || !chunk.toString().includes('acq/s')) return;
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 500);
        });
      },
    });
    expect(result.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(30_000);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.interrupted).toBe(true);
    expect(report.totals.acquired).toBeGreaterThan(0);
    const { arrivals, acquired, failed, dropped, cancelled } = report.totals;
    expect(acquired + failed + dropped + cancelled).toBe(arrivals);
  });
});
