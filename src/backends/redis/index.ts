/**
 * `redis`: one Redis server, one ioredis connection per worker thread (one
 * connection beats a pool for a single-threaded server; auto-pipelining is an
 * option, off by default: bench/RESULTS.md). SET NX PX + INCR of a fence
 * counter in one script; release and extend compare the token.
 */
import { Redis } from 'ioredis';
import type { BackendSpec } from '../../scenario/types.js';
import type { BackendFactory } from '../types.js';
import { redisAddress, redisOptions } from './connection.js';
import { FailureLog } from './failures.js';
import { ScriptLockBackend } from './script-lock-backend.js';
import { defineLockCommands } from './scripts.js';

type RedisSpec = Extract<BackendSpec, { type: 'redis' }>;

/** Locks on one Redis server; keeps reconnecting on its own after the server comes back. */
export class RedisBackend extends ScriptLockBackend {
  readonly name = 'redis';
  private ready = false;
  private everReady = false;
  private disconnects = 0;
  private reconnects = 0;

  constructor(spec: RedisSpec) {
    const options = redisOptions(spec, spec.url);
    const where = `redis ${redisAddress(spec.url)}`;
    const client = defineLockCommands(new Redis(options));
    super(client, spec.keyPrefix, new FailureLog(where, spec.commandTimeoutMs, [options.password]), { client, where, timeoutMs: spec.connectTimeoutMs });
    // an 'error' listener also keeps ioredis from printing "Unhandled error event"
    client.on('error', (error: Error) => (this.lastError = error));
    client.on('ready', () => {
      if (this.everReady) this.reconnects++;
      this.ready = this.everReady = true;
    });
    client.on('close', () => {
      if (this.ready) this.disconnects++;
      this.ready = false;
    });
  }

  override stats(): Readonly<Record<string, number>> {
    return { ...super.stats(), disconnects: this.disconnects, reconnects: this.reconnects };
  }
}

/** The `redis` backend type: each worker thread gets its own connection. */
export const redisBackendFactory: BackendFactory<RedisSpec> = {
  type: 'redis',
  create(spec) {
    return new RedisBackend(spec);
  },
};
