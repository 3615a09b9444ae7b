import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repoRoot, 'bin', 'lockbench.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI (npm test builds first) as a user would, without a terminal. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; onSpawn?: (child: ReturnType<typeof spawn>) => void; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd ?? repoRoot,
      // a CI job summary is the user's, not the tests': only a test that sets it gets one
      env: { ...withoutStepSummary(process.env), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    options.onSpawn?.(child);
  });
}

function withoutStepSummary(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { GITHUB_STEP_SUMMARY: _ignored, ...rest } = env;
  return rest;
}

/** A fresh temp folder. */
export function tempDir(prefix = 'lockbench-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a scenario file into a fresh temp folder and returns its path. */
export function writeScenario(yaml: string, name = 'scenario.yaml'): string {
  const file = join(tempDir(), name);
  writeFileSync(file, yaml);
  return file;
}
