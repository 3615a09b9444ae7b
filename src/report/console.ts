/** The console summary of a run: plain cli-table3 tables (no colour codes) and one-line verdicts. */
import Table from 'cli-table3';
import type { ReportComparison } from './compare.js';
import { comparedRunLine, comparisonTable, comparisonVerdict } from './comparison-sections.js';
import {
  abortLine,
  backendLines,
  columnAlignment,
  holdMixTable,
  latencyTable,
  littleLine,
  phasesTable,
  runHeadline,
  safetyLines,
  thresholdLine,
  thresholdsHeadline,
  totalsTable,
} from './sections.js';
import type { SummaryTable } from './sections.js';
import type { Report } from './types.js';

/** The console summary as a string (the CLI prints it; colour, if any, is the CLI's business). */
export function formatConsoleSummary(report: Report): string {
  const abort = abortLine(report);
  const blocks: string[] = [abort ? `${runHeadline(report)}\n${abort}` : runHeadline(report), renderConsoleTable(latencyTable(report)), renderConsoleTable(totalsTable(report))];
  if (report.phases.length > 0) blocks.push(renderConsoleTable(phasesTable(report)));
  const holdMix = holdMixTable(report);
  if (holdMix) blocks.push(renderConsoleTable(holdMix));
  blocks.push([littleLine(report), ...safetyLines(report), ...backendLines(report)].join('\n'));
  if (report.thresholds.length > 0) {
    blocks.push([thresholdsHeadline(report), ...report.thresholds.map((threshold) => `  ${thresholdLine(threshold)}`)].join('\n'));
  }
  if (report.baseline) blocks.push(formatConsoleComparison(report.baseline).trimEnd());
  if (report.warnings.length > 0) {
    blocks.push(['warnings:', ...report.warnings.map((warning) => `  ! ${warning}`)].join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}

/** A comparison of two reports: which runs, the side-by-side table, and the verdict. */
export function formatConsoleComparison(comparison: ReportComparison): string {
  return (
    [
      comparedRunLine('base', comparison.base),
      comparedRunLine('new', comparison.next),
      ...comparison.notes.map((note) => `note: ${note}`),
      renderConsoleTable(comparisonTable(comparison)),
      comparisonVerdict(comparison),
    ].join('\n') + '\n'
  );
}

/** A summary table as the console shows every lockbench table: plain cli-table3, compact, no colour. */
export function renderConsoleTable(table: SummaryTable): string {
  const rendered = new Table({
    head: [...table.head],
    style: { head: [], border: [], compact: true },
    colAligns: columnAlignment(table),
  });
  for (const row of table.rows) rendered.push([...row]);
  return rendered.toString();
}
