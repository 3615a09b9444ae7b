import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDuration, loadScenarioFile, loadScenarioText, parseDuration, REPORT_METRIC_PATHS } from '../src/scenario/index.js';

const lines = (...rows: string[]): string => rows.join('\n') + '\n';
const load = (text: string, options = {}) => loadScenarioText(text, 'file.yaml', { defaultWorkers: 3, env: {}, ...options }).scenario;

const tatkal = lines(
  'name: tatkal-10am',
  'seed: 42',
  'workers: 2',
  'phases:',
  '  - { name: pre-open,  duration: 10s, rate: 200 }',
  '  - { name: opening,   duration: 5s,  rate: 200, rampTo: 20000 }',
  '  - { name: sustained, duration: 30s, rate: 5000, arrival: poisson }',
  'maxInFlight: 50000',
  'resources: { count: 1200, key: "train:12951:seat:{id}", pick: { type: zipf, s: 1.1 } }',
  'lock:',
  '  ttl: 30s',
  '  acquireTimeout: 2s',
  '  retry: { strategy: exponential, base: 10ms, max: 500ms }',
  '  renew: { every: 10s }',
  'hold:',
  '  type: mix',
  '  of:',
  '    - { weight: 6, name: upi, dist: { type: uniform, min: 3s, max: 5s } }',
  '    - { weight: 2, dist: { type: lognormal, median: 10s, p99: 30s } }',
  '    - { weight: 2, dist: 1.5s }',
  'thresholds:',
  '  latency.acquire.p99: "< 100ms"',
  '  rates.successRate: "> 0.99"',
  '  totals.violations: "== 0"',
  '  queueing.meanWaitMs: "<= 2s"',
);

describe('durations', () => {
  it('parses every unit, decimals and a bare 0', () => {
    expect(parseDuration('250us')).toBe(0.25);
    expect(parseDuration('10ms')).toBe(10);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('1.1s')).toBe(1100);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('0')).toBe(0);
  });

  it('rejects a missing or unknown unit and negative values with a message', () => {
    expect(() => parseDuration('10')).toThrow('a duration needs a unit: us, ms, s, m, h (e.g. 250ms)');
    expect(() => parseDuration('10d')).toThrow('needs a unit');
    expect(() => parseDuration('-5ms')).toThrow('negative');
  });

  it('formats with the largest unit that keeps the number at least 1', () => {
    expect(formatDuration(0.25)).toBe('250us');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(10)).toBe('10ms');
    expect(formatDuration(90_000)).toBe('1.5m');
    expect(formatDuration(7_200_000)).toBe('2h');
    expect(formatDuration(0)).toBe('0ms');
  });
});

describe('a full scenario', () => {
  it('resolves every section to milliseconds', () => {
    const s = load(tatkal);
    expect(s.name).toBe('tatkal-10am');
    expect(s.seed).toBe(42);
    expect(s.workers).toBe(2);
    expect(s.load).toEqual({
      model: 'open',
      phases: [
        { name: 'pre-open', durationMs: 10_000, rate: 200, rampTo: 200, arrival: 'uniform' },
        { name: 'opening', durationMs: 5_000, rate: 200, rampTo: 20_000, arrival: 'uniform' },
        { name: 'sustained', durationMs: 30_000, rate: 5_000, rampTo: 5_000, arrival: 'poisson' },
      ],
    });
    expect(s.maxInFlight).toBe(50_000);
    expect(s.resources).toEqual({ count: 1200, key: 'train:12951:seat:{id}', pick: { type: 'zipf', s: 1.1 } });
    expect(s.lock).toEqual({
      mode: 'single',
      ttlMs: 30_000,
      acquireTimeoutMs: 2_000,
      retry: { strategy: 'exponential', baseMs: 10, maxMs: 500 },
      renew: { everyMs: 10_000 },
      permits: 1,
    });
    expect(s.hold).toEqual({
      type: 'mix',
      of: [
        { weight: 6, name: 'upi', dist: { type: 'uniform', min: 3_000, max: 5_000 } },
        { weight: 2, name: 'component-2', dist: { type: 'lognormal', median: 10_000, p99: 30_000 } },
        { weight: 2, name: 'component-3', dist: { type: 'constant', value: 1_500 } },
      ],
    });
  });

  it('parses thresholds in file order, durations in ms', () => {
    expect(load(tatkal).thresholds).toEqual([
      { metric: 'latency.acquire.p99', op: '<', value: 100, source: '< 100ms' },
      { metric: 'rates.successRate', op: '>', value: 0.99, source: '> 0.99' },
      { metric: 'totals.violations', op: '==', value: 0, source: '== 0' },
      { metric: 'queueing.meanWaitMs', op: '<=', value: 2_000, source: '<= 2s' },
    ]);
  });

  it('hashes the text and locates fields by dotted path', () => {
    const loaded = loadScenarioText(tatkal, 'file.yaml', { env: {} });
    expect(loaded.file).toBe('file.yaml');
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loadScenarioText(tatkal + '# changed\n', 'file.yaml', { env: {} }).sha256).not.toBe(loaded.sha256);
    expect(loaded.locate('phases.1.rate')).toEqual({ line: 6, col: 45 });
    expect(loaded.locate('lock.ttl')).toEqual({ line: 11, col: 8 });
    // a field left to its default points at its nearest written parent
    expect(loaded.locate('lock.mode')).toEqual({ line: 11, col: 3 });
  });
});

describe('defaults', () => {
  it('fills in every default of a minimal open-model file', () => {
    const s = load(lines('name: minimal', 'phases:', '  - duration: 1s', '    rate: 10'));
    expect(s).toEqual({
      name: 'minimal',
      description: '',
      seed: 1,
      backend: { type: 'memory' },
      workers: 3,
      load: { model: 'open', phases: [{ name: 'phase-1', durationMs: 1_000, rate: 10, rampTo: 10, arrival: 'uniform' }] },
      maxInFlight: 10_000,
      maxBacklog: 100_000,
      resources: { count: 1, key: 'resource:{id}', pick: { type: 'uniform' } },
      lock: { mode: 'single', ttlMs: 30_000, acquireTimeoutMs: 5_000, retry: { strategy: 'exponential-jitter', baseMs: 10, maxMs: 500 }, permits: 1 },
      hold: { type: 'constant', value: 0 },
      timeScale: 1,
      drainMs: 30_000,
      thresholds: [],
      report: { dir: 'reports', formats: ['json', 'md', 'html'] },
    });
  });

  it('defaults the closed model think time to 0 and workers to the available cores', () => {
    const loaded = loadScenarioText(lines('name: closed', 'users: 50', 'duration: 1m'), 'file.yaml', { env: {} });
    expect(loaded.scenario.load).toEqual({ model: 'closed', users: 50, durationMs: 60_000, thinkTime: { type: 'constant', value: 0 } });
    expect(loaded.scenario.workers).toBeGreaterThanOrEqual(1);
  });

  it('fills per-strategy retry defaults and the pick shorthand', () => {
    const s = load(lines('name: r', 'users: 1', 'duration: 1s', 'resources: { pick: uniform }', 'lock:', '  retry: { strategy: exponential-jitter }'));
    expect(s.lock.retry).toEqual({ strategy: 'exponential-jitter', baseMs: 10, maxMs: 1_000 });
    expect(s.resources.pick).toEqual({ type: 'uniform' });
    expect(load(lines('name: r', 'users: 1', 'duration: 1s', 'lock: { retry: { strategy: fixed } }')).lock.retry).toEqual({ strategy: 'fixed', delayMs: 10 });
    expect(load(lines('name: r', 'users: 1', 'duration: 1s', 'lock: { mode: none, retry: { strategy: none } }')).lock).toMatchObject({
      mode: 'none',
      retry: { strategy: 'none' },
    });
  });

  it('keeps hotspot picks, memory backend options and the sim section', () => {
    const s = load(
      lines(
        'name: h',
        'users: 1',
        'duration: 1s',
        'resources: { count: 100, pick: { type: hotspot, hotKeys: 0.1, hotTraffic: 0.9 } }',
        'backend: { type: memory, rtt: { type: exponential, mean: 2ms }, capacity: 64 }',
        'sim: { rtt: 1ms, serviceTime: { type: exponential, mean: 50us }, capacity: 20000, discipline: fifo }',
      ),
    );
    expect(s.resources.pick).toEqual({ type: 'hotspot', hotKeys: 0.1, hotTraffic: 0.9 });
    expect(s.backend).toEqual({ type: 'memory', rtt: { type: 'exponential', mean: 2 }, capacity: 64 });
    expect(s.sim).toEqual({ rtt: { type: 'constant', value: 1 }, serviceTime: { type: 'exponential', mean: 0.05 }, capacity: 20_000, discipline: 'fifo' });
  });

  it('resolves a module backend path against the scenario folder', () => {
    const text = lines('name: m', 'users: 1', 'duration: 1s', 'backend: { type: module, path: ./my-lock.js, options: { url: x } }');
    const s = loadScenarioText(text, '/scenarios/team/file.yaml', { env: {} }).scenario;
    expect(s.backend).toEqual({ type: 'module', path: '/scenarios/team/my-lock.js', options: { url: 'x' } });
  });
});

describe('timeScale', () => {
  const text = lines(
    'name: scaled',
    'timeScale: 0.01',
    'phases: [{ duration: 10s, rate: 200, rampTo: 400 }]',
    'lock: { ttl: 30s, acquireTimeout: 2s, retry: { strategy: exponential, base: 10ms, max: 500ms }, renew: { every: 10s } }',
    'hold: { type: uniform, min: 1s, max: 2s }',
    'backend: { type: memory, rtt: 100ms }',
    'drain: 5s',
  );

  it('multiplies every duration of the file but not the rates', () => {
    const s = load(text);
    expect(s.timeScale).toBe(0.01);
    expect(s.load).toEqual({ model: 'open', phases: [{ name: 'phase-1', durationMs: 100, rate: 200, rampTo: 400, arrival: 'uniform' }] });
    expect(s.lock).toEqual({ mode: 'single', ttlMs: 300, acquireTimeoutMs: 20, retry: { strategy: 'exponential', baseMs: 0.1, maxMs: 5 }, renew: { everyMs: 100 }, permits: 1 });
    expect(s.hold).toEqual({ type: 'uniform', min: 10, max: 20 });
    expect(s.backend).toEqual({ type: 'memory', rtt: { type: 'constant', value: 1 } });
    expect(s.drainMs).toBe(50);
  });

  it('scales the closed model duration and think time, and defaults too', () => {
    const s = load(lines('name: c', 'timeScale: 0.5', 'users: 5', 'duration: 1m', 'thinkTime: { type: exponential, mean: 50ms }'));
    expect(s.load).toEqual({ model: 'closed', users: 5, durationMs: 30_000, thinkTime: { type: 'exponential', mean: 25 } });
    expect(s.drainMs).toBe(15_000);
    expect(s.lock.ttlMs).toBe(15_000);
  });

  it('takes --time-scale over the file', () => {
    const s = load(text, { timeScale: 2 });
    expect(s.timeScale).toBe(2);
    expect(s.lock.ttlMs).toBe(60_000);
  });
});

describe('--duration', () => {
  const phases = lines(
    'name: d',
    'phases:',
    '  - { name: warm, duration: 10s, rate: 100 }',
    '  - { name: ramp, duration: 10s, rate: 100, rampTo: 300 }',
    '  - { name: hold, duration: 10s, rate: 300 }',
  );

  it('cuts the schedule, ending a straddling phase at the rate reached there', () => {
    const { load: spec } = load(phases, { durationMs: 15_000 });
    expect(spec).toEqual({
      model: 'open',
      phases: [
        { name: 'warm', durationMs: 10_000, rate: 100, rampTo: 100, arrival: 'uniform' },
        { name: 'ramp', durationMs: 5_000, rate: 100, rampTo: 200, arrival: 'uniform' },
      ],
    });
  });

  it('lengthens the last phase, keeping its end rate', () => {
    const { load: spec } = load(phases, { durationMs: 45_000 });
    expect(spec.model === 'open' && spec.phases.map((p) => [p.name, p.durationMs, p.rampTo])).toEqual([
      ['warm', 10_000, 100],
      ['ramp', 10_000, 300],
      ['hold', 25_000, 300],
    ]);
  });

  it('is the real run length, applied after timeScale', () => {
    const { load: spec } = load(phases, { timeScale: 0.1, durationMs: 1_500 });
    expect(spec.model === 'open' && spec.phases.map((p) => [p.name, p.durationMs])).toEqual([
      ['warm', 1_000],
      ['ramp', 500],
    ]);
  });

  it('sets the closed model duration, which the file may then omit', () => {
    expect(load(lines('name: c', 'users: 2', 'duration: 1m', 'timeScale: 0.1'), { durationMs: 2_000 }).load).toMatchObject({ durationMs: 2_000 });
    expect(load(lines('name: c', 'users: 2'), { durationMs: 3_000 }).load).toMatchObject({ model: 'closed', durationMs: 3_000 });
  });
});

describe('--set', () => {
  const base = lines('name: s', 'phases:', '  - { duration: 1s, rate: 10 }');

  it('overrides values by path, parsing them as YAML', () => {
    const s = load(base, { set: ['phases.0.rate=300', 'lock.ttl=2s', 'name=other', 'resources.pick={type: zipf, s: 1.2}'] });
    expect(s.load.model === 'open' && s.load.phases[0].rate).toBe(300);
    expect(s.lock.ttlMs).toBe(2_000);
    expect(s.name).toBe('other');
    expect(s.resources.pick).toEqual({ type: 'zipf', s: 1.2 });
  });

  it('creates missing maps along the path', () => {
    expect(load(base, { set: ['lock.renew.every=5s'] }).lock.renew).toEqual({ everyMs: 5_000 });
  });
});

describe('environment variables', () => {
  it('expands ${VAR} and ${VAR:-default}, typing unquoted values', () => {
    const text = lines('name: env-${RUN}', 'seed: ${SEED:-7}', 'description: "rate ${RATE:-none}"', 'phases:', '  - duration: ${LEN:-2s}', '    rate: ${RATE}');
    const s = load(text, { env: { RUN: 'nightly', RATE: '250' } });
    expect(s.name).toBe('env-nightly');
    expect(s.seed).toBe(7);
    expect(s.description).toBe('rate 250');
    expect(s.load).toMatchObject({ phases: [{ durationMs: 2_000, rate: 250 }] });
  });

  it('reads process.env when no env is given', () => {
    process.env.LOCKBENCH_TEST_USERS = '9';
    try {
      const s = loadScenarioText(lines('name: e', 'users: ${LOCKBENCH_TEST_USERS}', 'duration: 1s'), 'file.yaml').scenario;
      expect(s.load).toMatchObject({ users: 9 });
    } finally {
      delete process.env.LOCKBENCH_TEST_USERS;
    }
  });
});

describe('loadScenarioFile', () => {
  it('reads the file and keeps the path as given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockbench-scenario-'));
    const file = join(dir, 'run.yaml');
    await writeFile(file, lines('name: from-disk', 'users: 1', 'duration: 1s', 'backend: { type: module, path: lock.mjs }'));
    const loaded = await loadScenarioFile(file, { env: {} });
    expect(loaded.file).toBe(file);
    expect(loaded.scenario.name).toBe('from-disk');
    expect(loaded.scenario.backend).toMatchObject({ path: join(dir, 'lock.mjs') });
  });
});

describe('REPORT_METRIC_PATHS', () => {
  it('lists latency, totals, rates, queueing, durationMs and the counted lists', () => {
    expect(REPORT_METRIC_PATHS).toContain('latency.endToEnd.p9999');
    expect(REPORT_METRIC_PATHS).toContain('totals.lostLeases');
    expect(REPORT_METRIC_PATHS).toContain('rates.contentionRate');
    expect(REPORT_METRIC_PATHS).toContain('queueing.littleError');
    expect(REPORT_METRIC_PATHS).toContain('durationMs');
    expect(REPORT_METRIC_PATHS).toContain('queueing.completionRate');
    expect(REPORT_METRIC_PATHS).toContain('safety.overlaps');
    expect(REPORT_METRIC_PATHS).toContain('safety.resource.oversells');
    expect(REPORT_METRIC_PATHS).toContain('safety.violations.staleWritesAccepted');
    expect(REPORT_METRIC_PATHS).toContain('retries.attemptsPerAcquisition');
    expect(REPORT_METRIC_PATHS).toContain('faults.crashes.blockedMeanMs');
    // latency, 16 totals, rates, queueing, durationMs, 3 counted lists and safety.overlapMs, safety.violations.*,
    // safety.resource.*, retries (3 + perGrant/perFailure × 6), faults.crashes.*
    expect(REPORT_METRIC_PATHS).toHaveLength(4 * 11 + 16 + 4 + 8 + 1 + 3 + 1 + 6 + 18 + 3 + 12 + 4);
  });
});
