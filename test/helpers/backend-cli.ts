/**
 * The CLI cases every backend test file has: an unreachable server (exit 3,
 * one stderr line naming host:port, never a secret), the report.json of an
 * --out dir, and a run that lives through its server being killed (and
 * started again) in the middle.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, type TestContext } from 'vitest';
import { monotonicMs, sleep } from '../../src/clock.js';
import type { Report } from '../../src/report/index.js';
import type { CliResult } from './cli.js';
import { accountedArrivals } from './run.js';
import { waitUntil } from './server-process.js';

/** The report.json a run wrote into its --out dir. */
export function readReport(dir: string): Report {
  return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
}

/**
 * For a describe block that needs a server: its beforeAll awaits `ensure`
 * (undefined once the server runs, or the reason to skip); returns the check
 * each of its tests makes first.
 */
export function skipUnlessServer(ensure: () => Promise<{ skip: string } | undefined | void>): (context: TestContext) => void {
  let skipReason: string | undefined;
  beforeAll(async () => {
    skipReason = (await ensure())?.skip;
  });
  return (context) => {
    if (skipReason) context.skip(skipReason);
  };
}

/**
 * A run against an unreachable server: exit 3 and a single stderr line naming
 * `address` (host:port); none of `secrets` in stdout or stderr. Returns that line.
 */
export function expectUnreachableExit(result: CliResult, address: string, secrets: readonly string[] = []): string {
  expect(result.code, result.stderr).toBe(3);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toContain(address);
  for (const secret of secrets) expect(result.stderr + result.stdout).not.toContain(secret);
  return lines[0];
}

/**
 * Kills the server of a running CLI run and starts it again: once `connected()`
 * says the run is under way, waits `upMs`, kills it, keeps it down for `downMs`
 * and restarts it. Returns the seconds from the run being connected to the kill.
 */
export async function outageDuringRun(options: {
  connected: () => Promise<boolean>;
  kill: () => Promise<void>;
  restart: () => Promise<void>;
  upMs: number;
  downMs: number;
}): Promise<number> {
  await waitUntil(options.connected, 15_000, 'the run to connect');
  const runStartedAt = monotonicMs();
  await sleep(options.upMs);
  await options.kill();
  const killedAfterS = (monotonicMs() - runStartedAt) / 1000;
  await sleep(options.downMs);
  await options.restart();
  return killedAfterS;
}

/**
 * The report of a run whose server was killed mid-run: written, with grants
 * (before the kill), errors (while the server was down), no violations, the
 * outage (seconds with errors and no grant) in report.backend.outages, and a
 * warning that matches `warning` (the first error, naming the server).
 */
export function expectOutageReport(out: string, warning: string | RegExp): Report {
  expect(existsSync(join(out, 'report.json'))).toBe(true);
  const report = readReport(out);
  expect(report.totals.acquired, 'locks granted before the kill').toBeGreaterThan(0);
  expect(report.totals.errors, 'operations failed while the server was down').toBeGreaterThan(0);
  expect(report.totals.violations).toBe(0);
  expect(report.backend.outages?.length, 'seconds with errors and no grants').toBeGreaterThan(0);
  if (typeof warning === 'string') expect(report.warnings.join('\n')).toContain(warning);
  else expect(report.warnings.join('\n')).toMatch(warning);
  return report;
}

/** Locks were granted again from second `fromSecond` of the run on (after a restart). */
export function expectGrantsFrom(report: Report, fromSecond: number): void {
  const after = report.series.filter((point) => point.t >= fromSecond);
  expect(after.reduce((sum, point) => sum + point.acquired, 0), JSON.stringify(report.series)).toBeGreaterThan(0);
}

/**
 * The scenario of the kill-and-restart case: two workers at 150 arrivals/s
 * over 200 keys for `duration`, 1 s acquire timeout with quick retries.
 */
export function outageScenario(name: string, backend: string, duration: string): string {
  return `
name: ${name}
seed: 9
backend: ${backend}
workers: 2
phases: [{ duration: ${duration}, rate: 150 }]
resources: { count: 200 }
lock: { acquireTimeout: 1s, retry: { strategy: exponential-jitter, base: 5ms, max: 50ms } }
hold: 5ms
drain: 3s
`;
}

/**
 * A backend without TTL whose holders lost their connections mid-run: at least
 * `lost` lost leases, each counted by the backend's `lostStat`, no more than
 * `maxViolations` overlaps, nothing expired, and the report says there is no TTL.
 */
export function expectLostLeasesReport(report: Report, options: { lost: number; lostStat: string; maxViolations: number }): void {
  expect(report.totals.lostLeases).toBeGreaterThanOrEqual(options.lost);
  expect(report.backend.stats?.[options.lostStat]).toBe(report.totals.lostLeases);
  expect(report.totals.violations).toBeLessThanOrEqual(options.maxViolations);
  expect(report.totals.expired, 'no ttl: nothing expires').toBe(0);
  expect(report.totals.acquired).toBeGreaterThan(report.totals.lostLeases);
  expect(accountedArrivals(report)).toBe(report.totals.arrivals);
  expect(String(report.backend.notes), 'the report says there is no TTL').toMatch(/no TTL/);
}
