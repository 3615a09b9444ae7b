import { Redis } from 'ioredis';
import type { BackendSpecOf } from '../../scenario/types.js';
import { redisAddress, redisOptions } from '../redis/connection.js';
import { defineLockCommands, type LockCommands } from '../redis/scripts.js';
import { defineFenceCommand, type FenceCommands } from './fence.js';

/** The redlock backend's spec. */
export type RedlockSpec = BackendSpecOf<'redlock'>;

/** A node's connection with every lock command defined. */
export type NodeClient = Redis & LockCommands & FenceCommands;

/**
 * One independent Redis node of a Redlock set: a single
 * connection (enough for any number of concurrent clients of one worker), and
 * how often it failed or did not answer in time.
 */
export class RedlockNode {
  /** host:port, for messages and stats (never user or password) */
  readonly address: string;
  readonly client: NodeClient;
  /** commands that failed (error reply, connection lost, not connected) */
  errors = 0;
  /** commands with no answer within the node timeout */
  timeouts = 0;
  /** the connection's latest error (ECONNREFUSED…), a better reason than "Connection is closed." */
  private lastError: unknown;

  constructor(spec: RedlockSpec, url: string) {
    this.address = redisAddress(url);
    const client = new Redis({
      ...redisOptions(spec, url),
      // a command cut off by a dropped connection is not replayed after the
      // reconnect: a stale SET NX arriving late would hold the key until its TTL
      autoResendUnfulfilledCommands: false,
    });
    // connection errors surface as failed commands (counted per node) and in
    // connect(); without a listener ioredis would print them
    client.on('error', (error: unknown) => (this.lastError = error));
    this.client = defineFenceCommand(defineLockCommands(client));
  }

  /** Connected and ready for commands (a node that is down fails at once instead of being asked). */
  get ready(): boolean {
    return this.client.status === 'ready';
  }

  /**
   * Connects within `timeoutMs`: undefined when ready, else why not. A node
   * that is down keeps reconnecting in the background and is used again once back.
   */
  async connect(timeoutMs: number): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<string>((resolve) => {
      timer = setTimeout(() => {
        const last = this.lastError === undefined ? '' : `: ${failureReason(this.lastError)}`;
        resolve(`no answer within ${timeoutMs} ms${last}`);
      }, timeoutMs);
    });
    try {
      const connected = this.client.connect().then(
        () => undefined,
        (error: unknown) => failureReason(this.lastError ?? error),
      );
      return await Promise.race([connected, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.client.disconnect();
  }
}

/** A short reason for a failed command or connection (ioredis messages hold no secret; codes are shorter). */
export function failureReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string') return code;
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 80 ? `${message.slice(0, 77)}...` : message;
}
