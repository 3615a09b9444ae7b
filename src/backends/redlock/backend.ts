import { monotonicMs } from '../../clock.js';
import { BackendUnavailableError, ScenarioError } from '../../errors.js';
import { newToken, redisAddress } from '../redis/connection.js';
import { lockKeys } from '../redis/scripts.js';
import type { AcquireOptions, Lease, LockBackend } from '../types.js';
import { RedlockNode, type RedlockSpec } from './node.js';
import { Answer, Round, type Step } from './round.js';

/** A Redlock lease remembers its key names, so release and extend build no strings. */
interface RedlockLease extends Lease {
  readonly lockKey: string;
  readonly fenceKey: string;
}

const ACQUIRE: Step = (client, lockKey, fenceKey, token, ttlMs) => client.lbAcquire(lockKey, fenceKey, token, ttlMs);
const RELEASE: Step = (client, lockKey, fenceKey, token) => client.lbRelease(lockKey, fenceKey, token);
const EXTEND: Step = (client, lockKey, fenceKey, token, ttlMs) => client.lbExtend(lockKey, fenceKey, token, ttlMs);
const RAISE_FENCE: Step = (client, lockKey, fenceKey, token, fence) => client.lbRaiseFence(lockKey, fenceKey, token, fence);

/**
 * Redlock (https://redis.io/docs/latest/develop/use/patterns/distributed-locks/)
 * over N independent Redis nodes, one connection to each:
 *
 * - acquire: note the start time, send SET NX PX (+ INCR of the fence counter)
 *   to every node at once, each with `nodeTimeoutMs` to answer. Granted when a
 *   quorum ⌊N/2⌋+1 said yes and the validity ttl − elapsed − drift
 *   (drift = driftFactor·ttl + driftMs) is still > 0; the lease then expires at
 *   start + ttl − drift on the monotonic clock (= the end of the attempt +
 *   validity). Otherwise every node that may hold the key is unlocked. The
 *   retry delay is the driver's policy; this backend answers at once.
 * - A failed attempt is classified by how many nodes answered: when a quorum
 *   replied, the key was held (contention: null, a retry can succeed with the
 *   nodes that are up), even if some other nodes were down; when fewer than a
 *   quorum replied, no retry can succeed until nodes come back: it throws,
 *   naming the unreachable nodes.
 * - release / extend: to every node; true when a quorum confirmed (extend: and
 *   validity is left), false when even the unreachable nodes could not make a
 *   quorum (it was no longer ours), an error when the unreachable nodes leave
 *   it open.
 * - fence: see fence.ts for how it is made and what it does and does not promise.
 * - stats: `node host:port errors` / `node host:port timeouts` per node, and
 *   `fence raises` (grants whose quorum's counters had to be raised to agree).
 */
export class RedlockBackend implements LockBackend {
  readonly name = 'redlock';
  private readonly nodes: readonly RedlockNode[];
  private readonly quorum: number;
  private fenceRaises = 0;

  constructor(private readonly spec: RedlockSpec) {
    const seen = new Set<string>();
    for (const address of spec.urls.map(redisAddress)) {
      if (seen.has(address)) throw new ScenarioError(`backend.urls: ${address} is listed twice; Redlock nodes must be independent servers`);
      seen.add(address);
    }
    this.nodes = spec.urls.map((url) => new RedlockNode(spec, url));
    this.quorum = Math.floor(this.nodes.length / 2) + 1;
  }

  /** Connects to every node; enough when a quorum is reachable (the others keep reconnecting). */
  async connect(): Promise<void> {
    const reasons = await Promise.all(this.nodes.map((node) => node.connect(this.spec.connectTimeoutMs)));
    const down = this.nodes.flatMap((node, i) => (reasons[i] === undefined ? [] : [`${node.address} (${reasons[i]})`]));
    const up = this.nodes.length - down.length;
    if (up >= this.quorum) return;
    throw new BackendUnavailableError(
      `redlock: ${up} of ${this.nodes.length} nodes reachable, a quorum of ${this.quorum} is needed; unreachable: ${down.join(', ')}`,
    );
  }

  async acquire(key: string, opts: AcquireOptions): Promise<Lease | null> {
    const { lockKey, fenceKey } = lockKeys(this.spec.keyPrefix, key);
    const token = newToken();
    // SET PX takes whole milliseconds; never promise more than asked
    const ttlMs = Math.max(1, Math.floor(opts.ttlMs));
    const start = monotonicMs();
    const round = await Round.ask(this.nodes, this.spec.nodeTimeoutMs, this.quorum, ACQUIRE, lockKey, fenceKey, token, ttlMs);
    if (round.positive >= this.quorum) {
      const fence = await this.agreeOnFence(round, lockKey, fenceKey, token);
      const drift = this.driftMs(ttlMs);
      const elapsed = monotonicMs() - start;
      if (fence > 0 && ttlMs - elapsed - drift > 0) {
        const lease: RedlockLease = { key, token, fence, expiresAt: start + ttlMs - drift, contended: round.replied > round.positive, lockKey, fenceKey };
        return lease;
      }
      this.unlock(round, lockKey, fenceKey, token);
      if (fence === 0) throw new Error(`redlock: fence not confirmed by a quorum of ${this.quorum} (nodes lost the lock or stopped answering)`);
      throw new Error(`redlock: validity used up: the quorum took ${elapsed.toFixed(1)} ms of a ${ttlMs} ms ttl (drift allowance ${drift.toFixed(1)} ms)`);
    }
    this.unlock(round, lockKey, fenceKey, token);
    if (round.replied >= this.quorum) return null;
    throw new Error(this.quorumMissed('quorum not reached', 'granted', round));
  }

  async release(lease: Lease): Promise<boolean> {
    const { lockKey, fenceKey } = keysOf(lease, this.spec.keyPrefix);
    const round = await Round.ask(this.nodes, this.spec.nodeTimeoutMs, this.quorum, RELEASE, lockKey, fenceKey, lease.token, 0);
    if (round.positive >= this.quorum) return true;
    if (round.positive + round.unreachable < this.quorum) return false;
    throw new Error(this.quorumMissed('release not confirmed', 'released', round));
  }

  async extend(lease: Lease, ttlMs: number): Promise<boolean> {
    const { lockKey, fenceKey } = keysOf(lease, this.spec.keyPrefix);
    const ttl = Math.max(1, Math.floor(ttlMs));
    const start = monotonicMs();
    const round = await Round.ask(this.nodes, this.spec.nodeTimeoutMs, this.quorum, EXTEND, lockKey, fenceKey, lease.token, ttl);
    if (round.positive >= this.quorum) {
      const drift = this.driftMs(ttl);
      if (ttl - (monotonicMs() - start) - drift <= 0) return false;
      lease.expiresAt = start + ttl - drift;
      return true;
    }
    if (round.positive + round.unreachable < this.quorum) return false;
    throw new Error(this.quorumMissed('extend not confirmed', 'extended', round));
  }

  /** Per-node errors and timeouts (summed across workers into the report's backend.stats). */
  stats(): Readonly<Record<string, number>> {
    const stats: Record<string, number> = {};
    for (const node of this.nodes) {
      stats[`node ${node.address} errors`] = node.errors;
      stats[`node ${node.address} timeouts`] = node.timeouts;
    }
    stats['fence raises'] = this.fenceRaises;
    return stats;
  }

  async close(): Promise<void> {
    for (const node of this.nodes) node.close();
  }

  private driftMs(ttlMs: number): number {
    return this.spec.driftFactor * ttlMs + this.spec.driftMs;
  }

  /**
   * The grant's fence: the highest counter of the granting nodes, once a quorum
   * holds at least that much (lagging nodes are raised to it, see fence.ts); 0
   * when a quorum could not be brought there.
   */
  private async agreeOnFence(round: Round, lockKey: string, fenceKey: string, token: string): Promise<number> {
    const { answers, values } = round;
    let fence = 0;
    for (let i = 0; i < values.length; i++) if (answers[i] === Answer.replied && values[i] > fence) fence = values[i];
    let agreeing = 0;
    for (let i = 0; i < values.length; i++) if (answers[i] === Answer.replied && values[i] === fence) agreeing++;
    if (agreeing >= this.quorum) return fence;
    this.fenceRaises++;
    // the granting nodes below f, and those not waited for (they may have granted: the script checks the token)
    const lagging = this.nodes.filter((_, i) =>
      answers[i] === Answer.replied ? values[i] > 0 && values[i] < fence : answers[i] === Answer.notAwaited || answers[i] === Answer.late,
    );
    const raised = await Round.ask(lagging, this.spec.nodeTimeoutMs, this.quorum - agreeing, RAISE_FENCE, lockKey, fenceKey, token, fence);
    return agreeing + raised.positive >= this.quorum ? fence : 0;
  }

  /**
   * After a failed attempt, deletes the key (if still ours) on every node that
   * may hold it: those that granted, and those whose answer never came. Not
   * awaited: a later command on the same connection runs after it anyway.
   */
  private unlock(round: Round, lockKey: string, fenceKey: string, token: string): void {
    const { answers, values } = round;
    for (let i = 0; i < answers.length; i++) {
      const answer = answers[i];
      const mayHold = answer === Answer.replied ? values[i] > 0 : answer !== Answer.notSent;
      const node = this.nodes[i];
      if (!mayHold || !node.ready) continue;
      node.client.lbRelease(lockKey, fenceKey, token).catch(() => node.errors++);
    }
  }

  /** `redlock: quorum not reached: 2 of 5 nodes granted (3 needed), 3 unreachable (host:port reason, …)` */
  private quorumMissed(what: string, verb: string, round: Round): string {
    const held = round.replied - round.positive;
    const others = held > 0 ? `, ${held} ${verb === 'granted' ? 'held by another client' : 'no longer ours'}` : '';
    return (
      `redlock: ${what}: ${round.positive} of ${this.nodes.length} nodes ${verb} (${this.quorum} needed)${others}, ` +
      `${round.unreachable} unreachable (${round.describeUnreachable()})`
    );
  }
}

/** The key names of a lease (computed for a lease this backend did not make). */
function keysOf(lease: Lease, keyPrefix: string): { readonly lockKey: string; readonly fenceKey: string } {
  return 'lockKey' in lease ? (lease as RedlockLease) : lockKeys(keyPrefix, lease.key);
}
