/** summary.md: the console summary's content as GitHub-flavoured markdown. */
import type { ReportComparison } from './compare.js';
import { comparedRunLine, comparisonTable, comparisonVerdict } from './comparison-sections.js';
import { formatMs } from './format.js';
import {
  abortLine,
  backendLines,
  columnAlignment,
  holdMixTable,
  latencyTable,
  littleLine,
  phasesTable,
  safetyLines,
  thresholdLine,
  thresholdsHeadline,
  totalsTable,
} from './sections.js';
import type { SummaryTable } from './sections.js';
import type { Report } from './types.js';

/** The markdown summary of a run (for summary.md, PR comments, CI job summaries). */
export function formatMarkdownSummary(report: Report): string {
  const blocks: string[] = [`# lockbench: ${escapeMarkdown(report.scenario.name)}`];
  if (report.scenario.description) blocks.push(escapeMarkdown(report.scenario.description));
  const abort = abortLine(report);
  if (abort) blocks.push(`> **Aborted:** ${escapeMarkdown(abort)}.`);
  else if (report.interrupted) blocks.push('> **Interrupted:** the run was stopped early; this report covers only what was measured.');
  blocks.push(
    [
      `- **backend:** ${escapeMarkdown(report.backend.type)}`,
      `- **started:** ${report.startedAt}`,
      `- **duration:** ${formatMs(report.durationMs)}${report.interrupted ? ' (interrupted)' : ''}`,
      `- **workers:** ${report.environment.workers} on ${report.environment.cpus} CPUs (${report.environment.platform}/${report.environment.arch}, Node ${report.environment.node})`,
      `- **scenario file:** ${escapeMarkdown(report.scenario.file)} (sha256 \`${report.scenario.sha256.slice(0, 12)}\`)`,
      `- **lockbench:** ${escapeMarkdown(report.tool.version)}`,
    ].join('\n'),
  );
  blocks.push('## Latency', renderMarkdownTable(latencyTable(report)));
  blocks.push('## Totals and rates', renderMarkdownTable(totalsTable(report)));
  if (report.phases.length > 0) blocks.push('## Phases', renderMarkdownTable(phasesTable(report)));
  const holdMix = holdMixTable(report);
  if (holdMix) blocks.push('## Hold mix', renderMarkdownTable(holdMix));
  blocks.push('## Queueing and safety', [littleLine(report), ...safetyLines(report)].map((line) => `- ${escapeMarkdown(line)}`).join('\n'));
  const backend = backendLines(report);
  if (backend.length > 0) blocks.push('## Backend', backend.map((line) => `- ${escapeMarkdown(line)}`).join('\n'));
  if (report.thresholds.length > 0) {
    blocks.push(
      '## Thresholds',
      [`${thresholdsHeadline(report)}`, '', ...report.thresholds.map((threshold) => `- ${escapeMarkdown(thresholdLine(threshold))}`)].join('\n'),
    );
  }
  if (report.baseline) blocks.push('## Against the baseline', comparisonBody(report.baseline));
  if (report.warnings.length > 0) {
    blocks.push('## Warnings', report.warnings.map((warning) => `- ⚠️ ${escapeMarkdown(warning)}`).join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}

/** A comparison of two reports as markdown (`lockbench compare`, and the job summary of a run with --baseline). */
export function formatMarkdownComparison(comparison: ReportComparison): string {
  return `## lockbench compare: ${escapeMarkdown(comparison.next.scenario)}\n\n${comparisonBody(comparison)}\n`;
}

function comparisonBody(comparison: ReportComparison): string {
  const verdict = comparison.regressed ? `**${escapeMarkdown(comparisonVerdict(comparison))}**` : escapeMarkdown(comparisonVerdict(comparison));
  return [
    [`- ${escapeMarkdown(comparedRunLine('base', comparison.base))}`, `- ${escapeMarkdown(comparedRunLine('new', comparison.next))}`].join('\n'),
    verdict,
    ...comparison.notes.map((note) => `> ${escapeMarkdown(note)}`),
    renderMarkdownTable(comparisonTable(comparison)),
  ].join('\n\n');
}

/** A summary table in GitHub markdown, cells escaped. */
export function renderMarkdownTable(table: SummaryTable): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(escapeCell).join(' | ')} |`;
  const align = columnAlignment(table).map((side) => (side === 'left' ? ':---' : '---:'));
  return [line(table.head), `|${align.map((cell) => ` ${cell} `).join('|')}|`, ...table.rows.map(line)].join('\n');
}

/** Text for markdown: `*`, `_`, `<` in names and paths would otherwise read as formatting or HTML. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_<>[\]])/g, '\\$1');
}

function escapeCell(text: string): string {
  return escapeMarkdown(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
