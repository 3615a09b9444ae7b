/** Durations as written in scenario files (`250us`, `10ms`, `1.5s`, `5m`, `1h`) ↔ milliseconds. */

const MS_PER_UNIT = { us: 0.001, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
type DurationUnit = keyof typeof MS_PER_UNIT;

export const DURATION_UNIT_HINT = 'a duration needs a unit: us, ms, s, m, h (e.g. 250ms)';

/** Parses `1.5s` into 1500 (ms); `0` alone is 0; throws an Error saying what is allowed. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed.startsWith('-')) throw new Error(`a duration cannot be negative, got '${text}'`);
  if (/^0+(\.0+)?$/.test(trimmed)) return 0;
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(us|ms|s|m|h)$/.exec(trimmed);
  if (!match) throw new Error(`${DURATION_UNIT_HINT}, got '${text}'`);
  const ms = Number(match[1]) * MS_PER_UNIT[match[2] as DurationUnit];
  // round away binary noise (1.1s → 1100, not 1100.0000000000002); 1e-6 ms is far below 1us
  return Math.round(ms * 1e6) / 1e6;
}

/** Formats milliseconds with the largest unit that keeps the number ≥ 1: 0.25 → "250us", 1500 → "1.5s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === 0) return '0ms';
  const units: DurationUnit[] = ['h', 'm', 's', 'ms'];
  const unit = units.find((u) => ms >= MS_PER_UNIT[u]) ?? 'us';
  const value = Math.round((ms / MS_PER_UNIT[unit]) * 1000) / 1000;
  return `${value}${unit}`;
}
