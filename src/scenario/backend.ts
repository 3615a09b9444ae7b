/** The `backend:` map of a scenario: its schema per type, and the resolved BackendSpec. */
import { dirname, resolve as resolvePath } from 'node:path';
import { z } from 'zod';
import { distribution, type RawDistribution } from './distribution.js';
import { describeValue, duration, strictMap } from './fields.js';
import type { BackendSpec, DistributionSpec, Millis } from './types.js';

/** A URL with one of `schemes`; the message never repeats the URL (it may hold a password). */
function url(schemes: readonly string[]) {
  return z.string().superRefine((text, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `is not a URL; expected ${schemes.map((s) => `${s}://host:port`).join(' or ')}`, input: '' });
      return;
    }
    const scheme = parsed.protocol.replace(/:$/, '');
    if (!schemes.includes(scheme)) {
      ctx.addIssue({ code: 'custom', message: `scheme '${scheme}' is not allowed (allowed: ${schemes.join(', ')})`, input: '' });
    }
    if (!parsed.hostname) ctx.addIssue({ code: 'custom', message: 'names no host', input: '' });
  });
}

/** A list of URLs, or one string of comma-separated URLs (handy from an environment variable). */
function urlList(schemes: readonly string[]) {
  return z.preprocess(
    (input) =>
      typeof input === 'string'
        ? input
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== '')
        : input,
    z.array(url(schemes)).min(1),
  );
}

const REDIS_SCHEMES = ['redis', 'rediss'];

/** Fields shared by redis, redlock and redis-cluster. */
const redisConnection = {
  username: z.string().optional(),
  password: z.string().optional(),
  tls: z.boolean().default(false),
  keyPrefix: z.string().default('lockbench:'),
  connectTimeout: duration({ positive: true }).default(2_000),
  commandTimeout: duration({ positive: true }).default(1_000),
  maxRetriesPerRequest: z.int().min(0).default(1),
  // off by default: on this path it costs client CPU per command (bench/RESULTS.md, redis)
  autoPipelining: z.boolean().default(false),
};

const ZNODE_PATH = /^\/[^/]+(\/[^/]+)*$/;

export const backendSchema = z.discriminatedUnion('type', [
  strictMap({ type: z.literal('memory'), rtt: distribution.optional(), capacity: z.int().min(1).optional() }),
  strictMap({ type: z.literal('module'), path: z.string().min(1), options: z.record(z.string(), z.unknown()).default({}) }),
  strictMap({ type: z.literal('redis'), url: url(REDIS_SCHEMES), db: z.int().min(0).optional(), ...redisConnection }),
  strictMap({
    type: z.literal('redlock'),
    urls: urlList(REDIS_SCHEMES),
    nodeTimeout: duration({ positive: true }).default(50),
    driftFactor: z.number().min(0).lt(1).default(0.01),
    drift: duration().default(2),
    ...redisConnection,
  }),
  strictMap({ type: z.literal('redis-cluster'), urls: urlList(REDIS_SCHEMES), ...redisConnection }),
  strictMap({
    type: z.literal('postgres'),
    url: url(['postgres', 'postgresql']),
    lockScope: z.enum(['session', 'xact']).default('session'),
    poolSize: z.int().min(1).optional(),
    connectTimeout: duration({ positive: true }).default(5_000),
    fenceSequence: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, { error: (issue) => `must be a plain SQL identifier (a-z, 0-9, _), got ${describeValue(issue.input)}` })
      .default('lockbench_fence'),
  }),
  strictMap({
    type: z.literal('mysql'),
    url: url(['mysql', 'mariadb']),
    poolSize: z.int().min(1).optional(),
    connectTimeout: duration({ positive: true }).default(5_000),
    fenceTable: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: (issue) => `must be a plain SQL identifier (letters, digits, _), got ${describeValue(issue.input)}` })
      .default('lockbench_fence'),
  }),
  strictMap({
    type: z.literal('etcd'),
    urls: urlList(['http', 'https']),
    username: z.string().optional(),
    password: z.string().optional(),
    prefix: z.string().min(1).default('lockbench/'),
    connectTimeout: duration({ positive: true }).default(5_000),
  }),
  strictMap({
    type: z.literal('zookeeper'),
    connect: z.string().regex(/^[^,/\s]+:\d+(,[^,/\s]+:\d+)*(\/\S*)?$/, {
      error: (issue) => `must be host:port[,host:port…][/chroot], got ${describeValue(issue.input)}`,
    }),
    root: z
      .string()
      .regex(ZNODE_PATH, { error: (issue) => `must be an absolute znode path such as /lockbench, got ${describeValue(issue.input)}` })
      .default('/lockbench'),
    sessionTimeout: duration({ positive: true }).default(10_000),
    connectTimeout: duration({ positive: true }).default(5_000),
  }),
]);

export type RawBackend = z.output<typeof backendSchema>;

/**
 * The resolved spec. Only the memory backend's simulated rtt is scaled by timeScale;
 * timeouts of real servers are real time.
 */
export function resolveBackendSpec(b: RawBackend, scaleDistribution: (d: RawDistribution) => DistributionSpec, file: string): BackendSpec {
  switch (b.type) {
    case 'memory':
      return {
        type: 'memory',
        ...(b.rtt !== undefined && { rtt: scaleDistribution(b.rtt) }),
        ...(b.capacity !== undefined && { capacity: b.capacity }),
      };
    case 'module':
      return { type: 'module', path: resolvePath(dirname(file), b.path), options: b.options };
    case 'redis':
    case 'redlock':
    case 'redis-cluster': {
      const { connectTimeout, commandTimeout, ...rest } = b;
      const common = { ...rest, connectTimeoutMs: connectTimeout, commandTimeoutMs: commandTimeout };
      if (common.type === 'redlock') {
        const { nodeTimeout, drift, ...redlock } = common;
        return { ...redlock, nodeTimeoutMs: nodeTimeout, driftMs: drift };
      }
      return common;
    }
    case 'postgres':
    case 'mysql':
    case 'etcd': {
      const { connectTimeout, ...rest } = b;
      return { ...rest, connectTimeoutMs: connectTimeout as Millis };
    }
    case 'zookeeper': {
      const { connectTimeout, sessionTimeout, ...rest } = b;
      return { ...rest, connectTimeoutMs: connectTimeout, sessionTimeoutMs: sessionTimeout };
    }
  }
}
