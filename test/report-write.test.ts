import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildReport, formatMarkdownSummary, writeReport, writeReportToDir } from '../src/report/index.js';
import type { Report } from '../src/report/index.js';
import { BASE_INPUT, makeMeasurements, makeScenario } from './report-fixture.js';

let root: string;
let report: Report;
const now = new Date(Date.UTC(2025, 0, 15, 10, 0, 7, 450));

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'lockbench-report-'));
  report = buildReport({ ...BASE_INPUT, measurements: makeMeasurements(), scenario: makeScenario() });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeReport', () => {
  it('writes report.json and summary.md into <dir>/<name>-<UTC stamp>/', async () => {
    const reportsDir = path.join(root, 'reports');
    const written = await writeReport(report, { dir: reportsDir, formats: ['json', 'md'], now });
    expect(written.dir).toBe(path.join(reportsDir, 'tatkal-10am-20250115T100007Z'));
    expect(path.basename(written.dir)).toMatch(/^tatkal-10am-\d{8}T\d{6}Z$/);
    expect(written.files).toEqual([path.join(written.dir, 'report.json'), path.join(written.dir, 'summary.md')]);
    expect((await readdir(written.dir)).sort()).toEqual(['report.json', 'summary.md']);
  });

  it('round-trips report.json and ends it with a newline', async () => {
    const written = await writeReport(report, { dir: root, formats: ['json'], now });
    const text = await readFile(path.join(written.dir, 'report.json'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "schemaVersion": 1,');
    expect(JSON.parse(text)).toEqual(report);
  });

  it('writes the markdown summary', async () => {
    const written = await writeReport(report, { dir: root, formats: ['md'], now });
    expect(await readFile(path.join(written.dir, 'summary.md'), 'utf8')).toBe(formatMarkdownSummary(report));
    expect(await readdir(written.dir)).toEqual(['summary.md']);
  });

  it('takes -2, -3 when a run of the same scenario was written in the same second', async () => {
    const first = await writeReport(report, { dir: root, formats: ['json'], now });
    const second = await writeReport(report, { dir: root, formats: ['json'], now });
    const third = await writeReport(report, { dir: root, formats: ['json'], now });
    expect(second.dir).toBe(`${first.dir}-2`);
    expect(third.dir).toBe(`${first.dir}-3`);
    expect((await readdir(root)).sort()).toEqual(['tatkal-10am-20250115T100007Z', 'tatkal-10am-20250115T100007Z-2', 'tatkal-10am-20250115T100007Z-3']);
  });

  it('keeps unusual scenario names inside the reports folder', async () => {
    const odd = { ...report, scenario: { ...report.scenario, name: '../flash sale/2025' } };
    const written = await writeReport(odd, { dir: root, formats: ['json'], now });
    expect(path.dirname(written.dir)).toBe(root);
    expect(path.basename(written.dir)).toBe('flash-sale-2025-20250115T100007Z');
  });
});

describe('writeReportToDir', () => {
  it('writes into exactly the folder given, creating it, and replaces files there', async () => {
    const out = path.join(root, 'ci', 'out');
    await writeReportToDir(report, out, ['json', 'md']);
    const written = await writeReportToDir(report, out, ['json', 'md']);
    expect(written.dir).toBe(out);
    expect((await readdir(out)).sort()).toEqual(['report.json', 'summary.md']);
    expect((await stat(path.join(out, 'report.json'))).isFile()).toBe(true);
    expect(JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'))).toEqual(report);
  });
});
