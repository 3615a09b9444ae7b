/** resource, faults, lock.mode multi and the circuit breaker as written: every mistake is one line at its file:line:col. */
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../src/errors.js';
import { loadScenarioText } from '../src/scenario/index.js';

const head = ['name: bad', 'users: 3', 'duration: 1s'];
const file = (...rows: string[]): string => [...head, ...rows].join('\n') + '\n';

function errorOf(text: string): string {
  try {
    loadScenarioText(text, 'file.yaml', { env: {}, defaultWorkers: 1 });
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected a ScenarioError, the scenario loaded');
}

describe('resource', () => {
  it('names the resource types and the keys each one takes', () => {
    expect(errorOf(file('resource: { type: stock }'))).toMatch(/^file\.yaml:4:\d+: resource\.type: unknown type 'stock'.*'inventory', 'wallet', 'seat', 'counter'/);
    expect(errorOf(file('resource: { type: wallet, stock: 5 }'))).toMatch(/^file\.yaml:4:27: resource\.stock: unknown key 'stock'/);
    expect(errorOf(file('resource: { type: wallet, debit: { min: 600, max: 100 } }'))).toMatch(/^file\.yaml:4:\d+: resource\.debit\.max: must be ≥ min/);
    expect(errorOf(file('resource: { type: counter, store: { type: redis, url: "localhost:6379" } }'))).toMatch(/resource\.store\.url: expected a redis:\/\/ or rediss:\/\/ URL/);
  });

  it('refuses fencing without a lock to give out fences', () => {
    expect(errorOf(file('lock: { mode: none }', 'resource: { type: counter, fencing: true }'))).toMatch(/^file\.yaml:5:\d+: resource\.fencing: needs a lock/);
  });

  it('resolves the defaults: a memory store, no fencing, stock 100, wallets of 1,000 paying 100–600', () => {
    const load = (resource: string) => loadScenarioText(file(`resource: ${resource}`), 'file.yaml', { env: {}, defaultWorkers: 1 }).scenario.resource;
    expect(load('{ type: inventory }')).toEqual({ type: 'inventory', stock: 100, fencing: false, store: { type: 'memory' } });
    expect(load('{ type: wallet, debit: 250 }')).toEqual({ type: 'wallet', balance: 1000, debit: { min: 250, max: 250 }, fencing: false, store: { type: 'memory' } });
    expect(load('{ type: seat, store: { type: redis, url: "redis://h:1" } }')).toMatchObject({ store: { type: 'redis', url: 'redis://h:1', keyPrefix: 'lockbench:resource:' } });
  });
});

describe('faults', () => {
  it('checks the type, the fraction and the durations', () => {
    expect(errorOf(file('faults:', '  - { at: 1s, type: gc, duration: 1s }'))).toMatch(/^file\.yaml:5:\d+: faults\.0\.type: 'gc' is not allowed.*'client-pause', 'client-crash', 'event-loop-block'/);
    expect(errorOf(file('faults:', '  - { at: 1s, type: client-crash, duration: 1s, fraction: 0 }'))).toMatch(/faults\.0\.fraction: must be > 0/);
    expect(errorOf(file('faults:', '  - { at: 1s, type: client-pause, duration: 0 }'))).toMatch(/faults\.0\.duration: must be a duration > 0/);
    expect(errorOf(file('faults:', '  - { type: client-pause, duration: 1s }'))).toMatch(/faults\.0\.at: is required/);
  });

  it('scales with timeScale and sorts by start', () => {
    const text = file('timeScale: 0.5', 'faults:', '  - { at: 2s, type: client-pause, duration: 1s }', '  - { at: 1s, type: event-loop-block, duration: 200ms, fraction: 0.5 }');
    expect(loadScenarioText(text, 'file.yaml', { env: {}, defaultWorkers: 1 }).scenario.faults).toEqual([
      { type: 'event-loop-block', atMs: 500, durationMs: 100, fraction: 0.5 },
      { type: 'client-pause', atMs: 1000, durationMs: 500, fraction: 1 },
    ]);
  });
});

describe('lock mode multi and the circuit breaker', () => {
  it('needs keys with multi, and keeps them from single', () => {
    expect(errorOf(file('lock: { mode: multi }'))).toMatch(/^file\.yaml:4:\d+: lock\.keys: is required with mode multi/);
    expect(errorOf(file('lock: { mode: single, keys: 3 }'))).toMatch(/^file\.yaml:4:23: lock\.keys: belongs to mode multi/);
    expect(errorOf(file('lock: { mode: multi, keys: 1 }'))).toMatch(/lock\.keys\.count: must be ≥ 2/);
    const levels = 'lock: { mode: multi, keys: { levels: [{ name: train, count: 2 }, { name: seat, count: 5 }] } }';
    expect(errorOf(file('resources: { count: 7 }', levels))).toMatch(/^file\.yaml:4:\d+: resources\.count: with lock\.keys\.levels the resources are the leaves: 2 × 5 = 10/);
    expect(loadScenarioText(file(levels), 'file.yaml', { env: {}, defaultWorkers: 1 }).scenario.resources.count).toBe(10);
  });

  it('checks the breaker’s numbers and fills its defaults', () => {
    expect(errorOf(file('lock: { retry: { strategy: circuit-breaker, failureRate: 2 } }'))).toMatch(/lock\.retry\.failureRate: must be ≤ 1, got 2/);
    expect(errorOf(file('lock: { retry: { strategy: circuit-breaker, backoff: { strategy: circuit-breaker } } }'))).toMatch(/lock\.retry\.backoff\.strategy: unknown strategy 'circuit-breaker'/);
    const retry = loadScenarioText(file('lock: { retry: { strategy: circuit-breaker } }'), 'file.yaml', { env: {}, defaultWorkers: 1 }).scenario.lock.retry;
    expect(retry).toEqual({
      strategy: 'circuit-breaker',
      backoff: { strategy: 'exponential-jitter', baseMs: 10, maxMs: 500 },
      failureRate: 0.5,
      windowMs: 1000,
      minAttempts: 20,
      openForMs: 1000,
      countBusy: true,
    });
  });
});
