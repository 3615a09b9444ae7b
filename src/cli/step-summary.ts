/** GitHub Actions job summary: when GITHUB_STEP_SUMMARY names a file, markdown is appended to it. */
import { appendFile } from 'node:fs/promises';

/** Appends `markdown` to $GITHUB_STEP_SUMMARY if set; returns a warning line when that failed (never throws). */
export async function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return undefined;
  try {
    await appendFile(file, markdown.endsWith('\n') ? `${markdown}\n` : `${markdown}\n\n`, 'utf8');
    return undefined;
  } catch (error) {
    return `could not append to GITHUB_STEP_SUMMARY (${file}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}
