/**
 * `redis-cluster`: Redis Cluster through ioredis' Cluster client. The lock and
 * fence keys share a hash tag (scripts.ts lockKeys), so each lock's script runs
 * on the one master owning its slot; MOVED and ASK are followed by ioredis
 * (re-reading the slot map on MOVED), bounded by maxRedirections and the command timeout.
 */
import { Cluster, Command, type ClusterOptions } from 'ioredis';
import { ScenarioError } from '../../errors.js';
import type { BackendSpec } from '../../scenario/types.js';
import type { BackendFactory } from '../types.js';
import { redisAddress, redisOptions } from './connection.js';
import { FailureLog } from './failures.js';
import { ScriptLockBackend } from './script-lock-backend.js';
import { defineLockCommands, LOCK_SCRIPTS, type LockCommands } from './scripts.js';

type ClusterSpec = Extract<BackendSpec, { type: 'redis-cluster' }>;

/** Cluster-level options of a measuring client: nothing queued while the cluster is down. */
function clusterOptions(spec: ClusterSpec): ClusterOptions {
  for (const url of spec.urls) {
    const db = new URL(url).pathname.slice(1);
    if (db !== '' && db !== '0') {
      throw new ScenarioError(`backend.urls: Redis Cluster has only database 0; remove /${db} from ${redisAddress(url)}`);
    }
  }
  // per-node connections: credentials, TLS and timeouts of the first URL (a cluster shares them);
  // the Cluster client itself sets each node's host, port, offline queue and retry strategy
  const {
    host: _host,
    port: _port,
    db: _db,
    lazyConnect: _lazy,
    enableOfflineQueue: _queue,
    retryStrategy: _retry,
    enableAutoPipelining: _pipelining,
    ...nodeOptions
  } = redisOptions(spec, spec.urls[0]);
  return {
    redisOptions: nodeOptions,
    lazyConnect: true,
    enableOfflineQueue: false,
    enableAutoPipelining: spec.autoPipelining,
    // while every node is down: try again at most every 500 ms, as the single-server client does
    clusterRetryStrategy: (times: number) => Math.min(50 * times, 500),
    maxRedirections: 16,
    retryDelayOnMoved: 0,
    slotsRefreshTimeout: spec.connectTimeoutMs,
  };
}

/**
 * Errors of a command that did not run: a redirection or a busy slot the server answered
 * instead, or a pipeline ioredis refused to send because its slot map changed under it.
 */
const NOT_RUN = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) |^All (the )?keys in (a|the) pipeline/;

/**
 * The lock commands over an auto-pipelining Cluster client. ioredis follows MOVED/ASK
 * for a whole pipeline only when every command in it met the same redirection; while a
 * slot moves, an auto-pipeline mixes commands that ran with some that were redirected
 * (or told TRYAGAIN), and those come back as errors. A command that did not run is sent
 * again on its own, outside any pipeline, where ioredis follows redirections and retries
 * TRYAGAIN/CLUSTERDOWN (bounded by maxRedirections and the command timeout).
 */
class RedirectionSafeCommands implements LockCommands {
  /** commands sent again outside the pipeline */
  resent = 0;

  constructor(private readonly client: Cluster & LockCommands) {}

  async lbAcquire(lockKey: string, fenceKey: string, token: string, ttlMs: number): Promise<number> {
    try {
      return await this.client.lbAcquire(lockKey, fenceKey, token, ttlMs);
    } catch (error) {
      return this.alone(error, 'lbAcquire', [lockKey, fenceKey, token, ttlMs]);
    }
  }

  async lbRelease(lockKey: string, fenceKey: string, token: string): Promise<number> {
    try {
      return await this.client.lbRelease(lockKey, fenceKey, token);
    } catch (error) {
      return this.alone(error, 'lbRelease', [lockKey, fenceKey, token]);
    }
  }

  async lbExtend(lockKey: string, fenceKey: string, token: string, ttlMs: number): Promise<number> {
    try {
      return await this.client.lbExtend(lockKey, fenceKey, token, ttlMs);
    } catch (error) {
      return this.alone(error, 'lbExtend', [lockKey, fenceKey, token, ttlMs]);
    }
  }

  /** Sends the command again by itself (a plain EVAL) if it did not run; rethrows otherwise. */
  private alone(error: unknown, name: keyof LockCommands, args: readonly (string | number)[]): Promise<number> {
    if (!(error instanceof Error) || !NOT_RUN.test(error.message)) throw error;
    this.resent++;
    return this.client.sendCommand(new Command('eval', [LOCK_SCRIPTS[name], 2, ...args])) as Promise<number>;
  }
}

/** Locks on a Redis Cluster; keys spread over the masters by their hash tag. */
export class RedisClusterBackend extends ScriptLockBackend {
  readonly name = 'redis-cluster';
  private readonly nodeErrors = new Map<string, number>();
  private slotMapRefreshes = 0;
  private readonly redirectionSafe?: RedirectionSafeCommands;

  constructor(spec: ClusterSpec) {
    const options = clusterOptions(spec);
    const seeds = spec.urls.map((url) => {
      const { host, port } = redisOptions(spec, url);
      return { host: host!, port: port! };
    });
    const where = `redis-cluster ${spec.urls.map(redisAddress).join(',')}`;
    const client = defineLockCommands(new Cluster(seeds, options));
    const redirectionSafe = spec.autoPipelining ? new RedirectionSafeCommands(client) : undefined;
    super(redirectionSafe ?? client, spec.keyPrefix, new FailureLog(where, spec.commandTimeoutMs, [options.redisOptions?.password]), {
      client,
      where,
      timeoutMs: spec.connectTimeoutMs,
    });
    this.redirectionSafe = redirectionSafe;
    // listeners also keep ioredis from printing "Unhandled error event"
    client.on('error', (error: Error) => (this.lastError ??= error));
    client.on('node error', (error: Error, node: string) => {
      // a refused connection reaches the Cluster client only as "Connection is closed."
      const closed = error.message === 'Connection is closed.';
      if (!this.lastError || !closed) this.lastError = new Error(`${node}: ${closed ? 'connection refused or closed' : error.message}`);
      this.nodeErrors.set(node, (this.nodeErrors.get(node) ?? 0) + 1);
    });
    client.on('refresh', () => this.slotMapRefreshes++);
  }

  /**
   * Failures by kind, connection errors per node, how often the slot map was read
   * (MOVED, topology changes) and how many redirected commands were resent alone.
   */
  override stats(): Readonly<Record<string, number>> {
    const stats: Record<string, number> = {
      ...super.stats(),
      'slot map refreshes': this.slotMapRefreshes,
      'commands resent outside the pipeline': this.redirectionSafe?.resent ?? 0,
    };
    for (const [node, errors] of this.nodeErrors) stats[`node ${node} errors`] = errors;
    return stats;
  }
}

/** The `redis-cluster` backend type: each worker thread gets its own Cluster client. */
export const redisClusterBackendFactory: BackendFactory<ClusterSpec> = {
  type: 'redis-cluster',
  create(spec) {
    return new RedisClusterBackend(spec);
  },
};
