import { describe, expect, it } from 'vitest';
import { keyShares, type KeyShares } from '../src/model/index.js';
import { loadScenarioText } from '../src/scenario/index.js';

function shares(...lines: string[]): KeyShares {
  const text = ['name: shares', 'phases:', '  - { duration: 1s, rate: 10 }', ...lines].join('\n');
  return keyShares(loadScenarioText(text, 'shares.yaml', { env: {}, defaultWorkers: 1 }).scenario);
}

/** share of one lockable id */
function shareOf(result: KeyShares, id: number): number {
  const keyClass = result.classes.find((candidate) => id >= candidate.firstId && id < candidate.firstId + candidate.count);
  if (!keyClass) throw new Error(`no class holds id ${id}`);
  return keyClass.share;
}

function totalShare(result: KeyShares, level = 0): number {
  return result.classes.filter((keyClass) => keyClass.level === level).reduce((sum, keyClass) => sum + keyClass.count * keyClass.share, 0);
}

describe('key shares: the chance a request locks each key', () => {
  it('uniform over 10 keys: one class, 1/10 each, two requests collide with q = 1/10', () => {
    const result = shares('resources: { count: 10, pick: { type: uniform } }');
    expect(result.classes).toHaveLength(1);
    expect(result.classes[0]).toMatchObject({ firstId: 0, count: 10, share: 0.1, exact: true });
    expect(result.pairCollision).toBeCloseTo(0.1, 15);
    expect(result.birthdayKeys).toBe(10);
  });

  it('zipf s = 1 over 3 keys: 1/H3 = 6/11, then 3/11 and 2/11, hottest first', () => {
    // H3 = 1 + 1/2 + 1/3 = 11/6
    const result = shares('resources: { count: 3, pick: { type: zipf, s: 1 } }');
    expect(result.classes.map((keyClass) => keyClass.firstId)).toEqual([0, 1, 2]);
    expect(result.classes[0].share).toBeCloseTo(6 / 11, 15);
    expect(result.classes[1].share).toBeCloseTo(3 / 11, 15);
    expect(result.classes[2].share).toBeCloseTo(2 / 11, 15);
    // q = (36 + 9 + 4)/121
    expect(result.pairCollision).toBeCloseTo(49 / 121, 15);
    expect(result.birthdayKeys).toBeUndefined();
  });

  it('hotspot: ceil(0.25·10) = 3 hot ids share 60% (0.2 each), the 7 others 40% (0.4/7 each)', () => {
    const result = shares('resources: { count: 10, pick: { type: hotspot, hotKeys: 0.25, hotTraffic: 0.6 } }');
    expect(result.classes).toHaveLength(2);
    expect(result.classes[0]).toMatchObject({ firstId: 0, count: 3 });
    expect(result.classes[0].share).toBeCloseTo(0.2, 15);
    expect(result.classes[1]).toMatchObject({ firstId: 3, count: 7 });
    expect(result.classes[1].share).toBeCloseTo(0.4 / 7, 15);
    // a cold key can be hotter than a hot one: 1 hot id with 5% of the traffic vs 9 cold ids with 95%/9 each
    const inverted = shares('resources: { count: 10, pick: { type: hotspot, hotKeys: 0.1, hotTraffic: 0.05 } }');
    expect(inverted.classes[0]).toMatchObject({ firstId: 1, count: 9 });
    expect(inverted.classes[0].share).toBeCloseTo(0.95 / 9, 15);
  });

  it('hotspot edge cases follow the picker: no cold ids is uniform, traffic 1 leaves the cold ids idle', () => {
    // ceil(0.9·4) = 4 hot ids: no cold one, so the picker is uniform whatever hotTraffic says
    expect(shares('resources: { count: 4, pick: { type: hotspot, hotKeys: 0.9, hotTraffic: 0.5 } }').classes).toEqual([
      { level: 0, firstId: 0, count: 4, share: 0.25, exact: true },
    ]);
    const allHot = shares('resources: { count: 10, pick: { type: hotspot, hotKeys: 0.2, hotTraffic: 1 } }');
    expect(allHot.classes[0]).toMatchObject({ firstId: 0, count: 2, share: 0.5 });
    expect(allHot.classes[1]).toMatchObject({ firstId: 2, count: 8, share: 0 });
  });

  it('hierarchy 2 trains × 3 coaches × 4 seats, uniform seats: every train 1/2, coach 1/6, seat 1/24 of the requests', () => {
    const result = shares(
      'lock:',
      '  mode: multi',
      '  keys: { levels: [ { name: train, count: 2 }, { name: coach, count: 3 }, { name: seat, count: 4 } ] }',
    );
    // ids level by level: 2 trains, then 6 coaches, then 24 seats
    expect(result.keyCount).toBe(2 + 6 + 24);
    expect(result.keysPerRequest).toBe(3);
    expect(result.classes).toEqual([
      { level: 0, firstId: 0, count: 2, share: 0.5, exact: true },
      { level: 1, firstId: 2, count: 6, share: 1 / 6, exact: true },
      { level: 2, firstId: 8, count: 24, share: 1 / 24, exact: true },
    ]);
    // two requests share a key exactly when they are on the same train
    expect(result.pairCollision).toBeCloseTo(0.5, 15);
    expect(result.birthdayKeys).toBe(2);
  });

  it('hierarchy over zipf seats: a node gets the sum of its leaves (train 0 = Σ_{k≤12} 1/k / H24)', () => {
    const result = shares(
      'resources: { pick: { type: zipf, s: 1 } }',
      'lock:',
      '  mode: multi',
      '  keys: { levels: [ { name: train, count: 2 }, { name: coach, count: 3 }, { name: seat, count: 4 } ] }',
    );
    let h24 = 0;
    for (let k = 1; k <= 24; k++) h24 += 1 / k;
    let firstTrain = 0;
    for (let k = 1; k <= 12; k++) firstTrain += 1 / k;
    // coach 0 of train 0 covers seats 0..3 (ranks 1..4): H4 = 25/12
    expect(shareOf(result, 0)).toBeCloseTo(firstTrain / h24, 14);
    expect(shareOf(result, 1)).toBeCloseTo(1 - firstTrain / h24, 14);
    expect(shareOf(result, 2)).toBeCloseTo(25 / 12 / h24, 14);
    expect(shareOf(result, 8)).toBeCloseTo(1 / h24, 14);
    for (const level of [0, 1, 2]) expect(totalShare(result, level)).toBeCloseTo(1, 14);
  });

  it('multi-key over uniform keys: 4 distinct of 40 → each key in 4/40 of the requests', () => {
    const result = shares('resources: { count: 40 }', 'lock: { mode: multi, keys: 4 }');
    expect(result.keysPerRequest).toBe(4);
    expect(result.classes).toHaveLength(1);
    expect(result.classes[0].share).toBeCloseTo(0.1, 9);
    expect(result.approximation).toBeUndefined();
    // over skewed keys the shares are an approximation that still adds up to 4 keys per request
    const skewed = shares('resources: { count: 40, pick: { type: zipf, s: 0.8 } }', 'lock: { mode: multi, keys: 4 }');
    expect(totalShare(skewed)).toBeCloseTo(4, 9);
    expect(skewed.approximation).toMatch(/1 − \(1 − p\)\^t/);
  });

  it('zipf over 3 million keys: exact top ranks and totals without a per-key table (ranks beyond 100,000 in buckets)', () => {
    const count = 3_000_000;
    const s = 1.1;
    let normaliser = 0;
    for (let k = 1; k <= count; k++) normaliser += Math.pow(k, -s);
    const result = shares(`resources: { count: ${count}, pick: { type: zipf, s: ${s} } }`);
    expect(result.classes[0].share).toBeCloseTo(1 / normaliser, 12);
    expect(result.classes[4].share).toBeCloseTo(Math.pow(5, -s) / normaliser, 12);
    expect(totalShare(result)).toBeCloseTo(1, 9);
    expect(result.classes.length).toBeLessThan(110_000);
    expect(result.classes.some((keyClass) => !keyClass.exact)).toBe(true);
    let sumOfSquares = 0;
    for (let k = 1; k <= count; k++) sumOfSquares += Math.pow(k, -2 * s);
    expect(result.pairCollision).toBeCloseTo(sumOfSquares / (normaliser * normaliser), 9);
  });
});
