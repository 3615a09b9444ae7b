/** Safety, retries and faults as lines of text; console.ts, markdown.ts and the HTML page lay them out. */
import { formatCount, formatMs, formatNumber, formatPercent } from './format.js';
import type { Report, ReportFault, ReportViolations } from './types.js';

/** How many overlap examples a summary names. */
export const SUMMARY_OVERLAP_EXAMPLES = 3;

const VIOLATION_LABELS: Record<keyof ReportViolations, string> = {
  overlaps: 'overlaps',
  oversells: 'oversells',
  doubleBookings: 'double bookings',
  lostUpdates: 'lost updates',
  negativeBalances: 'negative balances',
  staleWritesAccepted: 'stale writes accepted',
};

/** One overlap example: `seat:7 held by 3 and 9 4.21s into the run, together for 12ms`. */
function describeOverlap(example: Report['safety']['examples'][number]): string {
  const together = example.overlapMs !== undefined ? `, together for ${formatMs(example.overlapMs)}` : '';
  return `${example.key} held by ${example.holders[0]} and ${example.holders[1]} ${formatMs(example.atMs)} into the run${together}`;
}

/** Whether mutual exclusion held, and the first overlaps when it did not. */
export function safetyLine(report: Report): string {
  const { overlaps, examples, overlapsCounted, overlapMs } = report.safety;
  if (overlaps === 0) return 'mutual exclusion held: 0 overlaps';
  const named = examples.slice(0, SUMMARY_OVERLAP_EXAMPLES).map(describeOverlap);
  const first = named.length > 0 ? `; first: ${named.join('; ')}` : '';
  const time = overlapMs ? ` (keys had two holders for ${formatMs(overlapMs)} in all)` : '';
  const plural = overlaps === 1 ? '' : 's';
  if (overlapsCounted === false) {
    return `holders overlapped ${formatCount(overlaps)} time${plural}${time}, not counted as violations: the store enforces fencing${first}`;
  }
  return `mutual exclusion VIOLATED: ${formatCount(overlaps)} overlap${plural}${time}${first}`;
}

/** `violations: 1,420 = overlaps 2 + oversells 1,418` (what totals.violations sums); null when there is nothing to add up. */
export function violationsLine(report: Report): string | null {
  const parts = report.safety.violations;
  if (!parts || !report.safety.resource) return null;
  const nonZero = (Object.keys(VIOLATION_LABELS) as (keyof ReportViolations)[]).filter((name) => parts[name] > 0);
  if (nonZero.length === 0) {
    const overlaps = report.safety.overlapsCounted === false && report.safety.overlaps > 0 ? 'overlaps neutralised by fencing' : 'no overlapping holders';
    return `violations: 0 (${overlaps}, no damage to the protected state)`;
  }
  return `violations: ${formatCount(report.totals.violations)} = ${nonZero.map((name) => `${VIOLATION_LABELS[name]} ${formatCount(parts[name])}`).join(' + ')}`;
}

/** The protected state against its ground truth, in the words of its story; null without `resource:`. */
export function resourceLine(report: Report): string | null {
  const resource = report.safety.resource;
  if (!resource) return null;
  const keys = `${formatCount(resource.keys)} key${resource.keys === 1 ? '' : 's'}`;
  switch (resource.type) {
    case 'inventory': {
      const verdict = resource.oversells > 0 ? `OVERSOLD by ${formatCount(resource.oversells)} units` : 'no oversell';
      const missed = resource.lostUpdates > 0 ? `; the stock count missed ${formatCount(resource.lostUpdates)} sales` : '';
      return `inventory: ${formatCount(resource.sold)} units sold of ${formatCount(resource.stock * resource.keys)} in stock (${keys} × ${formatCount(resource.stock)}): ${verdict}${missed}; ${formatCount(resource.skipped)} buyers found it sold out`;
    }
    case 'wallet': {
      const verdict =
        resource.negativeBalances > 0
          ? `balance went NEGATIVE ${formatCount(resource.negativeBalances)} time${resource.negativeBalances === 1 ? '' : 's'}, lowest ${formatCount(resource.minBalance)}`
          : `never below 0 (lowest ${formatCount(resource.minBalance)})`;
      return `wallet: ${formatCount(resource.debits)} debits, ${formatCount(resource.debited)} debited from ${formatCount(resource.keys)} wallet${resource.keys === 1 ? '' : 's'} of ${formatCount(resource.balance)}: ${verdict}; ${formatCount(resource.skipped)} payments declined for lack of funds`;
    }
    case 'seat': {
      const verdict = resource.doubleBookings > 0 ? `DOUBLE-BOOKED ${formatCount(resource.doubleBookings)} times` : 'no double booking';
      return `seats: ${formatCount(resource.bookings)} bookings of ${formatCount(resource.seatsBooked)} seats (of ${formatCount(resource.keys)}): ${verdict}; ${formatCount(resource.skipped)} found their seat taken`;
    }
    case 'counter': {
      const verdict = resource.lostUpdates > 0 ? `LOST ${formatCount(resource.lostUpdates)} updates` : 'no lost update';
      return `counter: ${formatCount(resource.increments)} increments, final value ${formatCount(resource.finalValue)} over ${keys}: ${verdict}`;
    }
  }
}

/** Stale writes: what fencing rejected, or what got through without it; null when no write was stale. */
export function fencingLine(report: Report): string | null {
  const resource = report.safety.resource;
  if (!resource) return null;
  const { staleWritesAccepted: accepted, staleWritesRejected: rejected } = resource;
  if (resource.fencing) return `fencing: ${formatCount(rejected)} stale writes rejected, ${formatCount(accepted)} accepted`;
  if (accepted === 0) return null;
  return `stale writes: ${formatCount(accepted)} writes from holders whose lock had already passed to a later holder were accepted (resource.fencing: true would reject them)`;
}

/** Attempts per acquisition and what the breakers did; null when nothing was attempted. */
export function retriesLine(report: Report): string | null {
  const retries = report.retries;
  if (!retries || report.totals.attempts === 0) return null;
  const grant = retries.perGrant;
  const parts = [`retries (${retries.strategy}): ${formatNumber(retries.attemptsPerAcquisition)} attempts per acquisition`];
  if (grant.count > 0) parts.push(`per granted request p50 ${formatCount(grant.p50)}, p99 ${formatCount(grant.p99)}, max ${formatCount(grant.max)}`);
  if (retries.perFailure.count > 0) parts.push(`per failed request mean ${formatNumber(retries.perFailure.mean)}`);
  if (retries.breaker) {
    parts.push(
      `circuit breaker opened ${formatCount(retries.breaker.opened)} time${retries.breaker.opened === 1 ? '' : 's'}, ${formatCount(retries.rejected)} requests failed fast`,
    );
  }
  return parts.join('; ');
}

/** A fault as written: `client-pause at 2s for 800ms on 50% of clients`. */
export function describeFault(fault: ReportFault | Omit<ReportFault, 'hits'>): string {
  const whom = fault.type === 'event-loop-block' ? 'worker threads' : 'clients';
  return `${fault.type} at ${formatMs(fault.atMs)} for ${formatMs(fault.durationMs)} on ${formatPercent(fault.fraction, 0)} of ${whom}`;
}

/** One line per fault, and the ghost locks crashed holders left; empty without faults. */
export function faultLines(report: Report): string[] {
  const faults = report.faults;
  if (!faults) return [];
  const lines = faults.windows.map((fault) => {
    const hit = fault.type === 'event-loop-block' ? `${formatCount(fault.hits)} worker thread(s) blocked` : `hit ${formatCount(fault.hits)} holder${fault.hits === 1 ? '' : 's'}`;
    return `fault ${describeFault(fault)}: ${hit}`;
  });
  const crashes = faults.crashes;
  if (crashes.count > 0) {
    const reclaimed =
      crashes.reclaimed > 0
        ? `; ${formatCount(crashes.reclaimed)} were granted again ${formatMs(crashes.reclaimedAfterMeanMs)} after the crash on average (max ${formatMs(crashes.reclaimedAfterMaxMs)})`
        : '';
    lines.push(
      `ghost locks: ${formatCount(crashes.count)} holders crashed without releasing; their keys stayed blocked until the TTL, ` +
        `${formatMs(crashes.blockedMeanMs)} on average (max ${formatMs(crashes.blockedMaxMs)}, ${formatMs(crashes.blockedTotalMs)} in all)${reclaimed}`,
    );
  }
  return lines;
}

/** Every safety-related line of a summary, in reading order. */
export function safetyLines(report: Report): string[] {
  return [safetyLine(report), resourceLine(report), fencingLine(report), violationsLine(report), retriesLine(report), ...faultLines(report)].filter(
    (line): line is string => line !== null,
  );
}
