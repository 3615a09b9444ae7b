/** Writes a report's files atomically into `<dir>/<scenario>-<UTC stamp>/`: report.json, summary.md, report.html and the rest asked for. */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ReportFormat } from '../scenario/types.js';
import { formatSeriesCsv } from './csv.js';
import { hgrmFiles } from './hgrm.js';
import { formatHtmlReport } from './html/page.js';
import { formatJunit } from './junit.js';
import { formatMarkdownSummary } from './markdown.js';
import type { Report } from './types.js';

/** The file each single-file format is written to (hgrm writes one file per latency, see hgrmFileName). */
export const REPORT_FILES: Readonly<Record<Exclude<ReportFormat, 'hgrm'>, string>> = {
  json: 'report.json',
  md: 'summary.md',
  html: 'report.html',
  csv: 'series.csv',
  junit: 'junit.xml',
};

/** A file of a report: its name in the run's folder and its text. */
export interface RenderedFile {
  readonly name: string;
  readonly content: string;
}

export interface WriteReportOptions {
  /** the parent folder (scenario `report.dir`, e.g. "reports"); created if missing */
  readonly dir: string;
  readonly formats: readonly ReportFormat[];
  /** when the folder is stamped @default new Date() */
  readonly now?: Date;
}

/** Where a report went: the run's folder and the files in it. */
export interface WrittenReport {
  readonly dir: string;
  readonly files: string[];
}

/** Writes into a new folder `<dir>/<scenario name>-<YYYYMMDDTHHMMSSZ>` (`-2`, `-3`… when taken). */
export async function writeReport(report: Report, options: WriteReportOptions): Promise<WrittenReport> {
  await mkdir(options.dir, { recursive: true });
  const runDir = await claimFolder(path.join(options.dir, `${safeFileName(report.scenario.name)}-${utcStamp(options.now ?? new Date())}`));
  return { dir: runDir, files: await writeFormats(report, runDir, options.formats) };
}

/** Writes into exactly `dir` (`--out DIR`), creating it; existing report files there are replaced. */
export async function writeReportToDir(report: Report, dir: string, formats: readonly ReportFormat[]): Promise<WrittenReport> {
  await mkdir(dir, { recursive: true });
  return { dir, files: await writeFormats(report, dir, formats) };
}

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function utcStamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** The files of one format, rendered (hgrm: one per latency that has a histogram). */
export function renderReportFiles(report: Report, format: ReportFormat): RenderedFile[] {
  switch (format) {
    case 'json':
      return [{ name: REPORT_FILES.json, content: `${JSON.stringify(report, null, 2)}\n` }];
    case 'md':
      return [{ name: REPORT_FILES.md, content: formatMarkdownSummary(report) }];
    case 'html':
      return [{ name: REPORT_FILES.html, content: formatHtmlReport(report) }];
    case 'csv':
      return [{ name: REPORT_FILES.csv, content: formatSeriesCsv(report) }];
    case 'junit':
      return [{ name: REPORT_FILES.junit, content: formatJunit(report) }];
    case 'hgrm':
      return hgrmFiles(report.latency);
  }
}

// mkdir without `recursive` fails on an existing folder, so two runs in one second never share one
export async function claimFolder(base: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const candidate = attempt === 1 ? base : `${base}-${attempt}`;
    try {
      await mkdir(candidate);
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

async function writeFormats(report: Report, dir: string, formats: readonly ReportFormat[]): Promise<string[]> {
  const files: string[] = [];
  for (const format of new Set(formats)) {
    for (const rendered of renderReportFiles(report, format)) {
      const file = path.join(dir, rendered.name);
      await writeAtomically(file, rendered.content);
      files.push(file);
    }
  }
  return files;
}

// a reader (CI, a dashboard) never sees half a file: write beside it, then rename over it
export async function writeAtomically(file: string, content: string): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, content, 'utf8');
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

// scenario names become folder names: keep them portable
export function safeFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|-+$/g, '');
  return safe || 'scenario';
}
