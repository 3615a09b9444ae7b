#!/usr/bin/env node
// The etcd backend's speed beside etcd's own: lock cycles/s and acquire p50/p99
// at 1, 16 and 64 concurrent clients (closed model, zero hold, zero think), on
// many keys and on a handful of hot keys; next to each, the raw put rate that
// the same etcd gives the same number of clients, measured in the same run, so
// each row reads as a ratio (a lock cycle is two writes: put, delete).
//
//   npx tsc -p tsconfig.build.json && node bench/etcd.js --seconds 10
//   node bench/etcd.js --seconds 10 --clients 1,16,64 --workers 2 --check-perf s
//
// Starts its own etcd (default raft timings) on free loopback ports with a
// throwaway data dir, and removes it after. Prints a markdown table on stdout,
// progress on stderr.
//
// The raw rate: etcd's `benchmark` tool is rarely packaged, and `etcdctl check
// perf` is a pass/fail check at a fixed rate (150 to 15,000 writes/s for 60 s),
// not a ceiling. So the raw rate is measured with the gRPC client the backend
// uses (etcd3): `clients` concurrent put loops spread over the same number of
// worker threads as the lockbench run. `--check-perf s|m|l|xl` adds one
// `etcdctl check perf` run (60 s) before the rows, as a note.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { fail, findBinary as which, fmt, freePort, log, parseFlags, positive } from './lib.js';

// ---------------------------------------------------------------- raw put loops (worker thread)

/** `clients` put loops for `seconds`; posts the count and every latency (ms). */
async function rawPutWorker({ url, clients, seconds, label }) {
  const { Etcd3 } = await import('etcd3');
  const { noop } = await import('cockatiel');
  const client = new Etcd3({ hosts: [url], faultHandling: { host: () => noop, global: noop } });
  const value = Buffer.from('x');
  const latencies = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const key = Buffer.from(`raw-${label}/${c}`);
      while (performance.now() < end) {
        const started = performance.now();
        try {
          await client.kv.put({ key, value });
          latencies.push(performance.now() - started);
        } catch {
          errors++;
        }
      }
    }),
  );
  client.close();
  parentPort.postMessage({ ops: latencies.length, errors, latencies: Float64Array.from(latencies) });
}

// ---------------------------------------------------------------- main thread

const HOT_KEYS = 4;
const CASES = [
  { name: 'many keys', keys: 100_000 },
  { name: 'hot keys', keys: HOT_KEYS },
];

function usage() {
  return `usage: node bench/etcd.js [--seconds N] [--clients a,b,c] [--workers N] [--check-perf s|m|l|xl] [--keep]
  --seconds     length of each measurement (default 10)
  --clients     concurrent clients per row (default 1,16,64)
  --workers     worker threads of the lockbench run and of the raw put loops (default 2, at most the clients)
  --check-perf  also run etcdctl check perf with this load once (60 s)
  --keep        keep etcd's data dir`;
}

function parseArgs(argv) {
  const args = { seconds: 10, clients: [1, 16, 64], workers: 2, checkPerf: undefined, keep: false };
  parseFlags(argv, usage, {
    '--seconds': (value) => (args.seconds = positive(value, '--seconds')),
    '--clients': (value) => (args.clients = value.split(',').map((x) => Math.round(positive(x, '--clients')))),
    '--workers': (value) => (args.workers = Math.round(positive(value, '--workers'))),
    '--check-perf': (value) => (args.checkPerf = value),
    '--keep': () => (args.keep = true),
  });
  if (args.checkPerf !== undefined && !['s', 'm', 'l', 'xl'].includes(args.checkPerf)) fail('--check-perf is one of s, m, l, xl');
  return args;
}

function run(command, argv) {
  return new Promise((resolve) => {
    execFile(command, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => resolve({ ok: !error, stdout, stderr }));
  });
}

/** One etcd member with etcd's default raft timings, on free loopback ports. */
async function startEtcd(etcd, etcdctl) {
  const port = await freePort();
  let peerPort = await freePort();
  while (peerPort === port) peerPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-bench-etcd-'));
  const url = `http://127.0.0.1:${port}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  // argv as the test helper: no shell, no traffic beyond loopback
  const child = spawn(
    etcd,
    [
      '--name', 'default', '--data-dir', join(dir, 'data'),
      '--listen-client-urls', url, '--advertise-client-urls', url,
      '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `default=${peer}`, '--logger', 'zap', '--log-level', 'warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`etcd exited while starting:\n${output}`);
    if ((await run(etcdctl, ['--endpoints', url, '--dial-timeout', '1s', 'endpoint', 'health'])).ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`etcd did not become healthy within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, dir, stop };
}

/** Raw puts from `clients` loops over `workers` threads for `seconds`. */
async function rawPuts({ url, clients, workers, seconds, label }) {
  const threads = Math.max(1, Math.min(workers, clients));
  const shares = Array.from({ length: threads }, (_, i) => Math.floor(clients / threads) + (i < clients % threads ? 1 : 0));
  const results = await Promise.all(
    shares.map(
      (share, i) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { url, clients: share, seconds, label: `${label}-${i}` } });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  const latencies = Float64Array.from(results.flatMap((r) => Array.from(r.latencies))).sort();
  const ops = results.reduce((sum, r) => sum + r.ops, 0);
  const at = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN);
  return { perSecond: ops / seconds, p50: at(0.5), p99: at(0.99), errors: results.reduce((sum, r) => sum + r.errors, 0) };
}

function scenarioText({ url, clients, workers, seconds, keys, label }) {
  return `# written by bench/etcd.js
name: etcd-bench-${label}
description: etcd lock cycles, closed model, zero hold and think time, ${keys} keys
seed: 1
backend: { type: etcd, urls: "${url}", prefix: "bench-${label}/" }
workers: ${Math.max(1, Math.min(workers, clients))}
users: ${clients}
duration: ${seconds}s
thinkTime: 0ms
hold: 0ms
resources: { count: ${keys}, key: "k:{id}", pick: uniform }
lock: { ttl: 10s, acquireTimeout: 5s, retry: { strategy: none } }
drain: 5s
`;
}

async function lockCycles(api, options) {
  const report = await api.run(api.loadScenarioText(scenarioText(options), `etcd-bench-${options.label}.yaml`));
  const { totals, latency, rates } = report;
  return {
    perSecond: rates.throughput,
    p50: latency.acquire.p50,
    p99: latency.acquire.p99,
    errors: totals.errors,
    timeouts: totals.timeouts,
    violations: totals.violations,
    queued: report.backend.stats?.['acquires queued'] ?? 0,
    acquired: totals.acquired,
    saturated: report.warnings.some((w) => w.includes('load generator')),
  };
}

async function checkPerf(etcdctl, url, load) {
  log(`etcdctl check perf --load ${load} (60 s) …`);
  const result = await run(etcdctl, ['--endpoints', url, 'check', 'perf', `--load=${load}`, '--prefix', '/etcdctl-check-perf/']);
  const lines = `${result.stdout}\n${result.stderr}`.split(/[\r\n]+/).filter((line) => /^(PASS|FAIL)/.test(line.trim()));
  return lines.length ? lines.join('; ') : 'no result (etcdctl check perf failed)';
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let api;
  try {
    api = await import(new URL('../dist/index.js', import.meta.url).href);
  } catch {
    fail('dist/ is missing: build first (npx tsc -p tsconfig.build.json)');
  }
  const etcd = which('etcd');
  const etcdctl = which('etcdctl');
  if (!etcd || !etcdctl) fail('etcd and etcdctl are needed (Debian packages etcd-server and etcd-client; scripts/install-backends.sh)');
  const version = (await run(etcd, ['--version'])).stdout.split('\n')[0];
  log(`starting ${version} …`);
  const server = await startEtcd(etcd, etcdctl);
  const rows = [];
  let perfNote;
  try {
    if (args.checkPerf) perfNote = await checkPerf(etcdctl, server.url, args.checkPerf);
    for (const c of CASES) {
      for (const clients of args.clients) {
        const label = `${c.keys}-${clients}`;
        const options = { url: server.url, clients, workers: args.workers, seconds: args.seconds, keys: c.keys, label };
        log(`${c.name}, ${clients} clients: raw puts …`);
        const raw = await rawPuts(options);
        log(`${c.name}, ${clients} clients: lock cycles …`);
        const locks = await lockCycles(api, options);
        rows.push({ case: c.name, keys: c.keys, clients, raw, locks });
      }
    }
  } finally {
    await server.stop();
    if (!args.keep) rmSync(server.dir, { recursive: true, force: true });
    else log(`etcd data dir kept: ${server.dir}`);
  }

  console.log(`# etcd backend benchmark\n`);
  console.log(`${new Date().toISOString()} · ${version} (one member, default raft timings, data dir in ${tmpdir()}) · node ${process.version} · ${cpus().length} cpus · ${args.seconds} s per measurement · ${args.workers} worker threads\n`);
  if (perfNote) console.log(`etcdctl check perf --load=${args.checkPerf}: ${perfNote}\n`);
  console.log('| keys | clients | lock cycles/s | acquire p50 / p99 (ms) | raw puts/s (same clients) | put p50 / p99 (ms) | cycles per put | queued acquires | errors / timeouts / violations |');
  console.log('|---|---:|---:|---|---:|---|---:|---:|---|');
  for (const r of rows) {
    const ratio = r.raw.perSecond > 0 ? r.locks.perSecond / r.raw.perSecond : NaN;
    console.log(
      `| ${r.case} (${fmt(r.keys)}) | ${r.clients} | ${fmt(r.locks.perSecond)}${r.locks.saturated ? ' ⚠' : ''} | ${fmt(r.locks.p50, 2)} / ${fmt(r.locks.p99, 2)} | ${fmt(r.raw.perSecond)} | ${fmt(r.raw.p50, 2)} / ${fmt(r.raw.p99, 2)} | ${fmt(ratio, 2)} | ${fmt(r.locks.queued)} | ${r.locks.errors} / ${r.locks.timeouts} / ${r.locks.violations} |`,
    );
  }
  console.log(
    `\nA lock cycle is two etcd writes (the put of the queue key, its delete) plus, now and then, a keepalive: about 0.5 cycles per put means the lock costs what its writes cost; less is the recipe's reads, watches and hand-offs (or a busy client). ⚠ = the load generator reported itself saturated (see the run's warnings). Hot keys: ${HOT_KEYS} keys; clients beyond the holders wait in etcd's queue (each watching the key ahead of it).`,
  );
}

// this file is both the benchmark (main thread) and its raw put loops (worker threads)
if (isMainThread) await main();
else await rawPutWorker(workerData);
