import { describe, expect, it } from 'vitest';
import { birthdayCollision, contentionProbability, pairwiseCollision } from '../src/model/index.js';

describe('contention odds (the background notes)', () => {
  it('1000 payment processes, each 5% likely to need the inventory lock: 1 − 0.95^1000 ≈ 1', () => {
    // 0.95^1000 = e^{1000·ln 0.95} = e^{−51.29} ≈ 5.3e-23
    expect(contentionProbability(0.05, 1000)).toBeCloseTo(1, 15);
    expect(1 - contentionProbability(0.05, 1000)).toBeLessThan(1e-15);
    // and by hand for small n: 1 − 0.95² = 0.0975
    expect(contentionProbability(0.05, 2)).toBeCloseTo(0.0975, 15);
    expect(contentionProbability(0, 1000)).toBe(0);
    expect(contentionProbability(1, 3)).toBe(1);
  });

  it('birthday paradox: 23 people over 365 days collide with probability ≈ 0.507', () => {
    // 1 − (364/365)(363/365)…(343/365) = 0.507297…
    let none = 1;
    for (let i = 1; i < 23; i++) none *= (365 - i) / 365;
    expect(birthdayCollision(23, 365)).toBeCloseTo(1 - none, 12);
    expect(birthdayCollision(23, 365)).toBeCloseTo(0.5073, 4);
    expect(birthdayCollision(1, 365)).toBe(0);
  });

  it('Zomato: 50 restaurants each with 10 orders in flight (500 requests over 50 restaurant locks) collide for sure, > 90%', () => {
    // more requests than keys: pigeonhole
    expect(birthdayCollision(50 * 10, 50)).toBe(1);
    // even 10 concurrent orders over the 50 restaurants: 1 − (49·48·…·41)/50⁹ ≈ 0.62
    let none = 1;
    for (let i = 1; i < 10; i++) none *= (50 - i) / 50;
    expect(birthdayCollision(10, 50)).toBeCloseTo(1 - none, 12);
  });

  it('skewed keys: pairs taken as independent, 1 − (1 − q)^{n(n−1)/2}, close to the exact formula for uniform keys', () => {
    // q = 1/365, 253 pairs: 1 − (364/365)^253 = 0.4995
    expect(pairwiseCollision(23, 1 / 365)).toBeCloseTo(1 - Math.pow(364 / 365, 253), 12);
    expect(Math.abs(pairwiseCollision(23, 1 / 365) - birthdayCollision(23, 365))).toBeLessThan(0.01);
  });
});
