/**
 * The shared backend conformance suite (DESIGN.md "The backend contract").
 *
 * Not a test file itself: each backend's test file calls
 * `describeConformance(name, setup)`, which declares one `describe` block of
 * `it` cases. Every case uses its own fresh keys and its own clients (closed
 * after the case), so cases never see each other's locks even though they share
 * one server / lock space.
 *
 * Timings are behavioural, not tight: the suite asserts "granted well before
 * the budget", "not before expiry", never "within 3 ms".
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { Lease, LockBackend } from '../../src/backends/types.js';
import { monotonicMs, sleep } from '../../src/clock.js';
import { BackendUnavailableError } from '../../src/errors.js';

/** A client configuration pointed at an address where nothing listens. */
export interface UnreachableSetup {
  /** a new, not yet connected client of the dead address */
  createBackend(): Promise<LockBackend>;
  /** `host:port` the error message must name */
  readonly address: string;
  /** strings that must never appear in the message (passwords, tokens) */
  readonly secrets?: readonly string[];
}

export interface ConformanceSetup {
  /**
   * Runs once before the cases (start a server on a free port, prepare the
   * shared lock table). Resolve to `{ skip: reason }` when the server binary is
   * absent: the cases are then skipped with that reason, or fail when
   * LOCKBENCH_REQUIRE_BACKENDS=1.
   */
  beforeAll?(): Promise<void | { skip: string }>;
  /** runs once after the cases (stop the server, remove its data dir) */
  afterAll?(): Promise<void>;
  /**
   * A new client of the same server / lock space, not yet connected: the suite
   * calls `connect()` and `close()` itself.
   */
  createBackend(): Promise<LockBackend>;
  /** only for networked backends: connect() must fail fast, naming the address */
  readonly unreachable?: UnreachableSetup;
  /**
   * How coarsely the backend notices expiry (etcd/ZooKeeper lease granularity),
   * ms. TTL cases use leases of max(100, ttlResolutionMs) and allow that much
   * extra before expecting an expiry to be observed. Default 0.
   */
  readonly ttlResolutionMs?: number;
  /**
   * Whether `acquire` waits inside the call up to `waitMs` (memory, postgres,
   * mysql, etcd, zookeeper). Backends that answer at once (redis) set false:
   * the waiting cases then check that a busy key is answered with null at once.
   * Default true.
   */
  readonly blocksInAcquire?: boolean;
  /**
   * false for backends whose locks have no TTL (PostgreSQL advisory locks,
   * MySQL GET_LOCK): the expiry case is skipped, and the fence case hands the
   * key over by release only. Default true.
   */
  readonly leasesExpire?: boolean;
}

/** A key no other case (or earlier run against the same server) uses. */
export function freshKey(label: string): string {
  return `conformance:${label}:${randomUUID()}`;
}

/**
 * Acquires `key` within `budgetMs`, retrying like the driver does for backends
 * that answer at once; for blocking backends this is normally a single call.
 */
export async function acquireWithin(backend: LockBackend, key: string, ttlMs: number, budgetMs: number): Promise<Lease | null> {
  const deadline = monotonicMs() + budgetMs;
  for (;;) {
    const remaining = Math.max(0, deadline - monotonicMs());
    const lease = await backend.acquire(key, { ttlMs, waitMs: remaining });
    if (lease || remaining <= 0) return lease;
    await sleep(Math.min(2, remaining));
  }
}

export function describeConformance(name: string, setup: ConformanceSetup): void {
  const resolution = setup.ttlResolutionMs ?? 0;
  /** the base lease length of the TTL cases */
  const unit = Math.max(100, resolution);
  /** how late past its expiry a lease may still be seen as held */
  const expirySlack = resolution + 50;
  const blocks = setup.blocksInAcquire ?? true;
  const expires = setup.leasesExpire ?? true;
  const requireBackends = process.env.LOCKBENCH_REQUIRE_BACKENDS === '1';

  describe(`backend conformance: ${name}`, () => {
    let skipReason: string | undefined;
    const open: LockBackend[] = [];

    beforeAll(async () => {
      const outcome = await setup.beforeAll?.();
      if (outcome && 'skip' in outcome) {
        if (requireBackends) throw new Error(`${name}: ${outcome.skip} (LOCKBENCH_REQUIRE_BACKENDS=1)`);
        skipReason = outcome.skip;
        console.warn(`\n*** SKIPPING backend conformance for ${name}: ${outcome.skip} ***\n`);
      }
    });

    afterAll(async () => {
      await setup.afterAll?.();
    });

    afterEach(async () => {
      const clients = open.splice(0);
      await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    });

    /** A connected client, closed after the case. */
    async function client(): Promise<LockBackend> {
      const backend = await setup.createBackend();
      open.push(backend);
      await backend.connect();
      return backend;
    }

    function skipIfUnavailable(context: TestContext): void {
      if (skipReason) context.skip(skipReason);
    }

    it('is exclusive: a second client cannot take a held key, and gets it after release', async (context) => {
      skipIfUnavailable(context);
      const [a, b] = [await client(), await client()];
      const key = freshKey('exclusive');
      const held = await a.acquire(key, { ttlMs: 10_000, waitMs: 0 });
      expect(held, 'first acquire of a free key').not.toBeNull();
      expect(held!.key).toBe(key);
      expect(await b.acquire(key, { ttlMs: 10_000, waitMs: 0 }), 'second client while held').toBeNull();
      expect(await a.acquire(key, { ttlMs: 10_000, waitMs: 0 }), 'same client again while held (not reentrant)').toBeNull();
      expect(await a.release(held!)).toBe(true);
      const next = await b.acquire(key, { ttlMs: 10_000, waitMs: 0 });
      expect(next, 'second client after release').not.toBeNull();
      expect(await a.release(held!), 'releasing the old lease again').toBe(false);
      expect(await b.release(next!)).toBe(true);
    });

    it('grants a waiting acquire soon after release, marked contended; an uncontended lease is not', async (context) => {
      skipIfUnavailable(context);
      const [a, b] = [await client(), await client()];
      const key = freshKey('waiting');
      const held = await a.acquire(key, { ttlMs: 10_000, waitMs: 0 });
      expect(held).not.toBeNull();
      expect(held!.contended, 'a lease on a free key').toBe(false);
      if (!blocks) {
        // answers at once: busy → null, well before the budget
        const started = monotonicMs();
        expect(await b.acquire(key, { ttlMs: 10_000, waitMs: 5_000 })).toBeNull();
        expect(monotonicMs() - started).toBeLessThan(2_000);
        await a.release(held!);
        return;
      }
      const started = monotonicMs();
      const waiting = b.acquire(key, { ttlMs: 10_000, waitMs: 5_000 });
      await sleep(100);
      const releasedAt = monotonicMs();
      expect(await a.release(held!)).toBe(true);
      const granted = await waiting;
      const grantedAt = monotonicMs();
      expect(granted, 'the waiter is granted').not.toBeNull();
      expect(granted!.contended, 'a lease that had to wait').toBe(true);
      expect(grantedAt - started, 'not before the holder released').toBeGreaterThanOrEqual(90);
      expect(grantedAt - releasedAt, 'soon after release, well before waitMs').toBeLessThan(1_000);
      expect(await b.release(granted!)).toBe(true);
    });

    it('gives up a waiting acquire after waitMs when the key stays held', async (context) => {
      skipIfUnavailable(context);
      const [a, b] = [await client(), await client()];
      const key = freshKey('budget');
      const held = await a.acquire(key, { ttlMs: 30_000, waitMs: 0 });
      expect(held).not.toBeNull();
      const started = monotonicMs();
      const lease = await b.acquire(key, { ttlMs: 10_000, waitMs: 200 });
      const elapsed = monotonicMs() - started;
      expect(lease).toBeNull();
      if (blocks) expect(elapsed, 'waited the budget').toBeGreaterThanOrEqual(180);
      expect(elapsed, 'did not wait much past the budget').toBeLessThan(2_000);
      expect(await a.release(held!), 'the holder kept the key').toBe(true);
    });

    it.skipIf(!blocks)('ends a waiting acquire with null when its signal aborts', async (context) => {
      skipIfUnavailable(context);
      const [a, b] = [await client(), await client()];
      const key = freshKey('abort');
      const held = await a.acquire(key, { ttlMs: 30_000, waitMs: 0 });
      expect(held).not.toBeNull();
      const controller = new AbortController();
      const started = monotonicMs();
      const waiting = b.acquire(key, { ttlMs: 10_000, waitMs: 10_000, signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      expect(await waiting).toBeNull();
      expect(monotonicMs() - started, 'promptly after the abort, not at waitMs').toBeLessThan(2_000);
      expect(await a.release(held!), 'the holder kept the key').toBe(true);
      const again = await b.acquire(key, { ttlMs: 10_000, waitMs: 1_000 });
      expect(again, 'the aborted client can still acquire').not.toBeNull();
      await b.release(again!);
    });

    it.skipIf(!expires)('frees the key when the TTL runs out; the late release then fails', async (context) => {
      skipIfUnavailable(context);
      const [a, b] = [await client(), await client()];
      const key = freshKey('ttl');
      const ttl = unit;
      const before = monotonicMs();
      const held = await a.acquire(key, { ttlMs: ttl, waitMs: 0 });
      const after = monotonicMs();
      expect(held).not.toBeNull();
      expect(held!.expiresAt, 'expiresAt is on the monotonic clock, in the future').toBeGreaterThan(after);
      expect(held!.expiresAt, 'expiresAt never promises more than the ttl').toBeLessThanOrEqual(after + ttl + 1);
      expect(await b.acquire(key, { ttlMs: 10_000, waitMs: 0 }), 'not free before expiry').toBeNull();
      const taken = await acquireWithin(b, key, 10_000, ttl + expirySlack + 5_000);
      const takenAt = monotonicMs();
      expect(taken, 'taken over after expiry').not.toBeNull();
      expect(takenAt - before, 'not before the ttl ran out').toBeGreaterThanOrEqual(ttl * 0.9);
      expect(takenAt - before, 'soon after expiry').toBeLessThan(ttl + expirySlack + 2_000);
      expect(Number(taken!.fence)).toBeGreaterThan(Number(held!.fence));
      expect(await a.release(held!), 'release of the expired, taken-over lease').toBe(false);
      if (a.extend) expect(await a.extend(held!, 10_000), 'extend of the taken-over lease').toBe(false);
      expect(await a.acquire(key, { ttlMs: 10_000, waitMs: 0 }), 'the stale release did not free the new holder').toBeNull();
      expect(await b.release(taken!)).toBe(true);
    });

    it('refuses a release by a non-owner; the holder keeps the key', async (context) => {
      skipIfUnavailable(context);
      const [a, b] = [await client(), await client()];
      const key = freshKey('forged');
      const first = await a.acquire(key, { ttlMs: 30_000, waitMs: 0 });
      expect(first).not.toBeNull();
      expect(await a.release(first!)).toBe(true);
      const held = await a.acquire(key, { ttlMs: 30_000, waitMs: 0 });
      expect(held).not.toBeNull();
      const forgeries: Lease[] = [
        // made up: wrong token, fence from the future
        { key, token: `forged-${randomUUID()}`, fence: bump(held!.fence, 1000), expiresAt: held!.expiresAt, contended: false },
        // wrong token, fence from the past
        { key, token: `forged-${randomUUID()}`, fence: first!.fence, expiresAt: held!.expiresAt, contended: false },
        // the previous holder's own, already released lease
        { ...first! },
      ];
      for (const forged of forgeries) {
        expect(await b.release(forged), `release of ${JSON.stringify(forged, bigints)}`).toBe(false);
        if (b.extend) expect(await b.extend(forged, 60_000), `extend of ${JSON.stringify(forged, bigints)}`).toBe(false);
        expect(await b.acquire(key, { ttlMs: 10_000, waitMs: 0 }), 'the real holder still holds').toBeNull();
      }
      expect(await a.release(held!), 'the real holder can still release').toBe(true);
    });

    it('keeps an extended lease past its first TTL; extend after expiry fails', async (context) => {
      skipIfUnavailable(context);
      const [a, b] = [await client(), await client()];
      if (!a.extend) return context.skip(`${name} has no extend`);
      const key = freshKey('extend');
      const start = monotonicMs();
      const held = await a.acquire(key, { ttlMs: unit * 1.5, waitMs: 0 });
      expect(held).not.toBeNull();
      const firstExpiry = held!.expiresAt;
      await sleep(unit - (monotonicMs() - start));
      const beforeExtend = monotonicMs();
      expect(await a.extend(held!, unit * 10), 'extend of a live lease').toBe(true);
      const afterExtend = monotonicMs();
      expect(held!.expiresAt, 'expiresAt moved forward').toBeGreaterThan(firstExpiry);
      expect(held!.expiresAt).toBeGreaterThanOrEqual(beforeExtend + unit * 5);
      expect(held!.expiresAt, 'never more than the new ttl').toBeLessThanOrEqual(afterExtend + unit * 10 + 1);
      await sleep(unit * 3 + expirySlack - (monotonicMs() - start));
      expect(await b.acquire(key, { ttlMs: 10_000, waitMs: 0 }), 'still held past the first ttl').toBeNull();
      expect(await a.release(held!)).toBe(true);

      const short = await a.acquire(key, { ttlMs: unit, waitMs: 0 });
      expect(short).not.toBeNull();
      const shortExpiry = short!.expiresAt;
      await sleep(unit + expirySlack + 20);
      expect(await a.extend(short!, 10_000), 'extend after expiry').toBe(false);
      expect(short!.expiresAt, 'a failed extend leaves expiresAt').toBe(shortExpiry);
      const taken = await acquireWithin(b, key, 10_000, 2_000);
      expect(taken, 'the failed extend did not revive the lease').not.toBeNull();
      await b.release(taken!);
    });

    it('hands out strictly increasing fences per key, across clients and expiry takeovers', async (context) => {
      skipIfUnavailable(context);
      const clients = [await client(), await client()];
      const key = freshKey('fence');
      const fences: number[] = [];
      const takeovers = new Set(expires ? [10, 25, 40] : []);
      let pending: Lease | undefined;
      for (let round = 0; round < 50; round++) {
        const owner = clients[round % 2];
        const lease = pending
          ? await acquireWithin(owner, key, 10_000, unit + expirySlack + 5_000) // after the other's lease expires
          : await owner.acquire(key, { ttlMs: 10_000, waitMs: 0 });
        expect(lease, `round ${round}`).not.toBeNull();
        if (pending) expect(await clients[(round + 1) % 2].release(pending), 'expired lease').toBe(false);
        pending = undefined;
        fences.push(Number(lease!.fence));
        if (takeovers.has(round)) {
          // hold this one until it expires instead of releasing it
          await owner.release(lease!);
          const expiring = await owner.acquire(key, { ttlMs: unit, waitMs: 0 });
          expect(expiring).not.toBeNull();
          fences.push(Number(expiring!.fence));
          pending = expiring!;
        } else {
          expect(await owner.release(lease!)).toBe(true);
        }
      }
      for (let i = 1; i < fences.length; i++) {
        expect(fences[i], `fence ${i} (${fences.join(',')})`).toBeGreaterThan(fences[i - 1]);
      }
      // other keys have their own counters, and fences are never shared across keys
      const other = await clients[0].acquire(freshKey('fence-other'), { ttlMs: 10_000, waitMs: 0 });
      expect(other).not.toBeNull();
      await clients[0].release(other!);
    });

    it('keeps different keys independent', async (context) => {
      skipIfUnavailable(context);
      const [a, b] = [await client(), await client()];
      const k1 = freshKey('k1');
      const k2 = freshKey('k2');
      const one = await a.acquire(k1, { ttlMs: 10_000, waitMs: 0 });
      expect(one).not.toBeNull();
      const started = monotonicMs();
      const two = await b.acquire(k2, { ttlMs: 10_000, waitMs: 2_000 });
      expect(two, 'k2 is free while k1 is held').not.toBeNull();
      expect(two!.contended).toBe(false);
      expect(monotonicMs() - started, 'k2 did not wait for k1').toBeLessThan(1_000);
      const alsoTwo = await a.acquire(k2, { ttlMs: 10_000, waitMs: 0 });
      expect(alsoTwo, 'k2 is now held').toBeNull();
      expect(await b.release(two!)).toBe(true);
      expect(await b.acquire(k1, { ttlMs: 10_000, waitMs: 0 }), 'releasing k2 did not free k1').toBeNull();
      expect(await a.release(one!)).toBe(true);
    });

    it('never grants one key to two holders under concurrent contention', async (context) => {
      skipIfUnavailable(context);
      const clientCount = 4;
      const attempts = 25;
      const clients = await Promise.all(Array.from({ length: clientCount }, () => client()));
      const key = freshKey('contended');
      let holders = 0;
      let overlaps = 0;
      let granted = 0;
      let contended = 0;
      const fences: number[] = [];
      const failures: string[] = [];
      await Promise.all(
        clients.map(async (backend, index) => {
          // a broken backend fails fast instead of waiting out every budget
          for (let attempt = 0; attempt < attempts && failures.length === 0; attempt++) {
            const lease = blocks
              ? await backend.acquire(key, { ttlMs: 10_000, waitMs: 2_000 })
              : await acquireWithin(backend, key, 10_000, 2_000);
            if (!lease) {
              failures.push(`client ${index} attempt ${attempt}: not granted within 2 s`);
              continue;
            }
            if (holders++ !== 0) overlaps++;
            granted++;
            if (lease.contended) contended++;
            fences.push(Number(lease.fence));
            await sleep(1);
            holders--;
            if (!(await backend.release(lease))) failures.push(`client ${index} attempt ${attempt}: release returned false`);
          }
        }),
      );
      expect(overlaps, 'grants while another client held the key').toBe(0);
      expect(failures).toEqual([]);
      expect(granted).toBe(clientCount * attempts);
      if (blocks) expect(contended, 'some grants had to wait').toBeGreaterThan(0);
      // grants were exclusive, so the order they were seen in is the order they were made
      for (let i = 1; i < fences.length; i++) expect(fences[i], `fence ${i}`).toBeGreaterThan(fences[i - 1]);
    });

    it.skipIf(!setup.unreachable)('fails connect() fast with BackendUnavailableError when the server is unreachable', async (context) => {
      skipIfUnavailable(context);
      const unreachable = setup.unreachable!;
      const backend = await unreachable.createBackend();
      open.push(backend);
      const started = monotonicMs();
      let failure: unknown;
      try {
        await backend.connect();
      } catch (error) {
        failure = error;
      }
      expect(monotonicMs() - started, 'within the connect timeout').toBeLessThan(5_000);
      expect(failure).toBeInstanceOf(BackendUnavailableError);
      const message = (failure as Error).message;
      expect(message).toContain(unreachable.address);
      for (const secret of unreachable.secrets ?? []) expect(message).not.toContain(secret);
    });
  });
}

/** `fence + n`, keeping the fence's type. */
function bump(fence: bigint | number, n: number): bigint | number {
  return typeof fence === 'bigint' ? fence + BigInt(n) : fence + n;
}

function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}
