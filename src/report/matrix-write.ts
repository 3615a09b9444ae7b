/** Where a matrix run goes: `<dir>/<scenario>-<UTC stamp>/`, one folder per variant, and matrix.json + matrix.md beside them. */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { MatrixReport } from './matrix.js';
import { formatMarkdownMatrix } from './matrix-summary.js';
import { claimFolder, safeFileName, utcStamp, writeAtomically } from './write.js';

/** The files of a matrix folder beside the variants' folders. */
export const MATRIX_FILES = { json: 'matrix.json', md: 'matrix.md' } as const;

/** Creates a new `<dir>/<scenario name>-<YYYYMMDDTHHMMSSZ>` (`-2`, `-3`… when taken) and returns it. */
export async function claimMatrixDir(dir: string, scenarioName: string, now: Date): Promise<string> {
  await mkdir(dir, { recursive: true });
  return claimFolder(path.join(dir, `${safeFileName(scenarioName)}-${utcStamp(now)}`));
}

/** Writes matrix.json and matrix.md into the matrix folder (each to a temp name, then renamed); returns their paths. */
export async function writeMatrixFiles(dir: string, matrix: MatrixReport): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const json = path.join(dir, MATRIX_FILES.json);
  const markdown = path.join(dir, MATRIX_FILES.md);
  await writeAtomically(json, `${JSON.stringify(matrix, null, 2)}\n`);
  await writeAtomically(markdown, formatMarkdownMatrix(matrix));
  return [json, markdown];
}
