/** `lockbench report <report.json>`: re-render a report (from a run, or later a simulation) into other formats. */
import path from 'node:path';
import { ExitCode } from '../errors.js';
import { formatConsoleSummary, readReportFile, resolveReportPath, writeReportToDir } from '../report/index.js';
import type { ReportFormat } from '../scenario/types.js';
import { parseFormats } from './report-options.js';

/** The flags of `lockbench report`. */
export interface ReportFlags {
  format?: string;
  out?: string;
}

/** What `lockbench report` writes when --format is not given. */
export const RERENDER_FORMATS: readonly ReportFormat[] = ['html', 'md'];

/** Writes the formats beside the report.json (or into --out) and prints the console summary. */
export async function reportCommand(file: string, flags: ReportFlags): Promise<ExitCode> {
  const formats = parseFormats(flags.format, RERENDER_FORMATS);
  const reportFile = resolveReportPath(file);
  const report = await readReportFile(reportFile);
  const written = await writeReportToDir(report, flags.out ?? path.dirname(reportFile), formats);
  process.stdout.write(formatConsoleSummary(report));
  for (const writtenFile of written.files) process.stderr.write(`wrote ${writtenFile}\n`);
  if (formats.includes('hgrm') && !written.files.some((writtenFile) => writtenFile.endsWith('.hgrm'))) {
    process.stderr.write('no .hgrm written: this report carries no histograms (latency.<name>.hdr)\n');
  }
  return ExitCode.ok;
}
