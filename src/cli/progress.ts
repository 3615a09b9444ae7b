import type { RunProgress } from '../driver/coordinator.js';
import { formatCount, formatMs } from '../report/index.js';

/** One status line: elapsed/total, phase, grants/s, p99 so far, in-flight, waiters, failures. */
export function formatProgress(progress: RunProgress): string {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  return [
    `${seconds(Math.min(progress.elapsedMs, Math.max(progress.totalMs, progress.elapsedMs)))}/${seconds(progress.totalMs)}`,
    progress.phase,
    `${formatCount(progress.acquiredPerSec)} acq/s`,
    `p99 ${formatMs(progress.p99Ms)}`,
    `in-flight ${formatCount(progress.inFlight)}`,
    `waiters ${formatCount(progress.waiters)}`,
    `failed ${formatCount(progress.failed)}`,
  ].join('  ');
}

/** Writes progress to a stream: rewritten in place on a terminal, a line every few seconds otherwise. */
export function progressPrinter(stream: NodeJS.WriteStream): { update(progress: RunProgress): void; done(): void } {
  const interactive = stream.isTTY === true;
  let lastLine = 0;
  let shown = false;
  return {
    update(progress) {
      const line = formatProgress(progress);
      if (interactive) {
        stream.write(`\r\x1b[2K${line}`);
        shown = true;
      } else if (progress.elapsedMs - lastLine >= 5000 || lastLine === 0) {
        stream.write(`${line}\n`);
        lastLine = Math.max(1, progress.elapsedMs);
      }
    },
    done() {
      if (interactive && shown) stream.write('\r\x1b[2K');
    },
  };
}
