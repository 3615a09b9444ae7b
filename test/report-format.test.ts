import { describe, expect, it } from 'vitest';
import { formatCount, formatMs, formatPercent, formatRate } from '../src/report/index.js';

describe('number formatting', () => {
  it('formats latency in the unit that reads best', () => {
    expect(formatMs(0.0123)).toBe('12.3µs');
    expect(formatMs(4.56)).toBe('4.56ms');
    expect(formatMs(1234)).toBe('1.23s');
    expect(formatMs(12)).toBe('12ms');
    expect(formatMs(0.99996)).toBe('1ms');
    expect(formatMs(90_000)).toBe('1.5min');
    expect(formatMs(0)).toBe('0ms');
    expect(formatMs(Number.NaN)).toBe('n/a');
  });

  it('formats counts, rates and percentages', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatRate(12_345.6)).toBe('12,346/s');
    expect(formatRate(12.345)).toBe('12.3/s');
    expect(formatRate(980, '')).toBe('980');
    expect(formatPercent(0.021)).toBe('2.1%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.99999)).toBe('>99.99%');
    expect(formatPercent(0.0000001)).toBe('<0.01%');
    expect(formatPercent(0)).toBe('0%');
  });
});
