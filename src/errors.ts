/** Exit codes, in one place (DESIGN.md "Exit codes"). */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  backendUnavailable: 3,
  gateFailed: 99,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Base of every error lockbench expects; carries the exit code it maps to. */
export abstract class LockbenchError extends Error {
  abstract readonly exitCode: ExitCode;
}

/** Bad scenario or usage; the message is one line, `file:line:col: path: what is allowed`. */
export class ScenarioError extends LockbenchError {
  readonly exitCode = ExitCode.usage;
  constructor(
    message: string,
    readonly location?: { readonly file: string; readonly line: number; readonly col: number; readonly path: string },
  ) {
    super(location ? `${location.file}:${location.line}:${location.col}: ${location.path ? location.path + ': ' : ''}${message}` : message);
    this.name = 'ScenarioError';
  }
}

/** Invalid CLI usage (flags), exit 2. */
export class UsageError extends LockbenchError {
  readonly exitCode = ExitCode.usage;
  override name = 'UsageError';
}

/** The lock backend could not be reached at connect time; the message never holds a secret. */
export class BackendUnavailableError extends LockbenchError {
  readonly exitCode = ExitCode.backendUnavailable;
  override name = 'BackendUnavailableError';
}

/** Maps any thrown value to an exit code and a one-line message (no stack unless internal). */
export function describeFailure(error: unknown): { exitCode: ExitCode; message: string } {
  if (error instanceof LockbenchError) return { exitCode: error.exitCode, message: error.message };
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { exitCode: ExitCode.internal, message: `internal error: ${message}` };
}
