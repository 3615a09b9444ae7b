import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Report } from '../../src/report/index.js';
import { runCli, tempDir } from './cli.js';

/**
 * Runs a built-in safety scenario with the built CLI and returns its report; exit 0 means
 * its thresholds (the claim in its description) held. `args` adds flags such as --set; `out` is the report folder.
 */
export async function runClaim(id: string, args: readonly string[] = [], out = join(tempDir(), id.replace(/\W/g, '-'))): Promise<Report> {
  const result = await runCli(['run', `safety/${id}`, '--out', out, '-q', ...args]);
  expect(result.code, `${id}: ${result.stdout}\n${result.stderr}`).toBe(0);
  return readReport(out);
}

/** report.json of a run folder. */
export function readReport(dir: string): Report {
  return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
}
