/** Human formatting of numbers for the console and markdown summaries (fixed en-US, no locale surprises). */

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Three significant digits without trailing zeros: 4.56, 12.3, 100, 1234 (never exponent notation). */
function significant(value: number): string {
  if (Math.abs(value) >= 1000) return COUNT.format(Math.round(value));
  return stripZeros(value.toPrecision(3));
}

/** "12.50" → "12.5", "100.0" → "100"; leaves whole numbers alone. */
function stripZeros(text: string): string {
  return text.includes('.') && !text.includes('e') ? text.replace(/\.?0+$/, '') : text;
}

/** A latency in ms in the unit that reads best: 0.0123 → "12.3µs", 4.56 → "4.56ms", 1234 → "1.23s", 90000 → "1.5min". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'n/a';
  if (ms === 0) return '0ms';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  // thresholds just under each unit boundary, so 999.96µs reads "1ms" and not "1000µs"
  if (abs < 0.9995) return `${sign}${significant(abs * 1000)}µs`;
  if (abs < 999.5) return `${sign}${significant(abs)}ms`;
  if (abs < 59_950) return `${sign}${significant(abs / 1000)}s`;
  if (abs < 3_597_000) return `${sign}${significant(abs / 60_000)}min`;
  return `${sign}${significant(abs / 3_600_000)}h`;
}

/**
 * A per-second rate: ≥ 100 as a whole number with separators ("12,345/s"), below that 3 significant digits ("12.3/s").
 * @param unit appended to the number @default "/s"
 */
export function formatRate(perSecond: number | null | undefined, unit = '/s'): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return 'n/a';
  const text = Math.abs(perSecond) >= 100 ? COUNT.format(Math.round(perSecond)) : significant(perSecond);
  return `${text}${unit}`;
}

/** A count with thousands separators: 1234567 → "1,234,567". */
export function formatCount(count: number | null | undefined): string {
  if (count === null || count === undefined || !Number.isFinite(count)) return 'n/a';
  return COUNT.format(count);
}

/**
 * A fraction as a percentage with up to `digits` decimals: 0.021 → "2.1%", 0.98990 → "98.99%".
 * Never rounds a non-zero value to "0%" or a value below 1 to "100%".
 * @param digits decimals at most @default 2
 */
export function formatPercent(fraction: number | null | undefined, digits = 2): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return 'n/a';
  const percent = fraction * 100;
  const step = 10 ** -digits;
  if (percent > 0 && percent < step / 2) return `<${step.toFixed(digits)}%`;
  if (percent < 100 && percent > 100 - step / 2) return `>${(100 - step).toFixed(digits)}%`;
  return `${stripZeros(percent.toFixed(digits))}%`;
}

/** A plain number with 3 significant digits (for L, ratios): 19.8, 0.25, 1,234. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  if (value === 0) return '0';
  return significant(value);
}
