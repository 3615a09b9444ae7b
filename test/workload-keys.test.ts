import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../src/errors.js';
import type { KeyPickSpec } from '../src/scenario/types.js';
import { createKeyFormatter, createKeyPicker, createRng, ZIPF_TABLE_MAX_COUNT } from '../src/workload/index.js';

function histogram(spec: KeyPickSpec, count: number, draws: number, seed = 3): Map<number, number> {
  const picker = createKeyPicker(spec, count);
  const rng = createRng(seed);
  const counts = new Map<number, number>();
  for (let i = 0; i < draws; i++) {
    const id = picker.pick(rng);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

function zipfNormaliser(count: number, s: number): number {
  let total = 0;
  for (let k = 1; k <= count; k++) total += Math.pow(k, -s);
  return total;
}

function expectZipfTop(count: number, s: number): void {
  const draws = 500_000;
  const counts = histogram({ type: 'zipf', s }, count, draws);
  let invalidIds = 0;
  let middle = 0;
  for (const [id, seen] of counts) {
    if (!(id >= 0 && id < count && Number.isInteger(id))) invalidIds++;
    if (id >= 10 && id < 100) middle += seen;
  }
  expect(invalidIds).toBe(0);
  const total = zipfNormaliser(count, s);
  for (let id = 0; id < 5; id++) {
    const expected = Math.pow(id + 1, -s) / total;
    // expected counts are ≥ ~4,000 here, so 5% is more than 3 sd
    expect(Math.abs((counts.get(id) ?? 0) / draws / expected - 1)).toBeLessThan(0.05);
  }
  let expectedMiddle = 0;
  for (let rank = 11; rank <= 100; rank++) expectedMiddle += Math.pow(rank, -s) / total;
  // the mass of ids 10..99 (≥ 5% of draws in these cases) checks the body, not only the head
  expect(Math.abs(middle / draws / expectedMiddle - 1)).toBeLessThan(0.03);
}

describe('resource id pickers', () => {
  it('uniform covers every id evenly and nothing else', () => {
    const counts = histogram({ type: 'uniform' }, 100, 100_000);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, id) => id));
    // 1000 expected per id, sd ≈ 31
    for (const seen of counts.values()) expect(Math.abs(seen - 1000)).toBeLessThan(160);
  });

  it('zipf from the CDF table matches 1/(k+1)^s for the top ids', () => {
    expectZipfTop(1000, 1.1);
    expectZipfTop(50_000, 0.8);
  });

  it('zipf above the table limit (rejection-inversion) matches 1/(k+1)^s, also at s = 1', () => {
    const count = ZIPF_TABLE_MAX_COUNT + 1_000_000;
    expectZipfTop(count, 1);
    expectZipfTop(count, 1.3);
  });

  it('zipf with s = 0 is uniform', () => {
    const counts = histogram({ type: 'zipf', s: 0 }, 10, 100_000);
    for (const seen of counts.values()) expect(Math.abs(seen / 100_000 - 0.1)).toBeLessThan(0.005);
  });

  it('hotspot sends hotTraffic of the draws to the hot ids, spread evenly on both sides', () => {
    const draws = 200_000;
    const counts = histogram({ type: 'hotspot', hotKeys: 0.1, hotTraffic: 0.9 }, 1000, draws);
    let hot = 0;
    for (const [id, seen] of counts) if (id < 100) hot += seen;
    // share sd: √(0.09/N) ≈ 0.0007
    expect(Math.abs(hot / draws - 0.9)).toBeLessThan(0.004);
    expect(counts.size).toBe(1000);
    // hot id: 1800 expected (sd 42); cold id: ~22 expected
    for (let id = 0; id < 100; id++) expect(Math.abs((counts.get(id) ?? 0) - 1800)).toBeLessThan(250);
    let cold = 0;
    for (let id = 100; id < 1000; id++) cold += counts.get(id) ?? 0;
    expect(cold).toBe(draws - hot);
  });

  it('hotspot rounds the hot set up and survives degenerate fractions', () => {
    // ceil(0.0001 · 1000) = 1 hot id
    const single = histogram({ type: 'hotspot', hotKeys: 0.0001, hotTraffic: 0.5 }, 1000, 100_000);
    expect(Math.abs((single.get(0) ?? 0) / 100_000 - 0.5)).toBeLessThan(0.01);
    // every draw hot: only the hot ids
    const allHot = histogram({ type: 'hotspot', hotKeys: 0.2, hotTraffic: 1 }, 10, 10_000);
    expect([...allHot.keys()].sort()).toEqual([0, 1]);
    // no hot traffic: only the cold ids
    const noneHot = histogram({ type: 'hotspot', hotKeys: 0.2, hotTraffic: 0 }, 10, 10_000);
    expect([...noneHot.keys()].sort()).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    // no hot ids, or every id hot: uniform over all
    expect(histogram({ type: 'hotspot', hotKeys: 0, hotTraffic: 0.9 }, 10, 10_000).size).toBe(10);
    expect(histogram({ type: 'hotspot', hotKeys: 1, hotTraffic: 0.9 }, 10, 10_000).size).toBe(10);
    // a single resource
    expect([...histogram({ type: 'hotspot', hotKeys: 0.5, hotTraffic: 0.5 }, 1, 1000).keys()]).toEqual([0]);
    expect([...histogram({ type: 'zipf', s: 1 }, 1, 1000).keys()]).toEqual([0]);
  });

  it('rejects impossible specs with a ScenarioError', () => {
    expect(() => createKeyPicker({ type: 'uniform' }, 0)).toThrow(ScenarioError);
    expect(() => createKeyPicker({ type: 'zipf', s: -1 }, 10)).toThrow(ScenarioError);
    expect(() => createKeyPicker({ type: 'hotspot', hotKeys: 1.5, hotTraffic: 0.5 }, 10)).toThrow(ScenarioError);
  });
});

describe('key formatter', () => {
  it('replaces every {id} in the template', () => {
    expect(createKeyFormatter('order:{id}')(42)).toBe('order:42');
    expect(createKeyFormatter('{id}/a/{id}/b{id}')(7)).toBe('7/a/7/b7');
    expect(createKeyFormatter('{id}')(0)).toBe('0');
    expect(createKeyFormatter('fixed')(3)).toBe('fixed');
  });
});
