import { createClient, CreateMode, Exception, type Client, type Event } from 'node-zookeeper-client';
import { monotonicMs } from '../../clock.js';
import { BackendUnavailableError } from '../../errors.js';
import type { EnsembleAddress } from './address.js';
import { ConnectionWatchdog, dropConnection } from './watchdog.js';

/** What the lock recipe must hear about the connection. */
export interface SessionListener {
  /**
   * The connection dropped (`expired` false: the session may survive if the
   * client reconnects in time) or the session expired (`expired` true: the
   * server has deleted its ephemeral nodes). Either way, a lock held through
   * it cannot be trusted any more.
   */
  connectionLost(expired: boolean): void;
  /** connected again in the same session after a drop (a new session after an expiry is not a reconnect) */
  reconnected(): void;
  /** a watch fired (for the lock recipe: the watched node was deleted) */
  watchFired(event: Event): void;
}

/** A failed ZooKeeper call; `code` is the server's (Exception.NO_NODE…) or NOT_CONNECTED. */
export class ZooKeeperCallError extends Error {
  override name = 'ZooKeeperCallError';
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** Our code for "refused locally: the client is not connected". */
export const NOT_CONNECTED = 1;

/** ZooKeeper error codes whose meaning is "the connection (or session) is gone". */
export function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: number }).code;
  return code === NOT_CONNECTED || code === Exception.CONNECTION_LOSS || code === Exception.SESSION_EXPIRED || code === Exception.OPERATION_TIMEOUT;
}

/** The spec's timeouts (the server may clamp the session timeout to its min/max). */
export interface SessionOptions {
  readonly sessionTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

/**
 * One ZooKeeper session over node-zookeeper-client (pure JavaScript, safe in
 * worker threads), with the bookkeeping the lock recipe needs:
 * calls fail fast while disconnected instead of queueing until a reconnect;
 * drops and expiries are reported (and counted); after an expiry a new
 * session is started in the background so the run keeps going.
 */
export class ZooKeeperSession {
  private live = false;
  private disconnectCount = 0;
  private expiryCount = 0;
  private client: Client | undefined;
  private watchdog: ConnectionWatchdog | undefined;
  private closing = false;
  /** the one watcher function every watched call registers, so the client never stacks duplicates on a path */
  private readonly onWatch: (event: Event) => void;

  constructor(
    /** host:port[,host:port…][/chroot] */
    private readonly connectString: string,
    private readonly address: EnsembleAddress,
    private readonly options: SessionOptions,
    private readonly listener: SessionListener,
  ) {
    this.onWatch = (event) => this.listener.watchFired(event);
  }

  /** true while the client can send requests */
  get connected(): boolean {
    return this.live;
  }

  /** connections that dropped while in use */
  get disconnects(): number {
    return this.disconnectCount;
  }

  /** sessions the server expired (each replaced by a new one) */
  get sessionsExpired(): number {
    return this.expiryCount;
  }

  /**
   * Connects within the connect timeout, or throws BackendUnavailableError
   * naming the ensemble: a TCP probe first (an address where nothing listens
   * fails at once), then the session handshake.
   */
  async open(): Promise<void> {
    const { connectTimeoutMs } = this.options;
    const deadline = monotonicMs() + connectTimeoutMs;
    try {
      await this.address.probe(connectTimeoutMs);
    } catch (error) {
      throw this.unreachable((error as Error).message);
    }
    const client = this.startClient();
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), Math.max(0, deadline - monotonicMs()));
      client.once('connected', () => {
        clearTimeout(timer);
        resolve(true);
      });
      client.connect();
    });
    if (!connected) {
      this.closing = true;
      this.client = undefined;
      this.watchdog?.stop();
      client.close();
      dropConnection(client);
      throw this.unreachable(`no session within the connect timeout (${connectTimeoutMs} ms)`);
    }
  }

  /** Ends the session (the server deletes its ephemeral nodes at once); waits briefly for the goodbye. */
  async close(): Promise<void> {
    this.closing = true;
    this.watchdog?.stop();
    const client = this.client;
    this.client = undefined;
    const wasConnected = this.live;
    this.live = false;
    if (!client) return;
    if (!wasConnected) {
      client.close();
      dropConnection(client);
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      client.once('disconnected', () => {
        clearTimeout(timer);
        resolve();
      });
      client.close();
    });
  }

  create(path: string, mode: number = CreateMode.EPHEMERAL_SEQUENTIAL): Promise<string> {
    return new Promise((resolve, reject) => {
      const client = this.usable(reject);
      client?.create(path, mode, (error, created) => (error ? reject(this.failure('create', error)) : resolve(created)));
    });
  }

  /** Creates `path` and its missing ancestors (persistent); existing ones are fine. */
  mkdirp(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const client = this.usable(reject);
      client?.mkdirp(path, (error) => (error ? reject(this.failure('create', error)) : resolve()));
    });
  }

  getChildren(path: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const client = this.usable(reject);
      client?.getChildren(path, (error, children) => (error ? reject(this.failure('getChildren', error)) : resolve(children)));
    });
  }

  /**
   * Leaves a watch on `path` that fires when it is deleted (or changed); false
   * when it is already gone. getData rather than exists: on a missing node,
   * exists would leave a creation watch behind that never fires (sequence
   * numbers are not reused), one leaked watch per race.
   */
  watchNode(path: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const client = this.usable(reject);
      client?.getData(path, this.onWatch, (error) => {
        if (!error) resolve(true);
        else if ((error as { code?: number }).code === Exception.NO_NODE) resolve(false);
        else reject(this.failure('getData', error));
      });
    });
  }

  exists(path: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const client = this.usable(reject);
      client?.exists(path, (error, stat) => (error ? reject(this.failure('exists', error)) : resolve(stat !== null)));
    });
  }

  /** Deletes `path`; false when it was already gone. */
  remove(path: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const client = this.usable(reject);
      client?.remove(path, (error) => {
        if (!error) resolve(true);
        else if ((error as { code?: number }).code === Exception.NO_NODE) resolve(false);
        else reject(this.failure('delete', error));
      });
    });
  }

  /** The client, or undefined after rejecting with "not connected" (fail fast, never queue). */
  private usable(reject: (error: Error) => void): Client | undefined {
    if (this.live && this.client) return this.client;
    reject(new ZooKeeperCallError(`zookeeper ${this.address.text}: not connected`, NOT_CONNECTED));
    return undefined;
  }

  private failure(call: string, error: unknown): ZooKeeperCallError {
    const code = (error as { code?: number }).code ?? 0;
    const name = (error as { name?: string }).name ?? String(error);
    return new ZooKeeperCallError(`zookeeper ${this.address.text}: ${call} failed: ${name}`, code);
  }

  private unreachable(reason: string): BackendUnavailableError {
    return new BackendUnavailableError(`zookeeper ${this.address.text} is unreachable: ${reason}`);
  }

  /** A new client (a new session once connected) with the state handlers wired; not yet connecting. */
  private startClient(): Client {
    const client = createClient(this.connectString, {
      sessionTimeout: this.options.sessionTimeoutMs,
      // with one server the client waits up to spinDelay between attempts
      spinDelay: 200,
      retries: 0,
    });
    this.client = client;
    const current = (): boolean => this.client === client && !this.closing;
    this.watchdog?.stop();
    // the client holds the negotiated session timeout once connected
    const sessionTimeoutMs = (): number => client.getSessionTimeout();
    this.watchdog = new ConnectionWatchdog(
      client,
      () => current() && this.live,
      () => Math.min(this.options.connectTimeoutMs, sessionTimeoutMs() / 3),
      sessionTimeoutMs,
    );
    let everConnected = false;
    client.on('connected', () => {
      if (!current()) return;
      this.live = true;
      if (everConnected) this.listener.reconnected();
      everConnected = true;
    });
    client.on('disconnected', () => {
      if (!current() || !this.live) return;
      this.live = false;
      this.disconnectCount++;
      this.listener.connectionLost(false);
    });
    client.on('expired', () => {
      if (!current()) return;
      this.live = false;
      this.expiryCount++;
      this.listener.connectionLost(true);
      // the old client closes itself; carry on in a new session
      this.startClient().connect();
    });
    return client;
  }
}
