/** `matrix:` variants at load time: values applied, every variant checked, errors at the variant's line:col. */
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../src/errors.js';
import { loadScenarioText, loadScenarioVariantsText, type LoadOptions } from '../src/scenario/index.js';

const lines = (...rows: string[]): string => rows.join('\n') + '\n';
/** An open-model base (lines 1–5) to which each case adds its `matrix:` from line 6. */
const base = ['name: grain', 'description: same orders, other locks', 'phases:', '  - { name: rush, duration: 1s, rate: 100 }', 'resources: { count: 10 }'];

function load(text: string, options: LoadOptions = {}) {
  return loadScenarioVariantsText(text, 'grain.yaml', { env: {}, defaultWorkers: 1, ...options });
}

function errorOf(text: string, options: LoadOptions = {}): ScenarioError {
  try {
    load(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).not.toContain('\n');
    return error as ScenarioError;
  }
  throw new Error('expected a ScenarioError, the scenario loaded');
}

describe('variants are the file with their set applied', () => {
  const text = lines(
    ...base,
    'lock: { retry: { strategy: fixed, delay: 0ms } }',
    'matrix:',
    '  - name: coarse',
    '    description: one key',
    '    set: { resources.count: 1 }',
    '  - name: fine',
    '    set:',
    '      resources.count: 1000',
    '      resources.key: "restaurant:{id}"',
    '      phases.0.rate: 250',
    '      lock.retry: { strategy: exponential-jitter, base: 5ms, max: 100ms }',
    '  - name: as-written',
  );

  it('applies values, maps and list indices; names each report <scenario>.<variant>', () => {
    const { base: scenario, variants } = load(text);
    expect(scenario.scenario.name).toBe('grain');
    expect(scenario.scenario.resources.count).toBe(10);
    expect(variants.map((v) => v.name)).toEqual(['coarse', 'fine', 'as-written']);
    const [coarse, fine, asWritten] = variants.map((v) => v.loaded.scenario);
    expect(coarse.name).toBe('grain.coarse');
    expect(coarse.resources.count).toBe(1);
    expect(coarse.description).toBe('one key');
    expect(fine.name).toBe('grain.fine');
    expect(fine.description).toBe('same orders, other locks');
    expect(fine.resources).toMatchObject({ count: 1000, key: 'restaurant:{id}' });
    expect(fine.load).toMatchObject({ model: 'open', phases: [{ name: 'rush', rate: 250, rampTo: 250 }] });
    expect(fine.lock.retry).toEqual({ strategy: 'exponential-jitter', baseMs: 5, maxMs: 100 });
    expect(coarse.lock.retry).toEqual({ strategy: 'fixed', delayMs: 0 });
    expect(asWritten.resources.count).toBe(10);
    expect(variants[1].set).toEqual({ 'resources.count': 1000, 'resources.key': 'restaurant:{id}', 'phases.0.rate': 250, 'lock.retry': { strategy: 'exponential-jitter', base: '5ms', max: '100ms' } });
  });

  it('puts --set and --time-scale on top of every variant', () => {
    const { variants } = load(text, { set: ['resources.count=7'], timeScale: 0.5 });
    expect(variants.map((v) => v.loaded.scenario.resources.count)).toEqual([7, 7, 7]);
    expect(variants[1].loaded.scenario.lock.retry).toEqual({ strategy: 'exponential-jitter', baseMs: 2.5, maxMs: 50 });
  });

  it('locates a variant field at the value its set wrote, and the others in the base', () => {
    const { variants } = load(text);
    expect(variants[0].loaded.locate('resources.count')).toEqual({ line: 10, col: 29 });
    expect(variants[1].loaded.locate('lock.retry.base')).toEqual({ line: 16, col: 57 });
    expect(variants[0].loaded.locate('phases.0.rate')).toEqual({ line: 4, col: 39 });
  });

  it('a file without matrix has no variants; loadScenarioText gives the base of a matrix file', () => {
    expect(load(lines(...base)).variants).toEqual([]);
    expect(loadScenarioText(text, 'grain.yaml', { env: {}, defaultWorkers: 1 }).scenario.name).toBe('grain');
  });
});

describe('a broken variant is an error at load time, at its line:col, naming it', () => {
  it('a wrong value points at the value', () => {
    const text = lines(...base, 'matrix:', '  - name: coarse', '    set: { resources.count: 1 }', '  - name: fine', '    set: { resources.count: 0 }');
    expect(errorOf(text).message).toBe('grain.yaml:10:29: matrix.fine.set.resources.count: must be ≥ 1, got 0');
    // loadScenarioText (what validate calls) checks the variants too
    expect(() => loadScenarioText(text, 'grain.yaml', { env: {} })).toThrow('matrix.fine.set.resources.count');
  });

  it('a wrong field inside a map value points inside it', () => {
    const text = lines(...base, 'matrix:', '  - name: slow', '    set:', '      lock.retry:', '        strategy: fixed', '        delay: -1ms');
    expect(errorOf(text).message).toBe("grain.yaml:11:16: matrix.slow.set.lock.retry.delay: a duration cannot be negative, got '-1ms'");
  });

  it('an unknown path says so with the suggestion --set gives', () => {
    const text = lines(...base, 'matrix:', '  - name: typo', '    set: { lock.tll: 5s }');
    expect(errorOf(text).message).toBe("grain.yaml:8:12: matrix.typo.set.lock.tll: unknown key 'tll'; did you mean 'ttl'?");
    expect(errorOf(lines(...base), { set: ['lock.tll=5s'] }).message).toBe("--set lock.tll=5s: lock.tll: unknown key 'tll'; did you mean 'ttl'?");
  });

  it('a path that does not fit the file points at the key', () => {
    expect(errorOf(lines(...base, 'matrix:', '  - name: far', '    set: { phases.3.rate: 5 }')).message).toBe(
      "grain.yaml:8:12: matrix.far.set.phases.3.rate: phases is a list of 1 item(s); '3' is not an index in it",
    );
    // seed.x made seed a map: the entry is named, and the field it broke
    expect(errorOf(lines(...base, 'matrix:', '  - name: deep', '    set: { seed.x: 5 }')).message).toBe('grain.yaml:8:20: matrix.deep.set.seed.x: seed: expected an integer, got a map');
  });

  it('a field the variant made wrong without writing it is named beside the entry that did', () => {
    const text = lines(...base, 'matrix:', '  - name: multi', '    set: { lock.mode: multi }');
    expect(errorOf(text).message).toMatch(/^grain\.yaml:8:23: matrix\.multi\.set\.lock\.mode: lock\.keys: is required with mode multi/);
  });

  it('a line of the base that only the variant makes wrong names the variant', () => {
    const text = lines(...base, 'lock: { mode: multi, keys: 4 }', 'matrix:', '  - name: single', '    set: { lock.mode: single }');
    expect(errorOf(text).message).toBe("grain.yaml:6:22: lock.keys: belongs to mode multi (or none: the same requests without a lock); mode is 'single' (in matrix variant 'single')");
  });

  it('a --set that fits the base but not a variant names the variant', () => {
    const text = lines(...base, 'lock: { retry: { strategy: exponential } }', 'matrix:', '  - name: fixed', '    set: { lock.retry: { strategy: fixed } }');
    expect(errorOf(text, { set: ['lock.retry.base=1ms'] }).message).toBe(
      "--set lock.retry.base=1ms: lock.retry.base: unknown key 'base' (allowed: strategy, delay) (in matrix variant 'fixed')",
    );
  });
});

describe('the matrix itself', () => {
  it('names must be unique and usable as folder names', () => {
    expect(errorOf(lines(...base, 'matrix:', '  - name: a', '  - name: a')).message).toBe("grain.yaml:8:11: matrix.1.name: 'a' is used twice; variant names must be unique");
    expect(errorOf(lines(...base, 'matrix:', '  - name: a/b')).message).toMatch(/^grain\.yaml:7:11: matrix\.0\.name: 'a\/b' may only hold letters, digits/);
    expect(errorOf(lines(...base, 'matrix:', '  - set: { seed: 2 }')).message).toBe('grain.yaml:7:5: matrix.0.name: is required');
  });

  it('a variant may not set name or matrix, nor a path with an empty segment', () => {
    expect(errorOf(lines(...base, 'matrix:', '  - name: a', '    set: { name: other }')).message).toBe(
      "grain.yaml:8:12: matrix.0.set.name: a variant cannot set 'name': its report is named <scenario>.<variant>",
    );
    expect(errorOf(lines(...base, 'matrix:', '  - name: a', '    set: { matrix.0.name: b }')).message).toContain("a variant cannot set 'matrix'");
    expect(errorOf(lines(...base, 'matrix:', '  - name: a', '    set: { resources..count: 2 }')).message).toContain("'resources..count' is not a path");
  });

  it('lists 1 to 20 variants, with name, description and set only', () => {
    expect(errorOf(lines(...base, 'matrix: []')).message).toBe('grain.yaml:6:9: matrix: needs at least 1 item(s)');
    const many = Array.from({ length: 21 }, (_, i) => `  - name: v${i}`);
    expect(errorOf(lines(...base, 'matrix:', ...many)).message).toBe('grain.yaml:7:3: matrix: lists at most 20 variants');
    expect(errorOf(lines(...base, 'matrix:', '  - name: a', '    sets: { seed: 2 }')).message).toBe("grain.yaml:8:5: matrix.0.sets: unknown key 'sets'; did you mean 'set'?");
  });
});
