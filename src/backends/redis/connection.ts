/**
 * ioredis options chosen for measurement, not comfort: no offline queue, few
 * retries per command, a command timeout. A dead server then shows as errors
 * counted per second, never as requests silently queued into latency.
 */
import { randomBytes } from 'node:crypto';
import type { RedisOptions } from 'ioredis';
import type { RedisConnectionSpec } from '../../scenario/types.js';

/** host:port of a redis URL, for messages (never its user or password). */
export function redisAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '6379'}`;
}

/** The host to connect to: WHATWG URLs keep an IPv6 literal's brackets (`[::1]`), sockets want them off. */
function socketHost(parsed: URL): string {
  const host = parsed.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Options for one ioredis connection to `url`; the spec's username/password/db override the URL's. */
export function redisOptions(spec: RedisConnectionSpec & { readonly db?: number }, url: string): RedisOptions {
  const parsed = new URL(url);
  const dbFromPath = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
  const username = spec.username ?? (parsed.username ? decodeURIComponent(parsed.username) : undefined);
  const password = spec.password ?? (parsed.password ? decodeURIComponent(parsed.password) : undefined);
  const tls = spec.tls || parsed.protocol === 'rediss:';
  return {
    host: socketHost(parsed),
    port: Number(parsed.port || 6379),
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
    db: spec.db ?? (Number.isInteger(dbFromPath) ? dbFromPath : 0),
    ...(tls && { tls: {} }),
    lazyConnect: true,
    enableOfflineQueue: false,
    enableAutoPipelining: spec.autoPipelining,
    maxRetriesPerRequest: spec.maxRetriesPerRequest,
    // a command in flight when the connection drops may or may not have run: never replay it after the
    // reconnect (a replayed acquire whose caller already gave up would hold the key, unseen, until its TTL);
    // it fails instead, by maxRetriesPerRequest or commandTimeout
    autoResendUnfulfilledCommands: false,
    connectTimeout: spec.connectTimeoutMs,
    commandTimeout: spec.commandTimeoutMs,
    // keep reconnecting while the run goes on (a restarted server is used again), at most every 500 ms
    retryStrategy: (times: number) => Math.min(50 * times, 500),
    // the servers we measure are ours to measure: no READONLY/cluster-down retries hidden in latency
    reconnectOnError: () => false,
  };
}

const TOKEN_BYTES = 16;
/** tokens drawn from one call to the CSPRNG: a randomBytes call per acquire costs more than the hex encoding */
const TOKENS_PER_BATCH = 256;
let tokenPool = Buffer.alloc(0);
let tokenOffset = 0;

/** A lock token: 16 random bytes (128 bits), hex; each token's bytes are used once. */
export function newToken(): string {
  if (tokenOffset === tokenPool.length) {
    tokenPool = randomBytes(TOKEN_BYTES * TOKENS_PER_BATCH);
    tokenOffset = 0;
  }
  const token = tokenPool.toString('hex', tokenOffset, tokenOffset + TOKEN_BYTES);
  tokenOffset += TOKEN_BYTES;
  return token;
}
