/**
 * A real Redis Cluster for tests: three masters (no replicas) on free loopback
 * ports, each with its own throwaway dir and nodes.conf, joined with
 * `redis-cli --cluster create`, ready once every node says cluster_state:ok.
 * Admin commands (slot migration) go over one plain connection per node, so a
 * migration takes milliseconds, as a real reshard of one slot does.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisServer } from './redis-server.js';
import { findBinary, freePort, missingServer, throwawayDir, waitUntil } from './server-process.js';

/** Runs redis-cli with `args`; resolves with stdout, rejects with its output on a non-zero exit. */
export function redisCli(args: readonly string[], password?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // REDISCLI_AUTH keeps the password off the command line (and out of redis-cli's warning)
    const child = spawn(findBinary('redis-cli')!, [...args], {
      env: { ...process.env, ...(password ? { REDISCLI_AUTH: password } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`redis-cli ${args.join(' ')} exited ${code}:\n${out}${err}`))));
  });
}

/** Three masters that together serve all 16384 slots. */
export class RedisCluster {
  private constructor(
    readonly nodes: readonly RedisServer[],
    readonly password?: string,
  ) {}

  /** Starts the three servers and creates the cluster; everything is removed again if a step fails. */
  static async start(options: { password?: string } = {}): Promise<RedisCluster> {
    const nodes: RedisServer[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const dir = throwawayDir('redis-cluster');
        // the cluster bus needs a port of its own: explicit, so port + 10000 need not be free
        const busPort = await freePort();
        const args = [
          '--cluster-enabled', 'yes',
          '--cluster-config-file', join(dir, 'nodes.conf'),
          '--cluster-port', String(busPort),
          '--cluster-node-timeout', '5000',
          ...(options.password ? ['--masterauth', options.password] : []),
        ];
        const node = new RedisServer(await freePort(), dir, options.password, args);
        nodes.push(node);
        await node.start();
      }
      const cluster = new RedisCluster(nodes, options.password);
      await redisCli(
        ['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', '0', '--cluster-yes'],
        options.password,
      );
      await waitUntil(async () => (await Promise.all(nodes.map((node) => cluster.info(node)))).every((info) => info.includes('cluster_state:ok')), 30_000, 'cluster_state:ok on every node');
      return cluster;
    } catch (error) {
      await Promise.all(nodes.map((node) => node.remove()));
      throw error;
    }
  }

  /** Every node's URL, comma-separated, as a scenario's `urls` may be written. */
  get urls(): string[] {
    return this.nodes.map((node) => node.url);
  }

  private readonly admins = new Map<RedisServer, Redis>();

  /** One command on one node over its admin connection; array replies come back one item per line. */
  async cli(node: RedisServer, args: readonly string[]): Promise<string> {
    let admin = this.admins.get(node);
    if (!admin) {
      admin = new Redis({ host: '127.0.0.1', port: node.port, password: this.password, maxRetriesPerRequest: 1 });
      this.admins.set(node, admin);
    }
    const [command, ...rest] = args;
    const reply = await admin.call(command, ...rest);
    return Array.isArray(reply) ? reply.join('\n') : String(reply);
  }

  /** CLUSTER INFO of one node. */
  info(node: RedisServer): Promise<string> {
    return this.cli(node, ['cluster', 'info']);
  }

  /** The node id of one node (CLUSTER MYID). */
  async idOf(node: RedisServer): Promise<string> {
    return (await this.cli(node, ['cluster', 'myid'])).trim();
  }

  /** The master that serves `slot` now, by CLUSTER NODES of the first node. */
  async ownerOf(slot: number): Promise<RedisServer> {
    for (const line of (await this.cli(this.nodes[0], ['cluster', 'nodes'])).split('\n')) {
      // <id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <state> <slot or range>…
      const fields = line.trim().split(' ');
      const serves = fields.slice(8).some((range) => {
        const [from, to = from] = range.split('-');
        return /^\d+$/.test(from) && Number(from) <= slot && slot <= Number(to);
      });
      if (!serves) continue;
      const port = Number(/:(\d+)@/.exec(fields[1])?.[1]);
      const owner = this.nodes.find((node) => node.port === port);
      if (owner) return owner;
    }
    throw new Error(`no owner found for slot ${slot}`);
  }

  /**
   * Moves `slot` with its keys from its owner to `target` the way redis-cli
   * --cluster reshard does. A client with the old slot map then meets MOVED.
   */
  async migrateSlot(slot: number, target: RedisServer): Promise<void> {
    const source = await this.beginMigration(slot, target);
    await this.moveKeys(slot, source, target);
    await this.finishMigration(slot, target);
  }

  /**
   * Marks `slot` IMPORTING on `target` and MIGRATING on its owner (returned), keys
   * not moved yet: a command on keys the owner no longer (or never) had gets ASK.
   */
  async beginMigration(slot: number, target: RedisServer): Promise<RedisServer> {
    const source = await this.ownerOf(slot);
    if (source === target) throw new Error(`slot ${slot} is already on 127.0.0.1:${target.port}`);
    await this.cli(target, ['cluster', 'setslot', String(slot), 'importing', await this.idOf(source)]);
    await this.cli(source, ['cluster', 'setslot', String(slot), 'migrating', await this.idOf(target)]);
    return source;
  }

  /** MIGRATEs every key of `slot` from `source` to `target` (TTLs go along). */
  async moveKeys(slot: number, source: RedisServer, target: RedisServer): Promise<void> {
    for (;;) {
      const keys = (await this.cli(source, ['cluster', 'getkeysinslot', String(slot), '100'])).split('\n').filter(Boolean);
      if (keys.length === 0) return;
      const auth = this.password ? ['AUTH', this.password] : [];
      await this.cli(source, ['migrate', '127.0.0.1', String(target.port), '', '0', '5000', ...auth, 'KEYS', ...keys]);
    }
  }

  /** Gives `slot` to `target` on every master (CLUSTER SETSLOT … NODE). */
  async finishMigration(slot: number, target: RedisServer): Promise<void> {
    const targetId = await this.idOf(target);
    for (const node of this.nodes) await this.cli(node, ['cluster', 'setslot', String(slot), 'node', targetId]);
  }

  /** Keys stored on one node (DBSIZE). */
  async keyCount(node: RedisServer): Promise<number> {
    return Number((await this.cli(node, ['dbsize'])).trim());
  }

  async remove(): Promise<void> {
    for (const admin of this.admins.values()) admin.disconnect();
    await Promise.all(this.nodes.map((node) => node.remove()));
  }
}

/** The cluster hash slot of a key (CRC16/XMODEM of its hash tag or whole name, mod 16384), as Redis computes it. */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  let crc = 0;
  for (const byte of Buffer.from(key)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

/** `{ skip }` when redis-server or redis-cli is missing (throws under LOCKBENCH_REQUIRE_BACKENDS=1). */
export function redisClusterMissing(): { skip: string } | undefined {
  if (!findBinary('redis-server')) return missingServer('redis-server', 'Debian package redis-server');
  if (!findBinary('redis-cli')) return missingServer('redis-cli', 'Debian package redis-tools');
  return undefined;
}
