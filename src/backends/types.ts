/** The contract every lock backend implements (DESIGN.md "The backend contract"). */

export interface AcquireOptions {
  /** lease time to live */
  readonly ttlMs: number;
  /**
   * how long the backend may wait for the key inside this call. 0 = try once.
   * Backends that cannot block (Redis) ignore it and answer at once.
   */
  readonly waitMs: number;
  /** aborts a wait (Ctrl-C, end of drain); acquire then resolves to null */
  readonly signal?: AbortSignal;
}

/** A granted lock. */
export interface Lease {
  readonly key: string;
  /** proves ownership to release/extend */
  readonly token: string;
  /** strictly increasing per key */
  readonly fence: bigint | number;
  /** ms on the shared monotonic clock (src/clock.ts) */
  expiresAt: number;
  /** the key was held by someone else when this acquire began (it had to wait) */
  readonly contended: boolean;
  /**
   * Set by the backend when it learns, before release, that the lock is gone:
   * the holder's connection dropped (postgres, mysql), its lease was lost or
   * revoked (etcd), its session expired (zookeeper). The driver counts it as a
   * lost lease (once) and still calls release, which resolves false (never
   * counted as released) but may clean up what is left on the server.
   */
  lost?: boolean;
}

export interface LockBackend {
  readonly name: string;
  /** fail fast with BackendUnavailableError */
  connect(): Promise<void>;
  /** null = not granted within opts.waitMs */
  acquire(key: string, opts: AcquireOptions): Promise<Lease | null>;
  /** false = it was no longer ours (expired or taken over) */
  release(lease: Lease): Promise<boolean>;
  /** pushes expiry to now + ttlMs; false = no longer ours */
  extend?(lease: Lease, ttlMs: number): Promise<boolean>;
  /**
   * Backend-specific counters for the report (`backend.stats`), summed across
   * workers at the end of the run: e.g. `node 127.0.0.1:7001 errors` for
   * Redlock, `connections lost` for postgres. Names are shown as written.
   */
  stats?(): Readonly<Record<string, number>>;
  close(): Promise<void>;
}

/** What a backend gets to know about the run when it is created. */
export interface BackendContext {
  /** 0-based worker thread index; -1 in the coordinator's connect check */
  readonly workerIndex: number;
  readonly workerCount: number;
  readonly resourceCount: number;
  /**
   * How many requests this worker may have in flight at once (its share of
   * maxInFlight, or of the closed model's users): size connection pools to it.
   */
  readonly clientsPerWorker: number;
  /** the scenario's seed, for backends that draw random numbers (rtt) */
  readonly seed: number;
}

/**
 * Creates backends of one type. `prepare` runs once in the main thread and
 * returns structured-cloneable state shared by every worker (the memory
 * backend's SharedArrayBuffer); `create` runs in each worker thread.
 */
export interface BackendFactory<Spec = unknown, Shared = unknown> {
  readonly type: string;
  prepare?(spec: Spec, context: BackendContext): Shared | Promise<Shared>;
  create(spec: Spec, shared: Shared, context: BackendContext): LockBackend | Promise<LockBackend>;
}
