/** Client faults on the timeline and retry strategies under a hot key, as a user runs them (built CLI). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReport, runClaim } from './helpers/claims.js';
import { runCli, tempDir, writeScenario } from './helpers/cli.js';

describe('client faults', () => {
  it('crashed holders leave ghost locks: the report shows how long their keys stayed blocked (until the TTL)', async () => {
    const report = await runClaim('client-crash', ['--format', 'json,html']);
    const crashes = report.faults!.crashes;
    expect(crashes.count).toBeGreaterThan(0);
    expect(crashes.count).toBe(report.faults!.windows[0].hits);
    // ttl 500 ms, holds of 5–15 ms: each key was blocked for nearly the whole TTL after its holder died
    expect(crashes.blockedMeanMs).toBeGreaterThan(300);
    expect(crashes.blockedMaxMs).toBeLessThanOrEqual(500);
    expect(crashes.examples[0].ghostMs).toBeGreaterThan(0);
    expect(report.totals.violations).toBe(0);
    // other clients got the keys back only after the TTL
    if (crashes.reclaimed > 0) expect(crashes.reclaimedAfterMeanMs).toBeGreaterThan(300);
  });

  it('an event-loop block stalls a worker: its leases lapse, the other worker overlaps; the window is in the report and on the charts', async () => {
    const out = join(tempDir(), 'blocked');
    const file = writeScenario(`
name: loop-block
workers: 2
users: 40
duration: 1500ms
resources: { count: 16, key: "key:{id}" }
resource: { type: counter }
lock: { ttl: 100ms, acquireTimeout: 1s, retry: { strategy: exponential-jitter, base: 1ms, max: 10ms } }
hold: 30ms
faults:
  - { at: 500ms, type: event-loop-block, duration: 400ms, fraction: 0.5 }
`);
    const result = await runCli(['run', file, '--out', out, '-q', '--format', 'json,html,md']);
    expect(result.code, result.stderr).toBe(0);
    const report = readReport(out);
    expect(report.faults!.windows).toEqual([{ type: 'event-loop-block', atMs: 500, durationMs: 400, fraction: 0.5, hits: 1 }]);
    expect(report.safety.overlaps).toBeGreaterThan(0);
    expect(report.totals.expired).toBeGreaterThan(0);
    expect(report.generator.workers.some((worker) => worker.eventLoopLagMaxMs >= 300)).toBe(true);
    // a saturation warning, if the lag crossed a limit, must name the fault as the cause
    if (report.generator.saturated) expect(report.warnings.join('\n')).toContain('event-loop-block faults');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/<g class="band fault"><title>event-loop-block/);
    expect(html).toContain('id="faults"');
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('fault event-loop-block at 500ms for 400ms on 50% of worker threads: 1 worker thread(s) blocked');
  });
});

describe('retries under a hot key', () => {
  it('no backoff is a retry storm; exponential jitter and a circuit breaker take far fewer attempts per acquisition', async () => {
    const dir = tempDir();
    const storm = await runClaim('retry-storm', [], join(dir, 'storm'));
    const backoff = await runClaim('retry-backoff', [], join(dir, 'backoff'));
    const breaker = await runClaim('retry-breaker', ['--format', 'json,html'], join(dir, 'breaker'));
    for (const report of [storm, backoff, breaker]) expect(report.totals.violations).toBe(0);
    expect(storm.retries!.attemptsPerAcquisition).toBeGreaterThan(3 * backoff.retries!.attemptsPerAcquisition);
    expect(storm.retries!.perGrant.max).toBeGreaterThan(backoff.retries!.perGrant.max);
    // the storm shows per second too
    expect(storm.series.reduce((sum, point) => sum + (point.attempts ?? 0), 0)).toBe(storm.totals.attempts);

    // the breaker opened, failed requests fast, and closed again after probes: its history is in the report
    const history = breaker.retries!.breaker!;
    expect(history.opened).toBeGreaterThan(0);
    expect(history.transitions[0]).toMatchObject({ from: 'closed', to: 'open' });
    expect(history.transitions.some((t) => t.from === 'half-open')).toBe(true);
    expect(breaker.totals.rejected).toBeGreaterThan(0);
    expect(breaker.totals.failed).toBe(breaker.totals.timeouts + breaker.totals.errors + breaker.totals.rejected);
    expect(breaker.retries!.attemptsPerAcquisition).toBeLessThan(storm.retries!.attemptsPerAcquisition);
    expect(breaker.series.some((point) => (point.breakerOpen ?? 0) > 0)).toBe(true);
    // failing fast trades success rate for load on the lock service: the difference shows
    expect(breaker.rates.successRate).toBeLessThan(backoff.rates.successRate);
    const html = readFileSync(join(dir, 'breaker', 'report.html'), 'utf8');
    expect(html).toContain('Circuit breakers open or half-open');
    expect(html).toContain('Circuit-breaker state changes');

    // lockbench compare puts the storm and the backoff side by side: attempts per acquisition and success rate
    const compared = await runCli(['compare', join(dir, 'storm'), join(dir, 'backoff')]);
    expect(compared.code, compared.stderr).toBe(0);
    expect(compared.stdout).toMatch(/│ success rate\s+│\s+[\d.]+%\s+│\s+[\d.]+%/);
    expect(compared.stdout).toMatch(/│ attempts\/acquisition\s+│\s+[\d.,]+\s+│\s+[\d.,]+\s+│\s+-\d/);
  });
});
