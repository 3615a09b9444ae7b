import type { Socket } from 'node:net';
import type { Client } from 'node-zookeeper-client';

/**
 * The private parts of node-zookeeper-client 1.1.x's connection manager that
 * the watchdog reads. If a later version renames them, the watchdog does nothing.
 */
interface ConnectionInternals {
  readonly socket?: Socket;
  /** requests sent and not yet answered, oldest first */
  readonly pendingQueue?: readonly unknown[];
}

function internalsOf(client: Client): ConnectionInternals | undefined {
  return (client as unknown as { connectionManager?: ConnectionInternals }).connectionManager;
}

/** Closes the client's TCP connection at once (a client given up on before its handshake would otherwise linger). */
export function dropConnection(client: Client): void {
  internalsOf(client)?.socket?.destroy();
}

const TICK_MS = 250;

/**
 * Supplies the two timeouts node-zookeeper-client lacks and the Java client
 * has: once the TCP connection is up it waits for the handshake answer forever
 * (seen on every server restart: the client hangs in CONNECTING), and it never
 * notices a server that stops answering. The watchdog destroys such a socket;
 * the client then fails the pending requests with CONNECTION_LOSS and
 * reconnects, resuming the same session if it still lives.
 *
 * Time is counted in ticks of the event loop, so a process that is itself
 * stalled (GC, SIGSTOP) does not blame the server for it.
 */
export class ConnectionWatchdog {
  private readonly timer: NodeJS.Timeout;
  private elapsedMs = 0;
  private socket: Socket | undefined;
  private socketSinceMs = 0;
  private oldestRequest: unknown;
  private oldestSinceMs = 0;

  /**
   * @param connected whether the session handshake has completed on the current connection
   * @param handshakeTimeoutMs how long a TCP connection may wait for the handshake answer
   * @param sessionTimeoutMs the negotiated session timeout; the oldest request may go unanswered 2/3 of it (as in the Java client)
   */
  constructor(client: Client, connected: () => boolean, handshakeTimeoutMs: () => number, sessionTimeoutMs: () => number) {
    const internals = internalsOf(client);
    this.timer = setInterval(() => {
      if (!internals) return;
      this.elapsedMs += TICK_MS;
      if (!connected()) this.checkHandshake(internals.socket, handshakeTimeoutMs());
      else this.checkAnswers(internals.socket, internals.pendingQueue?.[0], (sessionTimeoutMs() * 2) / 3);
    }, TICK_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private checkHandshake(socket: Socket | undefined, timeoutMs: number): void {
    this.oldestRequest = undefined;
    if (!socket || socket.connecting || socket.destroyed) {
      this.socket = undefined;
      return;
    }
    if (socket !== this.socket) {
      this.socket = socket;
      this.socketSinceMs = this.elapsedMs;
    } else if (this.elapsedMs - this.socketSinceMs >= timeoutMs) {
      this.socket = undefined;
      socket.destroy();
    }
  }

  private checkAnswers(socket: Socket | undefined, oldest: unknown, timeoutMs: number): void {
    this.socket = undefined;
    if (oldest === undefined) {
      this.oldestRequest = undefined;
      return;
    }
    if (oldest !== this.oldestRequest) {
      this.oldestRequest = oldest;
      this.oldestSinceMs = this.elapsedMs;
    } else if (this.elapsedMs - this.oldestSinceMs >= timeoutMs) {
      this.oldestRequest = undefined;
      socket?.destroy();
    }
  }
}
