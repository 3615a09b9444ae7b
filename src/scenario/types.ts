/**
 * The resolved scenario: what the loader hands to the rest of lockbench.
 * Every duration is a number of milliseconds with `timeScale` already applied;
 * every default is filled in. It is plain data (structured-cloneable) so it can
 * be posted to worker threads as is.
 */

/** Milliseconds (may be fractional: 250us → 0.25). */
export type Millis = number;

/** A distribution of durations (hold time, think time, rtt). */
export type DistributionSpec =
  | { readonly type: 'constant'; readonly value: Millis }
  | { readonly type: 'uniform'; readonly min: Millis; readonly max: Millis }
  | { readonly type: 'exponential'; readonly mean: Millis }
  /** lognormal given by its median and its 99th percentile */
  | { readonly type: 'lognormal'; readonly median: Millis; readonly p99: Millis }
  | { readonly type: 'mix'; readonly of: readonly MixComponent[] };

/** One named, weighted component of a `mix` (e.g. upi / netbanking / wallet). */
export interface MixComponent {
  readonly weight: number;
  readonly name: string;
  /** components are plain distributions; a mix does not nest */
  readonly dist: Exclude<DistributionSpec, { type: 'mix' }>;
}

/** How an arrival picks its resource id in [0, resources.count). */
export type KeyPickSpec =
  | { readonly type: 'uniform' }
  /** P(rank k) ∝ 1 / k^s, rank 1 = id 0 */
  | { readonly type: 'zipf'; readonly s: number }
  /** `hotTraffic` of the arrivals go to the first `hotKeys` fraction of ids, the rest uniformly to the others */
  | { readonly type: 'hotspot'; readonly hotKeys: number; readonly hotTraffic: number };

/** One open-model phase: arrivals per second, optionally ramped linearly. */
export interface PhaseSpec {
  readonly name: string;
  readonly durationMs: Millis;
  /** arrivals/s at the start of the phase */
  readonly rate: number;
  /** arrivals/s at the end of the phase (linear ramp); equals `rate` when absent in the file */
  readonly rampTo: number;
  readonly arrival: 'uniform' | 'poisson';
}

/** Open model (arrivals from a schedule) or closed model (users that think, then ask). */
export type LoadSpec =
  | { readonly model: 'open'; readonly phases: readonly PhaseSpec[] }
  | {
      readonly model: 'closed';
      readonly users: number;
      readonly durationMs: Millis;
      readonly thinkTime: DistributionSpec;
    };

/** The pause between acquire attempts (a plain backoff). */
export type BackoffSpec =
  /** one attempt; a blocking backend queues it for the whole acquireTimeout */
  | { readonly strategy: 'none' }
  | { readonly strategy: 'fixed'; readonly delayMs: Millis }
  /** delay = min(max, base · 2^attempt) */
  | { readonly strategy: 'exponential'; readonly baseMs: Millis; readonly maxMs: Millis }
  /** "full jitter": delay = random(0, min(max, base · 2^attempt)) */
  | { readonly strategy: 'exponential-jitter'; readonly baseMs: Millis; readonly maxMs: Millis };

/**
 * A circuit breaker per worker thread (one client process): it opens when the share of failed
 * attempts within `windowMs` reaches `failureRate` (after at least `minAttempts`), fails requests
 * fast while open, and after `openForMs` lets one probe through (half-open): success closes it,
 * failure opens it again. While closed, attempts are spaced by `backoff`.
 */
export interface CircuitBreakerSpec {
  readonly strategy: 'circuit-breaker';
  readonly backoff: BackoffSpec;
  readonly failureRate: number;
  readonly windowMs: Millis;
  readonly minAttempts: number;
  readonly openForMs: Millis;
  /** a busy key counts as a failed attempt (false: only backend errors do) */
  readonly countBusy: boolean;
}

export type RetrySpec = BackoffSpec | CircuitBreakerSpec;

export interface LockSpec {
  /** none: no lock (the baseline that shows the damage); single: one key per request; multi: several, in a global order */
  readonly mode: 'none' | 'single' | 'multi';
  readonly ttlMs: Millis;
  /** the whole budget for getting the lock, across retries */
  readonly acquireTimeoutMs: Millis;
  readonly retry: RetrySpec;
  /** extend the lease every `everyMs` while held; absent = no renewal */
  readonly renew?: { readonly everyMs: Millis };
  /** mode multi: how many keys one request locks (all or nothing); mode none: how many it touches unlocked */
  readonly keys?: MultiKeySpec;
  /** holders one key admits at once: 1 = a mutex; c > 1 = a semaphore of c permits (simulate and plan only) */
  readonly permits: number;
}

/**
 * The backend model of `lockbench simulate`, as written in `sim:` (durations scaled); what the file
 * leaves out is filled in by the simulator from the backend and retry policy (src/sim/backend-model.ts).
 */
export interface SimSpec {
  /** round trip of one operation: half on the way to the server, half back */
  readonly rtt?: DistributionSpec;
  /** server time per operation, added to its answer */
  readonly serviceTime?: DistributionSpec;
  /** operations per second the server processes, one after another in arrival order */
  readonly capacity?: number;
  /** fifo: the server queues waiters and hands the key over on release; polling: it answers busy and the client retries */
  readonly discipline?: 'fifo' | 'polling';
}

/**
 * mode multi. `count`: each request locks `count` distinct resource ids (picked with
 * resources.pick), acquired in ascending id order. `levels`: hierarchical locks, e.g.
 * train → coach → seat: one key per level, each under the one before it.
 */
export type MultiKeySpec =
  | { readonly type: 'count'; readonly count: number }
  | { readonly type: 'levels'; readonly levels: readonly { readonly name: string; readonly count: number }[] };

/** Where the protected state lives. */
export type ResourceStoreSpec =
  /** a SharedArrayBuffer of this run: every worker thread sees it */
  | { readonly type: 'memory' }
  /** keys on a Redis server: for runs spread over processes or machines */
  | { readonly type: 'redis'; readonly url: string; readonly keyPrefix: string };

interface ResourceCommon {
  /** the store rejects a write whose fence is lower than the highest it has seen for the key */
  readonly fencing: boolean;
  readonly store: ResourceStoreSpec;
}

/**
 * What the critical section does to shared state, per resource id: read it, hold the lock
 * for the hold time, then write what the read implied. A broken lock really corrupts it.
 */
export type ResourceSpec =
  /** stock per key; a holder that read s > 0 writes s − 1 (one unit sold) */
  | (ResourceCommon & { readonly type: 'inventory'; readonly stock: number })
  /** balance per wallet; a holder draws a debit and, if the balance it read allows, writes balance − debit */
  | (ResourceCommon & { readonly type: 'wallet'; readonly balance: number; readonly debit: { readonly min: number; readonly max: number } })
  /** each key is a seat; a holder that read it free books it */
  | (ResourceCommon & { readonly type: 'seat' })
  /** read-modify-write increment */
  | (ResourceCommon & { readonly type: 'counter' });

/** A fault on the run's timeline, active in [atMs, atMs + durationMs). */
export interface FaultSpec {
  /**
   * client-pause: a chosen client holding a lock freezes until the fault ends (a stop-the-world GC pause:
   * its work and its renewals wait). client-crash: a chosen client holding a lock dies (no write, no
   * release, no renewal: the key stays locked until its TTL). event-loop-block: the chosen worker
   * threads' event loops are blocked for the whole fault (every client on them stalls).
   */
  readonly type: 'client-pause' | 'client-crash' | 'event-loop-block';
  readonly atMs: Millis;
  readonly durationMs: Millis;
  /** share of clients (pause, crash) or of worker threads (event-loop-block) it hits */
  readonly fraction: number;
}

/** Connection settings every Redis-protocol backend shares (redis, redlock, redis-cluster). */
export interface RedisConnectionSpec {
  /** overrides the URL's user; never printed */
  readonly username?: string;
  /** overrides the URL's password; never printed or written to a report */
  readonly password?: string;
  /** TLS to the server(s); also on for rediss:// URLs */
  readonly tls: boolean;
  /** prepended to every lock and fence key */
  readonly keyPrefix: string;
  /** connect() gives up after this (BackendUnavailableError) */
  readonly connectTimeoutMs: Millis;
  /** a command with no answer after this fails (counted as an error, not hidden in latency) */
  readonly commandTimeoutMs: Millis;
  /** ioredis' retries of a command over reconnects; small, so a dead server shows as errors */
  readonly maxRetriesPerRequest: number;
  /** ioredis auto-pipelining: commands issued in one tick go in one write (default off: it cost more client CPU per cycle than it saved, bench/RESULTS.md) */
  readonly autoPipelining: boolean;
}

export type BackendSpec =
  | {
      readonly type: 'memory';
      /** delay of each operation, standing in for network distance */
      readonly rtt?: DistributionSpec;
      /** lock-table slots; default: 2 × resources.count, at least 1024 */
      readonly capacity?: number;
    }
  | {
      /** a user's own backend: an ES module whose default export is a BackendFactory */
      readonly type: 'module';
      /** absolute path (resolved against the scenario file) */
      readonly path: string;
      readonly options: Readonly<Record<string, unknown>>;
    }
  | (RedisConnectionSpec & {
      /** one Redis server: SET NX PX + Lua release/extend, fence by INCR */
      readonly type: 'redis';
      /** redis:// or rediss://, may carry user:password@ and /db */
      readonly url: string;
      /** overrides the URL's /db */
      readonly db?: number;
    })
  | (RedisConnectionSpec & {
      /** Redlock over N independent Redis nodes */
      readonly type: 'redlock';
      /** one URL per node (≥ 3 recommended, 5 in the examples) */
      readonly urls: readonly string[];
      /** how long one node may take to answer one attempt before it counts as failed */
      readonly nodeTimeoutMs: Millis;
      /** clock drift allowance = driftFactor · ttl + driftMs */
      readonly driftFactor: number;
      readonly driftMs: Millis;
    })
  | (RedisConnectionSpec & {
      /** Redis Cluster: keys with hash tags, MOVED/ASK followed */
      readonly type: 'redis-cluster';
      /** seed nodes of the cluster */
      readonly urls: readonly string[];
    })
  | {
      /** PostgreSQL advisory locks */
      readonly type: 'postgres';
      /** postgres://user:password@host:port/db */
      readonly url: string;
      /** session: lock held on the connection until unlock; xact: held by an open transaction until COMMIT */
      readonly lockScope: 'session' | 'xact';
      /** connections per worker thread; default: that worker's share of the clients */
      readonly poolSize?: number;
      readonly connectTimeoutMs: Millis;
      /** sequence the fence is taken from (nextval under the lock); created if missing */
      readonly fenceSequence: string;
    }
  | {
      /** MySQL / MariaDB named locks: GET_LOCK / RELEASE_LOCK */
      readonly type: 'mysql';
      /** mysql://user:password@host:port/db */
      readonly url: string;
      /** connections per worker thread; default: that worker's share of the clients */
      readonly poolSize?: number;
      readonly connectTimeoutMs: Millis;
      /** table holding per-lock fence counters; created if missing */
      readonly fenceTable: string;
    }
  | {
      /** etcd mutex recipe: lease + create-revision ordering */
      readonly type: 'etcd';
      /** http://host:port endpoints of one cluster */
      readonly urls: readonly string[];
      readonly username?: string;
      readonly password?: string;
      /** every lock key lives under this prefix */
      readonly prefix: string;
      readonly connectTimeoutMs: Millis;
    }
  | {
      /** ZooKeeper lock recipe: ephemeral-sequential nodes, watch the next lower */
      readonly type: 'zookeeper';
      /** connect string host:port[,host:port…][/chroot] */
      readonly connect: string;
      /** parent znode of every lock */
      readonly root: string;
      readonly sessionTimeoutMs: Millis;
      readonly connectTimeoutMs: Millis;
    };

/** A backend spec of one type. */
export type BackendSpecOf<T extends BackendSpec['type']> = Extract<BackendSpec, { type: T }>;

/** A file a run writes: report.json, summary.md, report.html, series.csv, one .hgrm per latency, junit.xml. */
export type ReportFormat = 'json' | 'md' | 'html' | 'csv' | 'hgrm' | 'junit';

export interface ThresholdSpec {
  /** dotted path into report.json, e.g. latency.acquire.p99 */
  readonly metric: string;
  readonly op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  /** in the report field's unit (durations converted to ms) */
  readonly value: number;
  /** the condition as written, e.g. "< 100ms" */
  readonly source: string;
  /** stop the run as soon as the live totals show it can no longer pass (counters under totals.* only) */
  readonly abortOnFail?: boolean;
}

export interface ResolvedScenario {
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly backend: BackendSpec;
  /** worker threads */
  readonly workers: number;
  readonly load: LoadSpec;
  /** admitted requests at once (per run, split across workers); beyond it arrivals wait in the backlog */
  readonly maxInFlight: number;
  /** arrivals waiting for a slot (per run); beyond it they are dropped and counted */
  readonly maxBacklog: number;
  readonly resources: {
    readonly count: number;
    /** `{id}` is replaced by the resource id */
    readonly key: string;
    readonly pick: KeyPickSpec;
  };
  readonly lock: LockSpec;
  readonly hold: DistributionSpec;
  /** the protected state; absent = the critical section only holds the lock */
  readonly resource?: ResourceSpec;
  /** client faults in time order; absent or empty = none */
  readonly faults?: readonly FaultSpec[];
  /** how much the durations of the file were multiplied by (already applied) */
  readonly timeScale: number;
  /** extra time after the schedule ends for in-flight and backlogged requests to finish */
  readonly drainMs: Millis;
  readonly thresholds: readonly ThresholdSpec[];
  readonly report: { readonly dir: string; readonly formats: readonly ReportFormat[] };
  /** the `sim` section: the backend model of `lockbench simulate` (not used by `run`) */
  readonly sim?: SimSpec;
}

/** A loaded scenario plus what is needed to point at its source. */
export interface LoadedScenario {
  readonly scenario: ResolvedScenario;
  /** the file path as given ('<inline>' for text) */
  readonly file: string;
  readonly sha256: string;
  /** file:line:col of a dotted field path, for errors found after loading */
  locate(path: string): { line: number; col: number } | undefined;
}
