#!/usr/bin/env node
// Redis lock cycles (acquire + release, zero hold), one run, one local redis-server:
// lockbench (the built CLI, `redis` backend) against redis-benchmark doing the same two
// commands, a plain ioredis loop, and redis-semaphore's Mutex. Not a test.
//
//   npm run build && node bench/redis.js --seconds 10
//   node bench/redis.js --seconds 10 --clients 50 --keys 100000 --workers 1,2 --rounds 3 --keep
//
// It starts its own redis-server (no persistence) on a free loopback port and stops it at
// the end; FLUSHALL between contenders. Prints a markdown table on stdout, progress on stderr.
//
// redis-benchmark: `SET k__rand_int__ v NX PX 30000` and the release EVAL, each with
// -c CLIENTS -r KEYS; its lock cycle rate is 1 / (1/rpsSET + 1/rpsEVAL).
// lockbench: closed model, CLIENTS users, hold 0, think 0, KEYS uniform keys, retry none;
// cycles/s = acquired / duration. The in-process loops run CLIENTS async loops of
// acquire → release on one ioredis connection for the same number of seconds.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import hdr from 'hdr-histogram-js';
import { Redis } from 'ioredis';
import { Mutex } from 'redis-semaphore';
import { cli, cpuSeconds, fail, findBinary as which, fmt, freePort, log, machine as thisMachine, median, numbers, parseFlags, root, runChild, sleep } from './lib.js';

const TARGET_RATIO = 0.9;
const RELEASE_LUA = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

// ---------------------------------------------------------------- flags

function usage() {
  return `usage: node bench/redis.js [--seconds N] [--clients N] [--keys N] [--workers N[,N…]] [--rounds N] [--only a,b] [--keep]
  --seconds   length of each contender's run (default 10)
  --clients   concurrent clients: redis-benchmark -c, lockbench users, async loops (default 50)
  --keys      key space (default 100000)
  --workers   lockbench worker threads, one row each (default 1,2)
  --rounds    repeat the whole set, alternating contenders; medians are reported (default 1)
  --only      contenders: redis-benchmark, lockbench, lockbench-nopipe, ioredis, ioredis-nopipe, redis-semaphore (default all)
  --keep      keep the temp folder (scenario, reports, redis log)`;
}

function parseArgs(argv) {
  const args = { seconds: 10, clients: 50, keys: 100_000, workers: [1, 2], rounds: 1, only: undefined, keep: false };
  parseFlags(argv, usage, {
    '--seconds': (value) => (args.seconds = numbers(value, '--seconds')[0]),
    '--clients': (value) => (args.clients = Math.round(numbers(value, '--clients')[0])),
    '--keys': (value) => (args.keys = Math.round(numbers(value, '--keys')[0])),
    '--workers': (value) => (args.workers = numbers(value, '--workers').map(Math.round)),
    '--rounds': (value) => (args.rounds = Math.round(numbers(value, '--rounds')[0])),
    '--only': (value) => (args.only = value.split(',').filter(Boolean)),
    '--keep': () => (args.keep = true),
  });
  return args;
}

// ---------------------------------------------------------------- helpers

/** CPU seconds of this process's threads so far (process.cpuUsage: user + system). */
function ownCpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function machine() {
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout?.match(/v=(\S+)/)?.[1] ?? '?';
  return { ...thisMachine(), redis: version };
}

// ---------------------------------------------------------------- the server

/** redis-server on a free loopback port, no persistence; resolves once it answers PING. */
async function startRedis(dir) {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--logfile', join(dir, 'redis.log')], {
    stdio: 'ignore',
  });
  const admin = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
  admin.on('error', () => undefined);
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if (admin.status === 'wait') await admin.connect();
      if ((await admin.ping()) === 'PONG') break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server did not start on 127.0.0.1:${port} (see ${join(dir, 'redis.log')})`);
      await sleep(50);
    }
  }
  return {
    port,
    pid: child.pid,
    flush: () => admin.flushall(),
    async stop() {
      admin.disconnect();
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

// ---------------------------------------------------------------- contenders

/** One redis-benchmark run of `command`; → { rps, p50, p99 } from its --csv line, and its CPU seconds. */
async function redisBenchmark(port, clients, keys, requests, command) {
  const argv = ['-h', '127.0.0.1', '-p', String(port), '-c', String(clients), '-n', String(requests), '-r', String(keys), '--csv', ...command];
  const out = await runChild('redis-benchmark', argv);
  if (out.code !== 0) throw new Error(`redis-benchmark exited ${out.code}: ${out.stderr}`);
  const line = out.stdout.trim().split('\n').at(-1);
  const fields = line.slice(1, -1).split('","');
  const [rps, , , p50, , p99] = fields.slice(1).map(Number);
  if (!Number.isFinite(rps)) throw new Error(`cannot read redis-benchmark's csv: ${out.stdout}`);
  return { rps, p50, p99, requests, cpu: out.cpu };
}

const SET_NX = ['SET', 'k__rand_int__', 'v', 'NX', 'PX', '30000'];
const EVAL_RELEASE = ['EVAL', RELEASE_LUA, '1', 'k__rand_int__', 'v'];

/** Both commands, each sized to run about `seconds` (after a short calibration run, not counted). */
async function runRedisBenchmark(server, { clients, keys, seconds }) {
  const run = async (command) => {
    const probe = await redisBenchmark(server.port, clients, keys, clients * 400, command);
    const requests = Math.max(clients * 400, Math.round(probe.rps * seconds));
    const serverBefore = cpuSeconds(server.pid);
    const result = await redisBenchmark(server.port, clients, keys, requests, command);
    return { ...result, serverCpu: cpuSeconds(server.pid) - serverBefore };
  };
  const set = await run(SET_NX);
  const release = await run(EVAL_RELEASE);
  // one lock cycle = one SET + one EVAL: CPU per cycle is the sum of the per-command costs
  const perCycle = (cpu, result) => cpu / result.requests;
  const clientCpuPerCycle = perCycle(set.cpu, set) + perCycle(release.cpu, release);
  const serverCpuPerCycle = perCycle(set.serverCpu, set) + perCycle(release.serverCpu, release);
  const cycles = 1 / (1 / set.rps + 1 / release.rps);
  return {
    name: 'redis-benchmark',
    config: `-c ${clients} -r ${keys}; SET NX PX ${fmt(set.rps)} rps, EVAL release ${fmt(release.rps)} rps`,
    cycles,
    p50: set.p50,
    p99: set.p99,
    clientCpuPerCycle,
    serverCpuPerCycle,
  };
}

function lockbenchScenario({ port, clients, keys, seconds, workers, pipelining }) {
  return `# written by bench/redis.js: redis lock cycles, zero hold and think time
name: redis-cycles
description: redis backend lock cycle rate, closed model, ${clients} users over ${keys} keys
seed: 1
backend: { type: redis, url: "redis://127.0.0.1:${port}", autoPipelining: ${pipelining} }
workers: ${workers}
users: ${clients}
duration: ${seconds}s
thinkTime: 0ms
hold: 0ms
resources: { count: ${keys}, pick: uniform }
lock: { ttl: 30s, retry: { strategy: none }, acquireTimeout: 5s }
drain: 5s
`;
}

/** The built CLI on a closed-model scenario; → cycles/s and acquire p50/p99 from report.json. */
async function runLockbench(server, { clients, keys, seconds, workers, dir, pipelining = true }) {
  const file = join(dir, `redis-cycles-${workers}w-${pipelining ? 'pipe' : 'nopipe'}.yaml`);
  writeFileSync(file, lockbenchScenario({ port: server.port, clients, keys, seconds, workers, pipelining }));
  const serverBefore = cpuSeconds(server.pid);
  const out = await runChild(process.execPath, [cli, 'run', file, '--json', '--quiet', '--format', 'json', '--out', join(dir, `report-${workers}w-${pipelining ? 'pipe' : 'nopipe'}`)], { cwd: root });
  const serverCpu = cpuSeconds(server.pid) - serverBefore;
  if (out.code !== 0) throw new Error(`lockbench exited ${out.code}: ${out.stderr.trim() || out.stdout.slice(0, 500)}`);
  const stdout = out.stdout;
  const report = JSON.parse(stdout);
  const durationS = report.durationMs / 1000;
  const acquired = report.totals.acquired;
  // the busiest threads are the workers: CPU of the lock cycles, without process start-up and report writing
  const workerCpu = out.threadCpu.slice(0, workers).reduce((sum, seconds) => sum + seconds, 0);
  return {
    name: 'lockbench',
    config: `CLI, ${workers} worker${workers > 1 ? 's' : ''}, ${clients} users, autoPipelining ${pipelining ? 'on' : 'off'}; failed ${fmt(report.totals.failed)}${report.generator?.saturated ? '; generator saturated' : ''}`,
    cycles: acquired / durationS,
    p50: report.latency.acquire.p50,
    p99: report.latency.acquire.p99,
    clientCpuPerCycle: workerCpu / acquired,
    serverCpuPerCycle: serverCpu / acquired,
  };
}

/** `clients` async loops on one ioredis connection, for `seconds`: acquire (timed) → release. */
async function runLoops(server, { clients, keys, seconds, pipelining }, name, config, makeCycle) {
  const port = server.port;
  const client = new Redis({ host: '127.0.0.1', port, enableAutoPipelining: pipelining, maxRetriesPerRequest: 1 });
  await client.ping();
  const latency = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const cycle = makeCycle(client);
  let cycles = 0;
  const serverBefore = cpuSeconds(server.pid);
  const ownBefore = ownCpuSeconds();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const key = Math.floor(Math.random() * keys);
        if (await cycle(key, (micros) => latency.recordValue(Math.max(1, Math.round(micros))))) cycles++;
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  const clientCpu = ownCpuSeconds() - ownBefore;
  const serverCpu = cpuSeconds(server.pid) - serverBefore;
  client.disconnect();
  const result = {
    name,
    config,
    cycles: cycles / wall,
    p50: latency.getValueAtPercentile(50) / 1000,
    p99: latency.getValueAtPercentile(99) / 1000,
    clientCpuPerCycle: clientCpu / cycles,
    serverCpuPerCycle: serverCpu / cycles,
  };
  latency.destroy();
  return result;
}

/** SET NX PX then EVAL release, as redis-benchmark sends them. */
function plainCycle(client) {
  return async (id, record) => {
    const key = `k:${id}`;
    const token = randomBytes(16).toString('hex');
    const sent = performance.now();
    const granted = (await client.set(key, token, 'PX', 30_000, 'NX')) === 'OK';
    record((performance.now() - sent) * 1000);
    if (granted) await client.eval(RELEASE_LUA, 1, key, token);
    return granted;
  };
}

/** redis-semaphore's Mutex: one try (acquireAttemptsLimit 1), no refresh timer. */
function semaphoreCycle(client) {
  return async (id, record) => {
    const mutex = new Mutex(client, `k:${id}`, { lockTimeout: 30_000, acquireAttemptsLimit: 1, refreshInterval: 0 });
    const sent = performance.now();
    const granted = await mutex.tryAcquire();
    record((performance.now() - sent) * 1000);
    if (granted) await mutex.release();
    return granted;
  };
}

// ---------------------------------------------------------------- main

const args = parseArgs(process.argv.slice(2));
for (const binary of ['redis-server', 'redis-benchmark']) if (!which(binary)) fail(`${binary} is not installed (Debian: redis-server, redis-tools)`);
try {
  readFileSync(join(root, 'dist', 'cli', 'main.js'));
} catch {
  fail('dist/ is missing: run `npm run build` first');
}
const contenders = args.only ?? ['redis-benchmark', 'lockbench', 'lockbench-nopipe', 'ioredis', 'ioredis-nopipe', 'redis-semaphore'];
const dir = mkdtempSync(join(tmpdir(), 'lockbench-bench-redis-'));
const m = machine();
const server = await startRedis(dir);
const { clients, keys, seconds } = args;
const loops = { clients, keys, seconds };

/** One round: every contender once, in an order that rotates with the round. */
const jobs = [];
for (const name of contenders) {
  if (name === 'redis-benchmark') jobs.push({ id: name, run: () => runRedisBenchmark(server, { clients, keys, seconds }) });
  else if (name === 'lockbench') for (const workers of args.workers) jobs.push({ id: `lockbench ${workers}w`, run: () => runLockbench(server, { clients, keys, seconds, workers, dir }) });
  else if (name === 'lockbench-nopipe') for (const workers of args.workers) jobs.push({ id: `lockbench ${workers}w nopipe`, run: () => runLockbench(server, { clients, keys, seconds, workers, dir, pipelining: false }) });
  else if (name === 'ioredis') jobs.push({ id: name, run: () => runLoops(server, { ...loops, pipelining: true }, 'ioredis loop', 'one connection, auto-pipelining; SET NX PX + EVAL', plainCycle) });
  else if (name === 'ioredis-nopipe') jobs.push({ id: name, run: () => runLoops(server, { ...loops, pipelining: false }, 'ioredis loop', 'one connection, no auto-pipelining; SET NX PX + EVAL', plainCycle) });
  else if (name === 'redis-semaphore') jobs.push({ id: name, run: () => runLoops(server, { ...loops, pipelining: true }, 'redis-semaphore Mutex', 'one connection, auto-pipelining; tryAcquire + release', semaphoreCycle) });
  else fail(`unknown contender ${name}\n${usage()}`);
}
const results = new Map(jobs.map((job) => [job.id, []]));
try {
  for (let round = 0; round < args.rounds; round++) {
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[(i + round) % jobs.length];
      log(`round ${round + 1}/${args.rounds}: ${job.id} (${seconds} s) …`);
      await server.flush();
      results.get(job.id).push(await job.run());
    }
  }
} finally {
  await server.stop();
  if (!args.keep) rmSync(dir, { recursive: true, force: true });
}

const rows = [...results.entries()].map(([id, runs]) => ({
  id,
  name: runs[0].name,
  config: runs.length === 1 ? runs[0].config : `${runs[0].config} (median of ${runs.length})`,
  cycles: median(runs.map((r) => r.cycles)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
  clientCpuPerCycle: median(runs.map((r) => r.clientCpuPerCycle)),
  serverCpuPerCycle: median(runs.map((r) => r.serverCpuPerCycle)),
}));
const baseline = rows.find((row) => row.id === 'redis-benchmark')?.cycles;
console.log(`# redis lock cycles: lockbench vs redis-benchmark, ioredis, redis-semaphore\n`);
console.log(
  `${new Date().toISOString()} · ${m.nproc} cores (nproc) · ${m.cpu} · node ${m.node} · redis-server ${m.redis} · tree ${m.tree} · load average before: ${m.load}\n`,
);
console.log(`${clients} clients, ${fmt(keys)} keys, zero hold, ${seconds} s per contender${args.rounds > 1 ? `, ${args.rounds} rounds (medians)` : ''}; one local redis-server, no persistence.\n`);
console.log('| client | configuration | lock cycles/s | vs redis-benchmark | acquire p50 (ms) | acquire p99 (ms) | client CPU µs / cycle | redis-server CPU µs / cycle |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  const ratio = baseline ? row.cycles / baseline : NaN;
  console.log(
    `| ${row.name} | ${row.config} | ${fmt(row.cycles)} | ${fmt(ratio, 2)} | ${fmt(row.p50, 3)} | ${fmt(row.p99, 3)} | ${fmt(row.clientCpuPerCycle * 1e6, 1)} | ${fmt(row.serverCpuPerCycle * 1e6, 1)} |`,
  );
}
console.log('');
for (const row of rows.filter((r) => r.name === 'lockbench')) {
  if (!baseline) break;
  const ratio = row.cycles / baseline;
  console.log(`- ${row.id}: ${fmt(ratio, 2)} of redis-benchmark's cycle rate — target ≥ ${TARGET_RATIO} ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`);
}
console.log(
  `\nredis-benchmark's p50/p99 are its SET NX PX latency; lockbench's acquire latency runs from the user's intended start to the grant (driver included); the loops time the acquire call alone. ` +
    `CPU per cycle (from /proc, 10 ms ticks): redis-benchmark = its process over both commands; lockbench = its worker threads (no start-up, no report); the loops = this whole process; ` +
    `redis-server = the server over the same span. On a shared machine the CPU columns are steadier than the rates.`,
);
