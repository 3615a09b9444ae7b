/** The comparison of a matrix's variants, for the console (cli-table3) and for matrix.md. */
import { renderConsoleTable } from './console.js';
import { escapeMarkdown, renderMarkdownTable } from './markdown.js';
import { stringify } from 'yaml';
import { formatCount, formatMs, formatNumber, formatPercent, formatRate } from './format.js';
import type { MatrixReport, MatrixRow } from './matrix.js';
import { thresholdLine, type SummaryTable } from './sections.js';

/** One row per variant: throughput, acquire p50/p99, success, timeouts, violations, attempts per acquisition (rejected with a breaker), gates. */
export function matrixTable(matrix: MatrixReport): SummaryTable {
  const withRejected = matrix.variants.some((row) => (row.rejected ?? 0) > 0);
  const head = ['variant', 'throughput', 'acquire p50', 'acquire p99', 'success', 'timeouts', 'violations', 'attempts/acq', ...(withRejected ? ['rejected'] : []), 'gates'];
  return {
    head,
    rows: matrix.variants.map((row) => {
      if (row.status === 'not-run') return [row.name, 'not run', ...head.slice(2).map(() => '')];
      return [
        row.status === 'complete' ? row.name : `${row.name} (${row.status === 'aborted' ? 'aborted' : 'partial'})`,
        formatRate(row.throughput),
        formatMs(row.acquireP50Ms),
        formatMs(row.acquireP99Ms),
        formatPercent(row.successRate),
        formatCount(row.timeouts),
        formatCount(row.violations),
        formatNumber(row.attemptsPerAcquisition),
        ...(withRejected ? [formatCount(row.rejected)] : []),
        gateCell(row),
      ];
    }),
  };
}

/** `pass`, `FAIL 1 of 3`, `ABORTED` or `-` (no thresholds). */
function gateCell(row: MatrixRow): string {
  if (row.status === 'aborted') return 'ABORTED';
  const thresholds = row.thresholds;
  if (!thresholds || thresholds.total === 0) return '-';
  return thresholds.failed.length === 0 ? 'pass' : `FAIL ${thresholds.failed.length} of ${thresholds.total}`;
}

/** `lockbench run: granularity, 3 variants` and whether Ctrl-C cut it short. */
export function matrixHeadline(matrix: MatrixReport): string {
  const notRun = matrix.variants.filter((row) => row.status === 'not-run').length;
  const variants = `${matrix.variants.length} variant${matrix.variants.length === 1 ? '' : 's'}`;
  const cut = matrix.interrupted ? ` — INTERRUPTED (${notRun} not run)` : '';
  return `lockbench ${matrix.mode === 'simulated' ? 'simulate' : 'run'}: ${matrix.scenario.name}, ${variants}${cut}`;
}

/** `resources.count=1000, lock.retry={ strategy: fixed, delay: 0ms }` */
export function formatVariantSet(set: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(set);
  if (entries.length === 0) return '(the scenario as written)';
  return entries.map(([path, value]) => `${path}=${stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim()}`).join(', ');
}

/** What each variant changes, and what a reader should look at under the table: failed gates, warnings. */
function noteLines(matrix: MatrixReport): { variants: string[]; notes: string[] } {
  const variants = matrix.variants.map((row) => `${row.name}: ${formatVariantSet(row.set)}${row.description ? ` — ${row.description}` : ''}`);
  const notes: string[] = [];
  for (const row of matrix.variants) {
    for (const threshold of row.thresholds?.failed ?? []) notes.push(`${row.name}: ${thresholdLine(threshold)}`);
    if (row.warnings) notes.push(`${row.name}: ${row.warnings} warning${row.warnings === 1 ? '' : 's'} (see its report in ${row.dir}/)`);
  }
  return { variants, notes };
}

/** The console comparison: headline, table, what each variant sets, failed gates and warnings. */
export function formatConsoleMatrix(matrix: MatrixReport): string {
  const { variants, notes } = noteLines(matrix);
  const blocks = [matrixHeadline(matrix), renderConsoleTable(matrixTable(matrix)), ['variants:', ...variants.map((line) => `  ${line}`)].join('\n')];
  if (notes.length > 0) blocks.push(notes.join('\n'));
  return `${blocks.join('\n\n')}\n`;
}

/** matrix.md: the same comparison as GitHub-flavoured markdown, linking each variant's folder. */
export function formatMarkdownMatrix(matrix: MatrixReport): string {
  const { notes } = noteLines(matrix);
  const blocks = [`# lockbench matrix: ${escapeMarkdown(matrix.scenario.name)}`];
  if (matrix.scenario.description) blocks.push(escapeMarkdown(matrix.scenario.description));
  if (matrix.interrupted) blocks.push('> **Interrupted:** Ctrl-C stopped the matrix; the variant running then is partial and the ones after it did not run.');
  blocks.push(
    [
      `- **mode:** ${matrix.mode}`,
      `- **started:** ${matrix.startedAt}`,
      `- **scenario file:** ${escapeMarkdown(matrix.scenario.file)} (sha256 \`${matrix.scenario.sha256.slice(0, 12)}\`)`,
      `- **lockbench:** ${escapeMarkdown(matrix.tool.version)}`,
    ].join('\n'),
  );
  blocks.push('## Comparison', renderMarkdownTable(matrixTable(matrix)));
  blocks.push(
    '## Variants',
    matrix.variants
      .map((row) => {
        const link = row.dir ? ` ([${escapeMarkdown(row.dir)}/](${encodeURI(row.dir)}/))` : ' (not run)';
        return `- **${escapeMarkdown(row.name)}**${link}: \`${formatVariantSet(row.set).replace(/`/g, "'")}\`${row.description ? ` — ${escapeMarkdown(row.description)}` : ''}`;
      })
      .join('\n'),
  );
  if (notes.length > 0) blocks.push('## Gates and warnings', notes.map((line) => `- ${escapeMarkdown(line)}`).join('\n'));
  return `${blocks.join('\n\n')}\n`;
}
