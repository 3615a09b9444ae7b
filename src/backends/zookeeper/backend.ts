import { Exception, type Event } from 'node-zookeeper-client';
import { monotonicMs } from '../../clock.js';
import { BackendUnavailableError } from '../../errors.js';
import type { BackendSpecOf } from '../../scenario/types.js';
import type { AcquireOptions, Lease, LockBackend } from '../types.js';
import { EnsembleAddress } from './address.js';
import { LockParents, NodePrefixes, sequenceOf, standingOf } from './lock-names.js';
import { isConnectionFailure, NOT_CONNECTED, ZooKeeperCallError, ZooKeeperSession, type SessionListener } from './session.js';
import { DeletionWaiters } from './waiters.js';

export type ZooKeeperSpec = BackendSpecOf<'zookeeper'>;

/** A lock we hold: the lease handed out (token = our node's path, fence = its sequence number) and its TTL timer. */
interface HeldLock {
  readonly lease: Lease;
  /** deletes the node when the lease runs out (lock.ttl, enforced by the holder's own client) */
  expiry: NodeJS.Timeout | undefined;
}

/** Longer than this, setTimeout would fire at once: such a lease simply never expires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A lock node whose create may have reached the server when the connection broke: found again by its prefix. */
interface UncertainNode {
  readonly parent: string;
  readonly prefix: string;
}

/**
 * The ZooKeeper lock recipe ("Locks" in the ZooKeeper docs, with the guid fix),
 * one session per worker thread:
 *
 * - acquire creates `${root}/${key}/${prefix}-lock-NNNNNNNNNN` (ephemeral,
 *   sequential; the prefix is unique per attempt, so a node whose create was
 *   cut off by a connection loss can be found and deleted); lists the
 *   children without a watch; the lowest sequence holds the lock. A waiter
 *   watches only the next-lower node (no herd) and lists again when it goes.
 *   Giving up (waitMs, abort) deletes our node: no waiter stays behind.
 *   waitMs 0 first peeks: a key with any lock node is busy, answered with
 *   one read instead of create + list + delete.
 * - fence = our node's sequence number: strictly increasing per key while the
 *   key's parent znode lives (parents are never deleted).
 * - lock.ttl: ZooKeeper has no per-lock TTL. The holder's own client deletes
 *   its node when the lease runs out (extend pushes that back), so expiresAt is
 *   grant + ttl. A holder that stalls or dies keeps the lock until its session
 *   expires (sessionTimeout), the server then deletes the node.
 * - a dropped connection or an expired session marks every held lease lost
 *   (counted by the driver); after an expiry a new session starts, and calls
 *   made while disconnected fail at once.
 */
export class ZooKeeperBackend implements LockBackend, SessionListener {
  readonly name = 'zookeeper';
  private readonly address: EnsembleAddress;
  private readonly session: ZooKeeperSession;
  private readonly parents: LockParents;
  private readonly prefixes = new NodePrefixes();
  private readonly waiters = new DeletionWaiters();
  /** our granted leases by token (node path); release and extend act only on these */
  private readonly held = new Map<string, HeldLock>();
  /** nodes to delete once connected again (given up or released while disconnected) */
  private readonly strayNodes = new Set<string>();
  private uncertainNodes: UncertainNode[] = [];
  private readonly watchNode = (path: string): Promise<boolean> => this.session.watchNode(path);
  private readonly expire = (held: HeldLock): void => {
    const node = held.lease.token;
    if (this.held.get(node) !== held) return;
    this.held.delete(node);
    held.expiry = undefined;
    this.deleteNode(node).catch(() => undefined);
  };

  constructor(private readonly spec: ZooKeeperSpec) {
    this.address = new EnsembleAddress(spec.connect);
    this.parents = new LockParents(spec.root);
    this.session = new ZooKeeperSession(spec.connect, this.address, spec, this);
  }

  async connect(): Promise<void> {
    await this.session.open();
    try {
      await this.session.mkdirp(this.spec.root);
    } catch (error) {
      await this.session.close();
      const missingChroot = (error as ZooKeeperCallError).code === Exception.NO_NODE && this.address.chroot;
      const reason = missingChroot ? `chroot ${this.address.chroot} does not exist` : (error as Error).message;
      throw new BackendUnavailableError(`zookeeper ${this.address.text}: cannot create the lock root ${this.spec.root}: ${reason}`);
    }
  }

  async acquire(key: string, opts: AcquireOptions): Promise<Lease | null> {
    if (!this.session.connected) throw this.notConnected();
    if (opts.signal?.aborted) return null;
    const parent = this.parents.of(key);
    const deadline = monotonicMs() + opts.waitMs;
    if (opts.waitMs <= 0 && (await this.looksBusy(parent))) return null;
    const node = await this.createNode(parent);
    const sequence = sequenceOf(node);
    let contended = false;
    try {
      for (;;) {
        const { present, nextLower } = standingOf(await this.session.getChildren(parent), sequence);
        if (!present) throw new ZooKeeperCallError(`zookeeper ${this.address.text}: our lock node vanished (session expired)`, Exception.SESSION_EXPIRED);
        if (nextLower === undefined) return this.grant(key, node, sequence, contended, opts.ttlMs);
        contended = true;
        const remaining = deadline - monotonicMs();
        const outcome = remaining > 0 ? await this.waiters.wait(`${parent}/${nextLower}`, remaining, opts.signal, this.watchNode) : 'timeout';
        if (outcome === 'lost') throw this.lostWhileWaiting();
        if (outcome !== 'gone') {
          await this.deleteNode(node);
          return null;
        }
      }
    } catch (error) {
      await this.deleteNode(node).catch(() => undefined);
      throw error;
    }
  }

  async release(lease: Lease): Promise<boolean> {
    const held = this.held.get(lease.token);
    if (!held) return false;
    this.held.delete(lease.token);
    if (held.expiry) clearTimeout(held.expiry);
    if (held.lease.lost) {
      // the session may have survived the drop: the node must still go
      await this.deleteNode(lease.token).catch(() => undefined);
      return false;
    }
    try {
      return await this.session.remove(lease.token);
    } catch (error) {
      if (isConnectionFailure(error)) this.strayNodes.add(lease.token);
      throw error;
    }
  }

  async extend(lease: Lease, ttlMs: number): Promise<boolean> {
    const held = this.held.get(lease.token);
    if (!held || held.lease.lost) return false;
    const exists = await this.session.exists(lease.token);
    if (!exists || this.held.get(lease.token) !== held || held.lease.lost) return false;
    if (held.expiry) clearTimeout(held.expiry);
    const expiresAt = monotonicMs() + ttlMs;
    held.lease.expiresAt = expiresAt;
    lease.expiresAt = expiresAt;
    held.expiry = this.armExpiry(held, ttlMs);
    return true;
  }

  stats(): Readonly<Record<string, number>> {
    return { disconnects: this.session.disconnects, 'sessions expired': this.session.sessionsExpired };
  }

  async close(): Promise<void> {
    for (const held of this.held.values()) if (held.expiry) clearTimeout(held.expiry);
    this.held.clear();
    this.waiters.failAll();
    await this.session.close();
  }

  /** SessionListener: held leases can no longer be trusted; waits end. */
  connectionLost(expired: boolean): void {
    for (const held of this.held.values()) held.lease.lost = true;
    this.waiters.failAll();
    if (!expired) return;
    // the server deleted this session's nodes: nothing is left to clean up
    for (const held of this.held.values()) if (held.expiry) clearTimeout(held.expiry);
    this.held.clear();
    this.strayNodes.clear();
    this.uncertainNodes = [];
  }

  /** SessionListener: the same session is back; delete what we had to leave behind. */
  reconnected(): void {
    const stray = [...this.strayNodes];
    this.strayNodes.clear();
    for (const node of stray) this.deleteNode(node).catch(() => undefined);
    const uncertain = this.uncertainNodes;
    this.uncertainNodes = [];
    for (const { parent, prefix } of uncertain) this.deleteByPrefix(parent, prefix).catch(() => undefined);
  }

  /** SessionListener: a watched node was deleted. */
  watchFired(event: Event): void {
    this.waiters.notify(event.path);
  }

  /** For waitMs 0: any lock node under the key means it is held (or queued for); a missing parent is a free key. */
  private async looksBusy(parent: string): Promise<boolean> {
    try {
      return (await this.session.getChildren(parent)).length > 0;
    } catch (error) {
      if ((error as ZooKeeperCallError).code === Exception.NO_NODE) return false;
      throw error;
    }
  }

  /** Creates our lock node (and the key's parent on first use); returns its path. */
  private async createNode(parent: string): Promise<string> {
    const prefix = this.prefixes.next();
    const path = `${parent}/${prefix}`;
    try {
      try {
        return await this.session.create(path);
      } catch (error) {
        if ((error as ZooKeeperCallError).code !== Exception.NO_NODE) throw error;
        await this.session.mkdirp(parent);
        return await this.session.create(path);
      }
    } catch (error) {
      // the create may have reached the server before the connection broke
      const code = (error as ZooKeeperCallError).code;
      if (isConnectionFailure(error) && code !== NOT_CONNECTED && code !== Exception.SESSION_EXPIRED) {
        this.uncertainNodes.push({ parent, prefix });
      }
      throw error;
    }
  }

  /** Deletes one of our nodes; while disconnected, remembers it for the reconnect. */
  private async deleteNode(node: string): Promise<void> {
    try {
      await this.session.remove(node);
    } catch (error) {
      if (!isConnectionFailure(error)) throw error;
      if ((error as ZooKeeperCallError).code !== Exception.SESSION_EXPIRED) this.strayNodes.add(node);
    }
  }

  private async deleteByPrefix(parent: string, prefix: string): Promise<void> {
    const children = await this.session.getChildren(parent);
    for (const child of children) if (child.startsWith(prefix)) await this.deleteNode(`${parent}/${child}`);
  }

  private grant(key: string, node: string, sequence: number, contended: boolean, ttlMs: number): Lease {
    const lease: Lease = { key, token: node, fence: sequence, expiresAt: monotonicMs() + ttlMs, contended };
    const held: HeldLock = { lease, expiry: undefined };
    held.expiry = this.armExpiry(held, ttlMs);
    this.held.set(node, held);
    return lease;
  }

  private armExpiry(held: HeldLock, ttlMs: number): NodeJS.Timeout | undefined {
    if (ttlMs > MAX_TIMER_MS) return undefined;
    return setTimeout(this.expire, ttlMs, held).unref();
  }

  private notConnected(): ZooKeeperCallError {
    return new ZooKeeperCallError(`zookeeper ${this.address.text}: not connected`, NOT_CONNECTED);
  }

  private lostWhileWaiting(): ZooKeeperCallError {
    return new ZooKeeperCallError(`zookeeper ${this.address.text}: connection lost while waiting`, Exception.CONNECTION_LOSS);
  }
}
