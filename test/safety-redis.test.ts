/** The safety scenarios against a real redis-server: configured correctly, no violation; the Redis resource store's checkers fire too. */
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { runClaim } from './helpers/claims.js';
import { redisMissing, startRedisServers, type RedisServer } from './helpers/redis-server.js';

describe('safety scenarios on the redis backend', () => {
  let server: RedisServer | undefined;
  let skipReason: string | undefined;

  beforeAll(async () => {
    const missing = redisMissing();
    if (missing) skipReason = missing.skip;
    else [server] = await startRedisServers(1);
  });
  afterAll(async () => {
    await server?.remove();
  });

  const onRedis = (): string[] => ['--set', `backend={ type: redis, url: "${server!.url}" }`];
  const redisStore = (prefix: string): string[] => ['--set', `resource.store={ type: redis, url: "${server!.url}", keyPrefix: "${prefix}:" }`];
  function skipIfUnavailable(context: TestContext): void {
    if (skipReason) context.skip(skipReason);
  }

  // the scenarios whose lock is configured correctly: their claims include totals.violations == 0
  for (const id of ['inventory-locked', 'wallet-locked', 'ttl-with-renewal', 'gc-pause-fenced', 'client-crash']) {
    it(`${id}: 0 violations with the lock on Redis`, async (context) => {
      skipIfUnavailable(context);
      const report = await runClaim(id, onRedis());
      expect(report.backend.type).toBe('redis');
      expect(report.totals.violations).toBe(0);
      expect(report.totals.acquired).toBeGreaterThan(0);
      expect(report.totals.errors).toBe(0);
    });
  }

  it('the protected state on Redis too: no lock oversells, the Redis lock does not', async (context) => {
    skipIfUnavailable(context);
    const open = await runClaim('inventory-no-lock', redisStore('open'));
    expect(open.safety.resource).toMatchObject({ type: 'inventory', store: 'redis' });
    expect(open.safety.violations!.oversells).toBeGreaterThan(0);

    const locked = await runClaim('inventory-locked', [...onRedis(), ...redisStore('locked')]);
    expect(locked.safety.resource).toMatchObject({ type: 'inventory', store: 'redis', sold: 300, stockLeft: 0, oversells: 0 });
    expect(locked.totals.violations).toBe(0);

    const fenced = await runClaim('gc-pause-fenced', [...onRedis(), ...redisStore('fenced')]);
    expect(fenced.safety.resource).toMatchObject({ store: 'redis', staleWritesAccepted: 0 });
    expect(fenced.safety.resource!.staleWritesRejected).toBeGreaterThan(0);
  });
});
