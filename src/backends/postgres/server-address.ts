import { createConnection } from 'node:net';

/**
 * Where the server is, as a reader may see it (`host:port`, never the
 * password), and the means to say what went wrong without leaking a secret.
 */
export class ServerAddress {
  readonly host: string;
  readonly port: number;
  /** `host:port` for messages */
  readonly text: string;
  private readonly secrets: string[];

  constructor(url: string) {
    const parsed = new URL(url);
    this.host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = parsed.port === '' ? 5432 : Number(parsed.port);
    this.text = `${parsed.hostname}:${this.port}`;
    this.secrets = parsed.password === '' ? [] : [...new Set([parsed.password, decodeURIComponent(parsed.password)])];
  }

  /** A short one-line reason for `error`, with any password from the URL masked. */
  describe(error: unknown): string {
    const failure = error as { message?: string; code?: string; severity?: string };
    let reason = REASONS.get(failure.message ?? '') ?? REASONS.get(failure.code ?? '') ?? (failure.message || String(error));
    // errors the server sent carry a severity and a SQLSTATE
    if (failure.severity && failure.code) reason += ` (SQLSTATE ${failure.code})`;
    for (const secret of this.secrets) reason = reason.replaceAll(secret, '***');
    return reason.replace(/\s+/g, ' ').trim();
  }

  /**
   * Asks the server to cancel what `pid` is running (the protocol's
   * CancelRequest on a new connection; the server answers by closing it).
   * Fire and forget: the cancelled statement fails with SQLSTATE 57014.
   */
  sendCancel(pid: number, secretKey: number, timeoutMs: number): void {
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(80877102, 4); // the CancelRequest code
    packet.writeInt32BE(pid, 8);
    packet.writeInt32BE(secretKey, 12);
    const socket = createConnection({ host: this.host, port: this.port });
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('connect', () => socket.end(packet));
  }
}

/** Socket error codes and client messages worth a plainer word. */
const REASONS = new Map([
  ['timeout expired', 'connect timed out'],
  ['Connection terminated unexpectedly', 'connection lost'],
  ['ECONNREFUSED', 'connection refused'],
  ['ECONNRESET', 'connection reset'],
  ['EHOSTUNREACH', 'host unreachable'],
  ['ENETUNREACH', 'network unreachable'],
  ['ENOTFOUND', 'host not found'],
  ['ETIMEDOUT', 'connect timed out'],
  ['EPIPE', 'connection lost'],
]);
