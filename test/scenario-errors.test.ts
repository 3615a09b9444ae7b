import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../src/errors.js';
import { loadScenarioFile, loadScenarioText, type LoadOptions } from '../src/scenario/index.js';

const lines = (...rows: string[]): string => rows.join('\n') + '\n';
/** A valid closed-model head to which each case adds its one mistake. */
const head = ['name: bad', 'users: 3', 'duration: 1s'];

function errorOf(text: string, options: LoadOptions = {}): ScenarioError {
  try {
    loadScenarioText(text, 'file.yaml', { env: {}, defaultWorkers: 1, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    const scenarioError = error as ScenarioError;
    expect(scenarioError.message).not.toContain('\n');
    expect(scenarioError.exitCode).toBe(2);
    return scenarioError;
  }
  throw new Error('expected a ScenarioError, the scenario loaded');
}

/** Asserts `file.yaml:<line>:<col>: <path>: ` and returns the rest of the message. */
function expectAt(error: ScenarioError, line: number, col: number, path: string): string {
  const prefix = `file.yaml:${line}:${col}: ${path ? path + ': ' : ''}`;
  expect(error.message).toMatch(/^file\.yaml:\d+:\d+: /);
  expect(error.message.startsWith(prefix), `${error.message}\n  should start with ${prefix}`).toBe(true);
  expect(error.location).toMatchObject({ file: 'file.yaml', line, col, path });
  return error.message.slice(prefix.length);
}

describe('YAML and file problems', () => {
  it('reports a syntax error at the YAML line:col', () => {
    const error = errorOf(lines('name: bad', 'phases:', '  - { duration: 1s, rate: 5', 'seed: 1'));
    expect(expectAt(error, 4, 1, '')).toMatch(/^YAML syntax error: /);
  });

  it('rejects a file whose top level is not a map', () => {
    expect(expectAt(errorOf('- just\n- a list\n'), 1, 1, '')).toContain('not a map');
    expect(expectAt(errorOf(''), 1, 1, '')).toContain('empty');
  });

  it('names a file that does not exist', async () => {
    await expect(loadScenarioFile('/nonexistent/run.yaml')).rejects.toThrow(new ScenarioError('/nonexistent/run.yaml: cannot read scenario file: no such file'));
  });
});

describe('types and ranges', () => {
  it('reports a wrong type with what was expected', () => {
    expect(expectAt(errorOf(lines(...head, 'seed: many')), 4, 7, 'seed')).toBe("expected an integer, got 'many'");
    expect(expectAt(errorOf(lines(...head, 'seed: 1.5')), 4, 7, 'seed')).toBe('expected an integer, got 1.5');
    expect(expectAt(errorOf(lines(...head, 'lock: fast')), 4, 7, 'lock')).toBe("expected a map, got 'fast'");
  });

  it('reports a negative rate at the rate', () => {
    const error = errorOf(lines('name: bad', 'phases:', '  - { duration: 1s, rate: 100 }', '  - { duration: 1s, rate: -5 }'));
    expect(expectAt(error, 4, 27, 'phases.1.rate')).toBe('must be ≥ 0, got -5');
  });

  it('checks name, resources and pick bounds', () => {
    expect(expectAt(errorOf(lines('name: my run', 'users: 1', 'duration: 1s')), 1, 7, 'name')).toContain('letters, digits');
    expect(expectAt(errorOf(lines(...head, 'resources: { key: "seat" }')), 4, 19, 'resources.key')).toContain("must contain '{id}'");
    expect(expectAt(errorOf(lines(...head, 'resources: { pick: { type: hotspot, hotKeys: 1, hotTraffic: 0.5 } }')), 4, 46, 'resources.pick.hotKeys')).toBe(
      'must be < 1, got 1',
    );
    expect(expectAt(errorOf(lines(...head, 'resources: { pick: zipf }')), 4, 20, 'resources.pick.s')).toBe('is required');
  });

  it('points a missing required field at its parent map', () => {
    const error = errorOf(lines(...head, 'backend:', '  type: module', '  options: {}'));
    expect(expectAt(error, 5, 3, 'backend.path')).toBe('is required');
    expect(expectAt(errorOf(lines('users: 1', 'duration: 1s')), 1, 1, 'name')).toBe('is required');
  });
});

describe('unknown and unsupported keys', () => {
  it('suggests the closest key', () => {
    expect(expectAt(errorOf(lines(...head, 'hodl: 5ms')), 4, 1, 'hodl')).toBe("unknown key 'hodl'; did you mean 'hold'?");
    expect(expectAt(errorOf(lines('name: bad', 'phases:', '  - { duration: 1s, rate: 5, rampto: 9 }')), 3, 30, 'phases.0.rampto')).toBe(
      "unknown key 'rampto'; did you mean 'rampTo'?",
    );
  });

  it('lists the allowed keys when nothing is close', () => {
    const message = expectAt(errorOf(lines(...head, 'lock:', '  maxAttempts: 3')), 5, 3, 'lock.maxAttempts');
    expect(message).toBe("unknown key 'maxAttempts' (allowed: mode, ttl, acquireTimeout, retry, renew, keys, permits)");
  });

  it('checks the keys of a matrix variant', () => {
    expect(expectAt(errorOf(lines(...head, 'matrix:', '  - { workers: 1 }')), 5, 7, 'matrix.0.workers')).toBe("unknown key 'workers' (allowed: name, description, set)");
  });
});

describe('load model', () => {
  it('needs phases or users', () => {
    expect(expectAt(errorOf(lines('name: bad', 'seed: 3')), 1, 1, '')).toMatch(/needs 'phases' .* or 'users'/);
  });

  it('rejects phases and users together', () => {
    const error = errorOf(lines('name: bad', 'phases: [{ duration: 1s, rate: 1 }]', 'users: 4'));
    expect(expectAt(error, 3, 1, 'users')).toMatch(/use either 'phases' .* or 'users' .*not both/);
  });

  it('rejects duration with phases and requires it with users', () => {
    expect(expectAt(errorOf(lines('name: bad', 'phases: [{ duration: 1s, rate: 1 }]', 'duration: 5s')), 3, 1, 'duration')).toContain('closed model');
    expect(expectAt(errorOf(lines('name: bad', 'users: 4')), 1, 1, 'duration')).toContain("is required with 'users'");
  });
});

describe('durations', () => {
  it('rejects a bare number', () => {
    expect(expectAt(errorOf(lines('name: bad', 'users: 3', 'duration: 10')), 3, 11, 'duration')).toBe(
      'a duration needs a unit: us, ms, s, m, h (e.g. 250ms), got 10',
    );
  });

  it('rejects an unknown unit and a negative duration', () => {
    expect(expectAt(errorOf(lines(...head, 'lock: { ttl: 10sec }')), 4, 14, 'lock.ttl')).toContain('a duration needs a unit');
    expect(expectAt(errorOf(lines(...head, 'drain: -1s')), 4, 8, 'drain')).toContain('negative');
  });

  it('rejects a zero duration where time must pass', () => {
    expect(expectAt(errorOf(lines('name: bad', 'phases: [{ duration: 0, rate: 1 }]')), 2, 22, 'phases.0.duration')).toContain('> 0');
  });

  it('checks the relations between durations', () => {
    expect(expectAt(errorOf(lines(...head, 'lock: { ttl: 5s, renew: { every: 5s } }')), 4, 34, 'lock.renew.every')).toContain('shorter than ttl');
    expect(expectAt(errorOf(lines(...head, 'lock: { retry: { strategy: exponential, base: 1s, max: 10ms } }')), 4, 56, 'lock.retry.max')).toBe('must be ≥ base');
    expect(expectAt(errorOf(lines(...head, 'hold: { type: uniform, min: 2s, max: 1s }')), 4, 38, 'hold.max')).toBe('must be ≥ min');
  });
});

describe('distributions', () => {
  it('rejects a lognormal whose p99 is not above its median', () => {
    const error = errorOf(lines(...head, 'hold:', '  type: lognormal', '  median: 20ms', '  p99: 20ms'));
    expect(expectAt(error, 7, 8, 'hold.p99')).toContain('greater than median');
  });

  it('suggests a known distribution type', () => {
    expect(expectAt(errorOf(lines(...head, 'hold: { type: unifrom, min: 1s, max: 2s }')), 4, 15, 'hold.type')).toMatch(/did you mean 'uniform'\?/);
  });

  it('rejects a mix inside a mix and duplicate component names', () => {
    const nested = errorOf(lines(...head, 'hold:', '  type: mix', '  of:', '    - { weight: 1, dist: { type: mix, of: [] } }'));
    expect(expectAt(nested, 7, 34, 'hold.of.0.dist.type')).toContain('cannot itself be a mix');
    const twice = errorOf(lines(...head, 'hold:', '  type: mix', '  of:', '    - { weight: 1, name: a, dist: 1s }', '    - { weight: 2, name: a, dist: 2s }'));
    expect(expectAt(twice, 8, 26, 'hold.of.1.name')).toContain('used twice');
  });

  it('reports a bad shorthand where it is written', () => {
    expect(expectAt(errorOf(lines(...head, 'hold: 10')), 4, 7, 'hold')).toContain('a duration needs a unit');
  });
});

describe('backends', () => {
  it('rejects a URL of the wrong scheme, saying which are allowed', () => {
    const error = errorOf(lines(...head, 'backend:', '  type: redis', '  url: http://127.0.0.1:6379'));
    expect(expectAt(error, 6, 8, 'backend.url')).toBe("scheme 'http' is not allowed (allowed: redis, rediss)");
  });

  it('never repeats a URL (it may hold a password) in its message', () => {
    const error = errorOf(lines(...head, 'backend:', '  type: postgres', '  url: "postgres://u:s3cret@"'));
    expect(error.message).not.toContain('s3cret');
    expect(expectAt(error, 6, 8, 'backend.url')).toContain('is not a URL');
  });

  it('checks every node of a comma-separated URL list', () => {
    const error = errorOf(lines(...head, 'backend:', '  type: redlock', '  urls: "redis://127.0.0.1:7001,redis://127.0.0.1:7002,mysql://127.0.0.1"'));
    expect(error.message).toContain("backend.urls.2: scheme 'mysql' is not allowed (allowed: redis, rediss)");
  });

  it("suggests the closest key of the backend's own options", () => {
    const error = errorOf(lines(...head, 'backend:', '  type: redis', '  url: redis://127.0.0.1:6379', '  keyprefix: "x:"'));
    expect(expectAt(error, 7, 3, 'backend.keyprefix')).toBe("unknown key 'keyprefix'; did you mean 'keyPrefix'?");
  });

  it('rejects an unknown backend with a suggestion', () => {
    expect(expectAt(errorOf(lines(...head, 'backend: { type: memroy }')), 4, 18, 'backend.type')).toBe(
      "unknown type 'memroy'; did you mean 'memory'? (allowed: 'memory', 'module', 'redis', 'redlock', 'redis-cluster', 'postgres', 'mysql', 'etcd', 'zookeeper')",
    );
  });
});

describe('thresholds', () => {
  it('rejects an unknown metric at its key, with a suggestion', () => {
    const error = errorOf(lines(...head, 'thresholds:', '  latency.aquire.p99: "< 100ms"'));
    expect(expectAt(error, 5, 3, 'thresholds.latency.aquire.p99')).toBe("unknown metric 'latency.aquire.p99'; did you mean 'latency.acquire.p99'?");
  });

  it('rejects a bad operator at its value', () => {
    const error = errorOf(lines(...head, 'thresholds:', '  rates.successRate: "=> 0.99"'));
    expect(expectAt(error, 5, 22, 'thresholds.rates.successRate')).toContain('expected an operator (<= >= == != < >)');
  });

  it('accepts durations only for metrics measured in time', () => {
    const error = errorOf(lines(...head, 'thresholds:', '  totals.violations: "< 10ms"'));
    expect(expectAt(error, 5, 22, 'thresholds.totals.violations')).toContain('not measured in time');
  });
});

describe('environment and --set', () => {
  it('reports an unset variable without default at its value', () => {
    expect(expectAt(errorOf(lines('name: bad', 'users: ${USERS}', 'duration: 1s')), 2, 8, 'users')).toContain('environment variable USERS is not set');
  });

  it('names the --set when the overridden value is wrong', () => {
    const error = errorOf(lines('name: bad', 'phases: [{ duration: 1s, rate: 5 }]'), { set: ['phases.0.rate=-5'] });
    expect(error.message).toBe('--set phases.0.rate=-5: phases.0.rate: must be ≥ 0, got -5');
  });

  it('rejects an unknown --set path with a suggestion', () => {
    const error = errorOf(lines(...head), { set: ['lock.tll=5s'] });
    expect(error.message).toBe("--set lock.tll=5s: lock.tll: unknown key 'tll'; did you mean 'ttl'?");
  });

  it('rejects a malformed --set and a path through a value', () => {
    expect(errorOf(lines(...head), { set: ['users'] }).message).toMatch(/^--set users: expected key\.path=value/);
    expect(errorOf(lines(...head), { set: ['name.first=x'] }).message).toMatch(/^--set name\.first=x: name is 'bad', not a map/);
    expect(errorOf(lines('name: bad', 'phases: [{ duration: 1s, rate: 5 }]'), { set: ['phases.3.rate=1'] }).message).toMatch(/^--set phases\.3\.rate=1: phases is a list of 1/);
  });

  it('checks the CLI numbers', () => {
    expect(errorOf(lines(...head), { timeScale: 0 }).message).toBe('--time-scale must be a number > 0, got 0');
    expect(errorOf(lines(...head), { durationMs: -1 }).message).toBe('--duration must be a number > 0, got -1');
  });
});
