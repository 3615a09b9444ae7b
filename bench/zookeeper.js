#!/usr/bin/env node
// The zookeeper backend's lock cycle rate beside what the server itself does.
//
//   node bench/zookeeper.js --seconds 10
//   node bench/zookeeper.js --seconds 10 --clients 1,16,64 --keys many,hot --modes blocking,try --no-fsync
//
// Needs the built dist/ (npm run build), java and Debian's zookeeper package
// (/usr/share/java/zookeeper.jar). Starts its own standalone ZooKeeper on a free
// loopback port with a throwaway data dir (removed at the end). Prints one
// markdown table on stdout, progress on stderr.
//
// Each row: lockbench's closed model (hold 0, think 0, 2 worker threads = 2
// ZooKeeper sessions) for --seconds, then the "raw" rate for --seconds: no
// standard load tool ships with ZooKeeper, so raw = create + delete of an
// ephemeral-sequential znode under the same key parents, with the same client
// library (node-zookeeper-client), the same 2 threads/sessions and the same
// number of concurrent chains (each chain: create, then delete; all chains of a
// session pipelined on its one connection). Nothing of lockbench around it and
// no getChildren: the server's write path for the two writes every lock cycle
// makes. "vs raw" = lock cycles/s ÷ raw pairs/s. A last line gives the raw
// ceiling (256 chains per session).
//   many keys: 10,000 keys, uniform (their parent znodes are created before the
//     runs, so the measured runs are steady state); hot: 4 keys
//   blocking: retry none (queue in the key's node list, woken by the watch on the node ahead)
//   try: retry exponential-jitter 1 ms … 20 ms (waitMs 0: one getChildren answers a busy key)
// The server fsyncs its transaction log as in production unless --no-fsync.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import zookeeper from 'node-zookeeper-client';
import { cycleFigures, fail, findBinary, formatNumber as fmt, freePort, log, oneOrMoreOf as list, parseFlags, runLockCycles } from './lib.js';

const JAR = '/usr/share/java/zookeeper.jar';
const KEY_SETS = { many: 10_000, hot: 4 };
const RETRY = {
  blocking: '{ strategy: none }',
  try: '{ strategy: exponential-jitter, base: 1ms, max: 20ms }',
};
const ROOT = '/bench';
const THREADS = 2;
const CEILING_CHAINS = 256;

// ---------------------------------------------------------------- raw worker thread

/** One session running `chains` create → delete chains for `seconds`; posts the pairs done. */
async function rawWorker({ connect, keys, chains, seconds }) {
  const client = await openClient(connect);
  const end = Date.now() + seconds * 1000;
  let pairs = 0;
  let errors = 0;
  const call = (fn) => new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));
  async function chain() {
    while (Date.now() < end) {
      const parent = `${ROOT}/resource:${Math.floor(Math.random() * keys)}`;
      try {
        const path = await call((done) => client.create(`${parent}/raw-`, zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL, done));
        await call((done) => client.remove(path, done));
        pairs++;
      } catch {
        errors++;
      }
    }
  }
  await Promise.all(Array.from({ length: chains }, chain));
  client.close();
  parentPort.postMessage({ pairs, errors });
}

function openClient(connect) {
  return new Promise((resolve, reject) => {
    const client = zookeeper.createClient(connect, { sessionTimeout: 10_000 });
    const timer = setTimeout(() => reject(new Error(`no ZooKeeper session at ${connect}`)), 15_000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.connect();
  });
}

if (!isMainThread) {
  await rawWorker(workerData);
} else {
  await main();
}

// ---------------------------------------------------------------- flags

function usage() {
  return `usage: node bench/zookeeper.js [--seconds N] [--clients 1,16,64] [--keys many,hot] [--modes blocking,try] [--no-fsync]
  --seconds   length of each lockbench run and each raw run (default 10)
  --clients   concurrent clients (closed-model users; raw chains) (default 1,16,64)
  --keys      many (10,000 keys) and/or hot (4 keys) (default both)
  --modes     blocking (retry none) and/or try (driver retries) (default both)
  --no-fsync  start the server with zookeeper.forceSync=no`;
}

function parseArgs(argv) {
  const args = { seconds: 10, clients: [1, 16, 64], keys: ['many', 'hot'], modes: ['blocking', 'try'], fsync: true };
  parseFlags(argv, usage, {
    '--seconds': (value) => (args.seconds = Number(value)),
    '--clients': (value) => (args.clients = String(value).split(',').map(Number)),
    '--keys': (value) => (args.keys = list(value, Object.keys(KEY_SETS))),
    '--modes': (value) => (args.modes = list(value, Object.keys(RETRY))),
    '--no-fsync': () => (args.fsync = false),
  });
  if (!(args.seconds > 0)) fail('--seconds needs a number > 0');
  if (args.clients.some((c) => !Number.isInteger(c) || c < 1)) fail('--clients needs positive integers');
  return args;
}

// ---------------------------------------------------------------- the server

function fourLetterWord(port, word) {
  return new Promise((resolve) => {
    let answer = '';
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(word));
    socket.setTimeout(2_000, () => socket.destroy());
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', () => resolve(''));
    socket.on('close', () => resolve(answer));
  });
}

async function startServer({ fsync }) {
  const java = findBinary('java');
  if (!java || spawnSync('test', ['-f', JAR]).status !== 0) fail(`java and ${JAR} are needed (Debian package zookeeper; scripts/install-backends.sh installs it)`);
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-bench-zookeeper-'));
  mkdirSync(join(dir, 'data'));
  const port = await freePort();
  const config = join(dir, 'zoo.cfg');
  writeFileSync(
    config,
    [
      'tickTime=500', 'minSessionTimeout=1000', 'maxSessionTimeout=60000', `dataDir=${join(dir, 'data')}`,
      `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'admin.enableServer=false', '4lw.commands.whitelist=srvr', 'maxClientCnxns=0', '',
    ].join('\n'),
  );
  const args = ['-Xms256m', '-Xmx512m', ...(fsync ? [] : ['-Dzookeeper.forceSync=no']), '-cp', JAR, 'org.apache.zookeeper.server.ZooKeeperServerMain', config];
  const child = spawn(java, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  const deadline = Date.now() + 60_000;
  // `ruok` says imok as soon as the process runs; `srvr` answers with the version once it serves
  let status = '';
  while (!(status = await fourLetterWord(port, 'srvr')).includes('Mode:')) {
    if (child.exitCode !== null || Date.now() > deadline) fail(`zookeeper did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const version = /Zookeeper version: ([^,\s-]+)/.exec(status)?.[1] ?? 'unknown';
  return {
    connect: `127.0.0.1:${port}`,
    version,
    async stop() {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The key parents of the many-keys set, created pipelined before any measured run. */
async function createParents(connect, count) {
  const client = await openClient(connect);
  const create = (path) =>
    new Promise((resolve, reject) =>
      client.create(path, (error) => (error && error.getCode() !== zookeeper.Exception.NODE_EXISTS ? reject(error) : resolve())),
    );
  await create(ROOT);
  for (let start = 0; start < count; start += 1000) {
    const batch = [];
    for (let id = start; id < Math.min(count, start + 1000); id++) batch.push(create(`${ROOT}/resource:${id}`));
    await Promise.all(batch);
  }
  client.close();
}

// ---------------------------------------------------------------- the runs

async function lockbench(server, { clients, keys, mode, seconds }) {
  const report = await runLockCycles({
    name: 'bench-zookeeper',
    backend: `{ type: zookeeper, connect: "${server.connect}", root: ${ROOT} }`,
    workers: Math.min(THREADS, clients),
    users: clients,
    seconds,
    keys: KEY_SETS[keys],
    lock: `{ acquireTimeout: 5s, retry: ${RETRY[mode]} }`,
  });
  return cycleFigures(report);
}

/** Raw create + delete pairs/s: `chains` concurrent chains over min(THREADS, chains) sessions, one per thread. */
async function raw(server, { chains, keys, seconds }) {
  const threads = Math.min(THREADS, chains);
  const results = await Promise.all(
    Array.from({ length: threads }, (_, index) => {
      const share = Math.floor(chains / threads) + (index < chains % threads ? 1 : 0);
      const worker = new Worker(new URL(import.meta.url), { workerData: { connect: server.connect, keys: KEY_SETS[keys], chains: share, seconds } });
      return new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    }),
  );
  const pairs = results.reduce((sum, r) => sum + r.pairs, 0);
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  return { pairsPerSec: pairs / seconds, errors };
}

// ---------------------------------------------------------------- main

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const server = await startServer(args);
  log(`zookeeper ${server.version} on ${server.connect} (fsync ${args.fsync ? 'on' : 'off'})`);
  const rows = [];
  let ceiling;
  try {
    await createParents(server.connect, KEY_SETS.many);
    log('warm-up: raw, 2 s');
    await raw(server, { chains: 64, keys: 'many', seconds: 2 });
    for (const keys of args.keys) {
      for (const clients of args.clients) {
        log(`raw: ${keys} keys, ${clients} chains, ${args.seconds} s`);
        const rawResult = await raw(server, { chains: clients, keys, seconds: args.seconds });
        for (const mode of args.modes) {
          log(`lockbench: ${keys} keys, ${clients} clients, ${mode}, ${args.seconds} s`);
          const result = await lockbench(server, { clients, keys, mode, seconds: args.seconds });
          rows.push({ keys, clients, mode, result, raw: rawResult });
        }
      }
    }
    log(`raw ceiling: many keys, ${CEILING_CHAINS} chains per session, ${args.seconds} s`);
    ceiling = await raw(server, { chains: CEILING_CHAINS * THREADS, keys: 'many', seconds: args.seconds });
  } finally {
    await server.stop();
  }

  console.log(`zookeeper backend vs raw create+delete (node-zookeeper-client), ZooKeeper ${server.version} standalone, fsync ${args.fsync ? 'on' : 'off'}, ${args.seconds} s per run, hold 0, think 0\n`);
  console.log('| keys | clients | mode | lock cycles/s | acquire p50 / p99 (ms) | failed | raw create+delete/s (same chains) | vs raw |');
  console.log('|---|---:|---|---:|---|---:|---:|---:|');
  for (const { keys, clients, mode, result, raw: rawResult } of rows) {
    const keysText = keys === 'many' ? `${fmt(KEY_SETS.many)} uniform` : `${KEY_SETS.hot} hot`;
    const failed = `${fmt(result.failed)}${result.errors ? ` (${result.errors} errors)` : ''}${result.violations ? ` ⚠ ${result.violations} violations` : ''}`;
    console.log(
      `| ${keysText} | ${clients} | ${mode} | ${fmt(result.cyclesPerSec)} | ${fmt(result.p50, 3)} / ${fmt(result.p99, 3)} | ${failed} | ${fmt(rawResult.pairsPerSec)} | ${fmt(result.cyclesPerSec / rawResult.pairsPerSec, 2)} |`,
    );
  }
  console.log(`\nraw ceiling: ${fmt(ceiling.pairsPerSec)} create+delete pairs/s with ${CEILING_CHAINS} chains on each of ${THREADS} sessions${ceiling.errors ? ` (${ceiling.errors} errors)` : ''}`);
}
