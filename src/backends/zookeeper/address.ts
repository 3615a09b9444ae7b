import { createConnection } from 'node:net';

/** One server of the ensemble. */
interface Server {
  readonly host: string;
  readonly port: number;
}

/** Socket error codes worth a plainer word. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  ETIMEDOUT: 'connect timed out',
};

/**
 * The ensemble of a connect string `host:port[,host:port…][/chroot]`, as a
 * reader sees it in messages (`127.0.0.1:2181`; ZooKeeper connect strings
 * carry no passwords), and a plain TCP probe of it.
 */
export class EnsembleAddress {
  /** the host:port list, for messages */
  readonly text: string;
  readonly chroot: string | undefined;
  private readonly servers: readonly Server[];

  constructor(connect: string) {
    const slash = connect.indexOf('/');
    this.text = slash === -1 ? connect : connect.slice(0, slash);
    this.chroot = slash === -1 || slash === connect.length - 1 ? undefined : connect.slice(slash);
    this.servers = this.text.split(',').map((entry) => {
      const colon = entry.lastIndexOf(':');
      return { host: entry.slice(0, colon), port: Number(entry.slice(colon + 1)) };
    });
  }

  /**
   * Resolves once any server accepts a TCP connection within `timeoutMs`, so
   * an ensemble where nothing listens fails at once ("connection refused")
   * instead of after the client's endless reconnect loop; rejects with the
   * last server's reason, in plain words.
   */
  async probe(timeoutMs: number): Promise<void> {
    let reason = 'no server';
    for (const server of this.servers) {
      try {
        return await probeOne(server, timeoutMs);
      } catch (error) {
        reason = describeSocketError(error);
      }
    }
    throw new Error(reason);
  }
}

function probeOne(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: server.host, port: server.port });
    socket.setTimeout(timeoutMs, () => socket.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** A socket failure in a few plain words. */
function describeSocketError(error: unknown): string {
  const failure = error as { code?: string; message?: string };
  return REASONS[failure.code ?? ''] ?? failure.message ?? String(error);
}
