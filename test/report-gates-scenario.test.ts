/** Gates as written in a scenario or on the command line: report formats, thresholds with abortOnFail, phase paths. */
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../src/errors.js';
import { abortingThreshold, cannotPassAnyMore } from '../src/report/index.js';
import { loadScenarioText } from '../src/scenario/index.js';
import { canAbortEarly, parseThresholdArgument } from '../src/scenario/thresholds.js';
import { totals } from './report-fixture.js';

const lines = (...rows: string[]): string => rows.join('\n') + '\n';
const head = ['name: gates', 'phases:', '  - { name: warmup, duration: 1s, rate: 5 }', '  - { name: rush, duration: 1s, rate: 50 }'];
const load = (text: string) => loadScenarioText(text, 'file.yaml', { env: {}, defaultWorkers: 1 }).scenario;

function messageOf(text: string): string {
  try {
    load(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).message;
  }
  throw new Error('expected a ScenarioError, the scenario loaded');
}

describe('report formats in the scenario', () => {
  it('writes json, md and html unless told otherwise', () => {
    expect(load(lines(...head)).report.formats).toEqual(['json', 'md', 'html']);
  });

  it('accepts every format and rejects an unknown one at its line:col', () => {
    expect(load(lines(...head, 'report: { formats: [csv, hgrm, junit] }')).report.formats).toEqual(['csv', 'hgrm', 'junit']);
    expect(messageOf(lines(...head, 'report: { formats: [json, xlsx] }'))).toBe(
      "file.yaml:5:27: report.formats.1: 'xlsx' is not allowed (allowed: 'json', 'md', 'html', 'csv', 'hgrm', 'junit')",
    );
  });
});

describe('thresholds with abortOnFail', () => {
  it('takes the map form and keeps the condition as written', () => {
    const scenario = load(lines(...head, 'thresholds:', '  totals.violations: { condition: "== 0", abortOnFail: true }', '  latency.acquire.p99: "< 100ms"'));
    expect(scenario.thresholds).toEqual([
      { metric: 'totals.violations', op: '==', value: 0, source: '== 0', abortOnFail: true },
      { metric: 'latency.acquire.p99', op: '<', value: 100, source: '< 100ms' },
    ]);
  });

  it('refuses abortOnFail where the verdict can still change, pointing at abortOnFail', () => {
    const message = messageOf(lines(...head, 'thresholds:', '  latency.acquire.p99: { condition: "< 100ms", abortOnFail: true }'));
    expect(message).toMatch(/^file\.yaml:6:61: thresholds\.latency\.acquire\.p99\.abortOnFail: abortOnFail works on counters that only grow/);
    expect(messageOf(lines(...head, 'thresholds:', '  totals.acquired: { condition: "> 10", abortOnFail: true }'))).toContain('checked when the run ends');
  });

  it('names a misspelt key of the map form, and a missing condition', () => {
    expect(messageOf(lines(...head, 'thresholds:', '  totals.errors: { condition: "== 0", abortOnFial: true }'))).toMatch(
      /file\.yaml:6:39: thresholds\.totals\.errors\.abortOnFial: unknown key 'abortOnFial'; did you mean 'abortOnFail'\?/,
    );
    expect(messageOf(lines(...head, 'thresholds:', '  totals.errors: { abortOnFail: true }'))).toContain("needs 'condition'");
  });

  it('knows which metrics can fail for good mid-run', () => {
    expect(canAbortEarly('totals.violations', '==')).toBe(true);
    expect(canAbortEarly('totals.errors', '<')).toBe(true);
    expect(canAbortEarly('totals.acquired', '>')).toBe(false);
    expect(canAbortEarly('rates.successRate', '>')).toBe(false);
    expect(canAbortEarly('latency.acquire.max', '<')).toBe(false);
  });
});

describe('live verdicts of abortOnFail thresholds', () => {
  it('fails a growing count for good only once it is past the limit', () => {
    expect(cannotPassAnyMore(0, '==', 0)).toBe(false);
    expect(cannotPassAnyMore(1, '==', 0)).toBe(true);
    expect(cannotPassAnyMore(4, '==', 5)).toBe(false);
    expect(cannotPassAnyMore(9, '<', 10)).toBe(false);
    expect(cannotPassAnyMore(10, '<', 10)).toBe(true);
    expect(cannotPassAnyMore(10, '<=', 10)).toBe(false);
    expect(cannotPassAnyMore(11, '<=', 10)).toBe(true);
    expect(cannotPassAnyMore(0, '>', 10)).toBe(false);
  });

  it('names the first threshold the live totals have sealed, with when and how much', () => {
    const specs = [
      { metric: 'totals.errors', op: '<', value: 100, source: '< 100', abortOnFail: true },
      { metric: 'totals.violations', op: '==', value: 0, source: '== 0', abortOnFail: true },
      { metric: 'totals.timeouts', op: '==', value: 0, source: '== 0' },
    ] as const;
    expect(abortingThreshold(specs, { elapsedMs: 1_000, totals: totals({ errors: 99, timeouts: 50 }) })).toBeUndefined();
    expect(abortingThreshold(specs, { elapsedMs: 2_345.6, totals: totals({ errors: 99, violations: 2 }) })).toEqual({
      metric: 'totals.violations',
      source: '== 0',
      actual: 2,
      atMs: 2_346,
    });
  });
});

describe('thresholds on phases and counted lists', () => {
  it('reads phases by name or index, and the lengths of lists', () => {
    const scenario = load(lines(...head, 'thresholds:', '  phases.rush.latency.acquire.p99: "< 50ms"', '  phases.0.rates.successRate: "> 0.9"', '  warnings.length: "== 0"'));
    expect(scenario.thresholds.map((threshold) => threshold.metric)).toEqual(['phases.rush.latency.acquire.p99', 'phases.0.rates.successRate', 'warnings.length']);
  });

  it('suggests the phase and the field when either is misspelt', () => {
    expect(messageOf(lines(...head, 'thresholds:', '  phases.rsh.latency.acquire.p99: "< 50ms"'))).toBe(
      "file.yaml:6:3: thresholds.phases.rsh.latency.acquire.p99: no phase 'rsh' in this scenario; did you mean 'rush'?",
    );
    expect(messageOf(lines(...head, 'thresholds:', '  phases.rush.latency.aquire.p99: "< 50ms"'))).toContain("did you mean 'phases.rush.latency.acquire.p99'?");
    expect(messageOf(lines(...head, 'thresholds:', '  phases.9.totals.errors: "== 0"'))).toContain("no phase '9'");
  });
});

describe('--threshold on the command line', () => {
  const phases = ['warmup', 'rush'];

  it('parses metric, operator and value with or without spaces', () => {
    expect(parseThresholdArgument('latency.acquire.p99<100ms', phases)).toEqual({ metric: 'latency.acquire.p99', op: '<', value: 100, source: '< 100ms' });
    expect(parseThresholdArgument('totals.violations == 0', phases)).toEqual({ metric: 'totals.violations', op: '==', value: 0, source: '== 0' });
    expect(parseThresholdArgument('rates.successRate>=0.99', phases)).toMatchObject({ op: '>=', value: 0.99 });
  });

  it('takes ,abortOnFail where it can work', () => {
    expect(parseThresholdArgument('totals.violations==0,abortOnFail', phases)).toEqual({ metric: 'totals.violations', op: '==', value: 0, source: '== 0', abortOnFail: true });
    expect(() => parseThresholdArgument('latency.acquire.p99<1s,abortOnFail', phases)).toThrow('abortOnFail works on counters that only grow');
  });

  it('says what is wrong, with a did-you-mean for the metric', () => {
    expect(() => parseThresholdArgument('latency.aquire.p99<100ms', phases)).toThrow("unknown metric 'latency.aquire.p99'; did you mean 'latency.acquire.p99'?");
    expect(() => parseThresholdArgument('latency.acquire.p99', phases)).toThrow(/expected <metric><op><value>\[,abortOnFail\]/);
    expect(() => parseThresholdArgument('totals.errors<5ms', phases)).toThrow('not measured in time');
    expect(() => parseThresholdArgument('phases.rsh.totals.errors==0', phases)).toThrow("did you mean 'rush'?");
  });
});
