/**
 * The protected state on a Redis server (`resource.store: { type: redis, url }`): for runs
 * whose clients are spread over processes or machines. One hash per resource id holds the
 * visible value, the ground truth, the highest fence seen and (wallets) the lowest true
 * balance; each read and write is one Lua script, so it is atomic on its own, and only the
 * lock keeps a read → hold → write from interleaving with another.
 */
import { Redis } from 'ioredis';
import { connectWithin } from '../backends/redis/connect-within.js';
import { redisAddress, redisOptions } from '../backends/redis/connection.js';
import { redactText } from '../report/redact.js';
import type { ResourceSpec, ResourceStoreSpec } from '../scenario/types.js';
import { initialValue } from './resource-model.js';
import type { ResourceStore, ResourceTally } from './resource-store.js';

type RedisStoreSpec = Extract<ResourceStoreSpec, { type: 'redis' }>;

const CONNECT_TIMEOUT_MS = 2_000;
const COMMAND_TIMEOUT_MS = 5_000;
const PIPELINE_CHUNK = 1_000;

const READ_SCRIPT = `
local fence = tonumber(ARGV[1])
local seen = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
if fence > seen then redis.call('HSET', KEYS[1], 'fence', ARGV[1]) end
return redis.call('HGET', KEYS[1], 'value')
`;

// returns Write flags: 1 accepted, 2 stale, 4 damage
const WRITE_SCRIPT = `
local fence = tonumber(ARGV[1])
local seen = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
local stale = fence < seen
if stale and ARGV[4] == '1' then
  redis.call('HINCRBY', KEYS[2], 'staleRejected', 1)
  return 2
end
if fence > seen then redis.call('HSET', KEYS[1], 'fence', ARGV[1]) end
redis.call('HSET', KEYS[1], 'value', ARGV[2])
local truth = redis.call('HINCRBY', KEYS[1], 'truth', ARGV[3])
local kind = ARGV[5]
local limit = tonumber(ARGV[6])
local damage = false
if kind == 'inventory' then
  damage = truth > limit
elseif kind == 'wallet' then
  local balance = limit - truth
  damage = balance < 0
  local lowest = tonumber(redis.call('HGET', KEYS[1], 'min') or ARGV[6])
  if balance < lowest then redis.call('HSET', KEYS[1], 'min', balance) end
elseif kind == 'seat' then
  damage = truth > 1
end
redis.call('HINCRBY', KEYS[2], 'writes', 1)
local result = 1
if stale then
  redis.call('HINCRBY', KEYS[2], 'staleAccepted', 1)
  result = result + 2
end
if damage then
  redis.call('HINCRBY', KEYS[2], 'damage', 1)
  result = result + 4
end
return result
`;

function connect(store: RedisStoreSpec): Redis {
  return new Redis(
    redisOptions(
      {
        tls: false,
        keyPrefix: '',
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        commandTimeoutMs: COMMAND_TIMEOUT_MS,
        maxRetriesPerRequest: 1,
        autoPipelining: true,
      },
      store.url,
    ),
  );
}

async function connected(store: RedisStoreSpec): Promise<Redis> {
  const client = connect(store);
  let lastError: Error | undefined;
  client.on('error', (error: Error) => (lastError = error));
  await connectWithin(`resource store redis ${redisAddress(store.url)}`, CONNECT_TIMEOUT_MS, () => client.connect(), () => lastError, () => client.disconnect(), redactText);
  return client;
}

const keyOf = (store: RedisStoreSpec, id: number): string => `${store.keyPrefix}${id}`;
const countersOf = (store: RedisStoreSpec): string => `${store.keyPrefix}counters`;

/** Sets every key to its initial value and clears the counters (coordinator, before the run). */
export async function resetRedisResource(spec: ResourceSpec, store: RedisStoreSpec, keys: number): Promise<void> {
  const client = await connected(store);
  try {
    const start = String(initialValue(spec));
    const lowest = String(spec.type === 'wallet' ? spec.balance : 0);
    for (let from = 0; from < keys; from += PIPELINE_CHUNK) {
      const pipeline = client.pipeline();
      for (let id = from; id < Math.min(keys, from + PIPELINE_CHUNK); id++) {
        pipeline.del(keyOf(store, id));
        pipeline.hset(keyOf(store, id), 'value', start, 'truth', '0', 'fence', '0', 'min', lowest);
      }
      await pipeline.exec();
    }
    await client.del(countersOf(store));
  } finally {
    client.disconnect();
  }
}

/** Reads every key and the counters back (coordinator, after the run). */
export async function tallyRedisResource(spec: ResourceSpec, store: RedisStoreSpec, keys: number): Promise<ResourceTally> {
  const client = await connected(store);
  try {
    const values = new Float64Array(keys);
    const truths = new Float64Array(keys);
    const minima = new Float64Array(keys);
    for (let from = 0; from < keys; from += PIPELINE_CHUNK) {
      const pipeline = client.pipeline();
      const to = Math.min(keys, from + PIPELINE_CHUNK);
      for (let id = from; id < to; id++) pipeline.hmget(keyOf(store, id), 'value', 'truth', 'min');
      const answers = (await pipeline.exec()) ?? [];
      answers.forEach(([error, fields], index) => {
        if (error) throw error;
        const [value, truth, min] = fields as (string | null)[];
        values[from + index] = Number(value ?? initialValue(spec));
        truths[from + index] = Number(truth ?? 0);
        minima[from + index] = Number(min ?? (spec.type === 'wallet' ? spec.balance : 0));
      });
    }
    const counters = await client.hgetall(countersOf(store));
    const count = (name: string): number => Number(counters[name] ?? 0);
    return {
      values,
      truths,
      minima,
      writes: count('writes'),
      skipped: count('skipped'),
      staleAccepted: count('staleAccepted'),
      staleRejected: count('staleRejected'),
      damage: count('damage'),
    };
  } finally {
    client.disconnect();
  }
}

/** A worker's connection to the state. */
export class RedisResourceStore implements ResourceStore {
  private constructor(
    private readonly spec: ResourceSpec,
    private readonly store: RedisStoreSpec,
    private readonly client: Redis,
  ) {
    client.defineCommand('lockbenchRead', { numberOfKeys: 1, lua: READ_SCRIPT });
    client.defineCommand('lockbenchWrite', { numberOfKeys: 2, lua: WRITE_SCRIPT });
  }

  static async open(spec: ResourceSpec, store: RedisStoreSpec): Promise<RedisResourceStore> {
    return new RedisResourceStore(spec, store, await connected(store));
  }

  async read(id: number, fence: number): Promise<number> {
    const value = (await (this.client as unknown as ScriptCommands).lockbenchRead(keyOf(this.store, id), String(fence))) as string | null;
    return Number(value ?? initialValue(this.spec));
  }

  async write(id: number, fence: number, value: number, amount: number): Promise<number> {
    const limit = this.spec.type === 'inventory' ? this.spec.stock : this.spec.type === 'wallet' ? this.spec.balance : 0;
    return Number(
      await (this.client as unknown as ScriptCommands).lockbenchWrite(
        keyOf(this.store, id),
        countersOf(this.store),
        String(fence),
        String(value),
        String(amount),
        this.spec.fencing ? '1' : '0',
        this.spec.type,
        String(limit),
      ),
    );
  }

  async skip(): Promise<void> {
    await this.client.hincrby(countersOf(this.store), 'skipped', 1);
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}

/** The commands defineCommand adds (ioredis types them only loosely). */
interface ScriptCommands {
  lockbenchRead(key: string, fence: string): Promise<unknown>;
  lockbenchWrite(key: string, counters: string, ...args: string[]): Promise<unknown>;
}
