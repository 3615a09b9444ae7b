/**
 * What went wrong talking to Redis, in one short line that names the server and
 * never a password, and counted by kind for the report's `backend.stats`.
 */

/** The kinds of failure a lock command can meet, as named in `backend.stats`. */
type FailureKind = 'commands refused while disconnected' | 'commands lost with the connection' | 'command timeouts' | 'server error replies';

/** Which kind an ioredis error is (by its message/name: ioredis has no error codes for these). */
function kindOf(error: Error): FailureKind {
  const { message } = error;
  if (message === 'Command timed out') return 'command timeouts';
  if (error.name === 'MaxRetriesPerRequestError' || message === 'Connection is closed.') return 'commands lost with the connection';
  if (message.startsWith("Stream isn't writeable") || message.startsWith("Cluster isn't ready") || message === 'None of startup nodes is available') {
    return 'commands refused while disconnected';
  }
  return 'server error replies';
}

/** Counts failures by kind and turns them into short messages for the report's warnings. */
export class FailureLog {
  private readonly counts: Record<FailureKind, number> = {
    'commands refused while disconnected': 0,
    'commands lost with the connection': 0,
    'command timeouts': 0,
    'server error replies': 0,
  };
  private readonly secrets: readonly string[];

  /**
   * @param where how the messages name the server(s), e.g. `redis 127.0.0.1:6379`
   * @param commandTimeoutMs for the timeout message
   * @param secrets strings masked out of any message (passwords)
   */
  constructor(
    private readonly where: string,
    private readonly commandTimeoutMs: number,
    secrets: readonly (string | undefined)[],
  ) {
    this.secrets = secrets.filter((secret): secret is string => secret !== undefined && secret !== '');
  }

  /** Counts `error` and returns the error to throw from acquire/release/extend. */
  failed(error: unknown): Error {
    const cause = error instanceof Error ? error : new Error(String(error));
    const kind = kindOf(cause);
    this.counts[kind]++;
    return new Error(this.describe(kind, cause), { cause });
  }

  /** The counts so far, every kind present (0 when it never happened). */
  stats(): Record<string, number> {
    return { ...this.counts };
  }

  /** One line: where, and what happened. */
  private describe(kind: FailureKind, error: Error): string {
    switch (kind) {
      case 'command timeouts':
        return `${this.where}: no answer within the command timeout (${this.commandTimeoutMs} ms)`;
      case 'commands refused while disconnected':
        return `${this.where}: not connected (the command was refused at once; the client keeps reconnecting)`;
      case 'commands lost with the connection':
        return `${this.where}: connection lost while the command was in flight (its outcome is unknown)`;
      case 'server error replies':
        return `${this.where}: ${this.mask(firstLine(error.message))}`;
    }
  }

  /** `text` with every secret replaced by ***. */
  mask(text: string): string {
    let masked = text;
    for (const secret of this.secrets) masked = masked.split(secret).join('***');
    return masked;
  }
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}
