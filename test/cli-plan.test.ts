import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { planCommand, type PlanFlags } from '../src/cli/plan-command.js';
import { UsageError } from '../src/errors.js';
import type { Plan } from '../src/model/index.js';
import { runCli, tempDir, writeScenario } from './helpers/cli.js';

// Until `plan` is registered in src/cli/main.ts these call planCommand in-process and read what it prints.

let stdout = '';
let stderr = '';
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

function tenKeys(extra: string[] = []): string {
  return writeScenario(
    [
      'name: ten-keys',
      'phases:',
      '  - { name: warm, duration: 2s, rate: 20 }',
      '  - { name: busy, duration: 2s, rate: 50 }',
      'resources: { count: 10, key: "seat:{id}" }',
      'lock: { retry: { strategy: none } }',
      'hold: 100ms',
      ...extra,
    ].join('\n'),
  );
}

async function plan(file: string, flags: PlanFlags): Promise<Plan> {
  const out = flags.out ?? tempDir();
  expect(await planCommand(file, { ...flags, out }, {})).toBe(0);
  return JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as Plan;
}

describe('lockbench plan', () => {
  it('prints the hot keys, the sums and the phases, and writes plan.json into --out', async () => {
    const out = tempDir();
    const written = await plan(tenKeys(), { out });
    expect(written).toMatchObject({ schemaVersion: 1, scenario: { name: 'ten-keys' }, inputs: { permits: 1, keys: { count: 10 } } });
    // 50/s over 10 keys, 100 ms: ρ = 0.5, M/D/1 wait 50 ms
    expect(written.peak.hotKeys[0].queue.waitMs).toBeCloseTo(50, 9);
    expect(written.phases?.map((phase) => phase.name)).toEqual(['warm', 'busy']);
    expect(stdout).toMatch(/^lockbench plan: ten-keys/);
    expect(stdout).toMatch(/│ seat:0 … seat:9 +│ +10 │ +10% │ +5\/s │ +0\.5 │ +50% │ +100ms │ +50ms │ +0\.25 │/);
    expect(stdout).toContain('Σ Lq = 2.5');
    expect(stdout).toMatch(/│ warm +│ +20\/s │/);
    expect(stderr).toBe(`plan: ${join(out, 'plan.json')}\n`);
  });

  it('--json prints plan.json on stdout; --rate and --top change what is evaluated and listed', async () => {
    const written = await plan(writeScenario(['name: zipf', 'phases:', '  - { duration: 1s, rate: 10 }', 'resources: { count: 50, pick: { type: zipf, s: 1 } }', 'hold: 1ms'].join('\n')), {
      json: true,
      rate: '200',
      top: '3',
    });
    expect(JSON.parse(stdout)).toEqual(written);
    expect(written.peak.requestRate).toBe(200);
    expect(written.peak.hotKeys.map((key) => key.key)).toEqual(['resource:0', 'resource:1', 'resource:2']);
  });

  it('without --out, writes <report.dir>/<name>-plan-<UTC stamp>/plan.json', async () => {
    const dir = tempDir();
    expect(await planCommand(tenKeys([`report: { dir: ${JSON.stringify(dir)} }`]), {}, {})).toBe(0);
    const [folder] = readdirSync(dir);
    expect(folder).toMatch(/^ten-keys-plan-\d{8}T\d{6}Z$/);
    expect(existsSync(join(dir, folder, 'plan.json'))).toBe(true);
  });

  it('runs a built-in scenario by name', async () => {
    const written = await plan('tatkal', {});
    expect(written.scenario.name).toBe('tatkal');
    expect(written.peak.saturatedKeys).toBeGreaterThan(0);
  });

  const wrong: Array<[string, PlanFlags, RegExp]> = [
    ['--top 0', { top: '0' }, /--top 0: a whole number ≥ 1/],
    ['--rate fast', { rate: 'fast' }, /--rate fast: a number > 0/],
    ['--slo alone', { slo: 'latency.acquire.p99<100ms' }, /--slo goes with --find-max-rate/],
    ['--find-max-rate alone', { findMaxRate: true }, /needs --slo/],
    ['an unknown SLO metric', { findMaxRate: true, slo: 'latency.aquire.p99<100ms' }, /did you mean 'latency\.acquire\.p99'/],
  ];
  for (const [what, flags, message] of wrong) {
    it(`${what} is a usage error`, async () => {
      await expect(planCommand(tenKeys(), { ...flags, out: tempDir() }, {})).rejects.toThrow(UsageError);
      await expect(planCommand(tenKeys(), { ...flags, out: tempDir() }, {})).rejects.toThrow(message);
    });
  }

  it('--find-max-rate: bisection on the simulator brackets the highest rate meeting the SLO, the analytic estimate beside it', async () => {
    // 10 uniform keys, exponential 2 ms holds queued at the server (memory: fifo, no rtt); 60 s of virtual time gives
    // ~25,000 acquisitions per probe near the answer, enough for a steady p99
    const file = writeScenario(
      [
        'name: find-max',
        'seed: 7',
        'phases:',
        '  - { duration: 60s, rate: 2000, arrival: poisson }',
        'resources: { count: 10 }',
        'lock: { retry: { strategy: none }, acquireTimeout: 10s }',
        'hold: { type: exponential, mean: 2ms }',
      ].join('\n'),
    );
    const written = await plan(file, { findMaxRate: true, slo: 'latency.acquire.p99<5ms', probes: '8', quiet: true });
    const search = written.findMaxRate!;
    expect(search).toMatchObject({ slo: 'latency.acquire.p99<5ms', levelUnit: 'arrivals/s' });
    expect(search.simulated.probes.length).toBeLessThanOrEqual(8);
    for (const probe of search.simulated.probes) expect(probe.pass).toBe(probe.actual !== null && probe.actual < 5);
    const { highestPassing, lowestFailing } = search.simulated;
    expect(highestPassing).not.toBeNull();
    expect(lowestFailing).not.toBeNull();
    expect(highestPassing!).toBeLessThan(lowestFailing!);
    // analytic: per key μ = 500/s and ln(ρ/0.01)/(μ − λ) = 5 ms at λ ≈ 47.9/s, so ≈ 479/s in all (M/M/1 is exact for
    // this queue, so the simulation lands near it)
    const perKey = search.analytic.requestRate! / 10;
    expect(Math.log(perKey / 500 / 0.01) / (500 - perKey)).toBeCloseTo(0.005, 9);
    expect(search.analytic.level).toBeGreaterThan(0.8 * highestPassing!);
    expect(search.analytic.level).toBeLessThan(1.25 * lowestFailing!);
    expect(stdout).toMatch(/find-max-rate latency\.acquire\.p99<5ms/);
  });
});

describe('lockbench plan, the built CLI', () => {
  it('prints the plan and writes plan.json (exit 0); a rate search that finds nothing exits 99; a bad flag exits 2', async () => {
    const out = tempDir();
    const ok = await runCli(['plan', tenKeys(), '--out', out]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('hot keys');
    expect(existsSync(join(out, 'plan.json'))).toBe(true);

    const none = await runCli(['plan', tenKeys(), '--out', tempDir(), '--find-max-rate', '--slo', 'latency.acquire.p99<1us', '--probes', '3', '-q']);
    expect(none.code).toBe(99);
    expect(none.stderr).toContain('no simulated rate met latency.acquire.p99<1us');

    const bad = await runCli(['plan', tenKeys(), '--top', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  }, 30_000);
});
