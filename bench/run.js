#!/usr/bin/env node
// lockbench benchmarks. Not tests: nothing here runs under `npm test`.
//
//   npm run bench                                       # build, then every benchmark
//   node bench/run.js --only memory-ceiling --seconds 10
//   node bench/run.js --only memory-ceiling --seconds 10,60 --users 200
//   node bench/run.js --only memory-ceiling-users --seconds 10 --users 50,200,1000
//   node bench/run.js --only memory-micro --runs 3
//   node bench/run.js --only sim --runs 3
//   node bench/run.js --list
//
// Needs the built CLI (dist/; `npm run bench` builds first). Prints markdown tables
// on stdout, progress on stderr. Results and how to read them: bench/RESULTS.md.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cpuSeconds, fail, fmt, log, machine, numbers as list, parseFlags, root, threadCpuSeconds as readThreads } from './lib.js';

const micro = join(root, 'bench', 'micro-memory.js');

const TARGET_PER_WORKER = 1_000_000;
const RSS_SAMPLE_MS = 500;
const CPU_SAMPLE_MS = 100;
const DEFAULT_USERS = 200;
const WORKERS = 2;

// ---------------------------------------------------------------- flags

function usage() {
  return `usage: node bench/run.js [--only a,b] [--seconds N[,N…]] [--users N[,N…]] [--workers N] [--runs N] [--keep] [--list]
  --only      benchmarks to run (default: all; see --list)
  --seconds   run length(s) of the CLI runs (memory-ceiling default: 10,60; memory-ceiling-users default: 10)
  --users     closed-model users (memory-ceiling default: ${DEFAULT_USERS}; memory-ceiling-users default: 50,200,1000)
  --workers   worker threads (default: ${WORKERS}, as the requirement states)
  --runs      repetitions of each micro-benchmark variant (default: 3; medians are reported)
  --keep      keep the temp folder with the scenario and the report files`;
}

function parseArgs(argv) {
  const args = { only: undefined, seconds: undefined, users: undefined, workers: WORKERS, runs: 3, keep: false, list: false };
  parseFlags(argv, usage, {
    '--only': (value) => (args.only = value.split(',').filter(Boolean)),
    '--seconds': (value) => (args.seconds = list(value, '--seconds')),
    '--users': (value) => (args.users = list(value, '--users').map(Math.round)),
    '--workers': (value) => (args.workers = list(value, '--workers')[0]),
    '--runs': (value) => (args.runs = list(value, '--runs')[0]),
    '--keep': () => (args.keep = true),
    '--list': () => (args.list = true),
  });
  return args;
}

// ---------------------------------------------------------------- helpers

const mib = (kib) => (kib === undefined ? '–' : `${(kib / 1024).toFixed(0)} MiB`);

/** VmRSS and VmHWM (KiB) and CPU seconds (utime+stime) of `pid`, or undefined once it is gone. */
function readProc(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
    const hwm = Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1]);
    if (!Number.isFinite(rss)) return undefined; // exiting: the memory fields are gone
    const cpu = cpuSeconds(pid);
    return Number.isNaN(cpu) ? undefined : { rss, hwm, cpuSeconds: cpu };
  } catch {
    return undefined;
  }
}

function ceilingScenario({ seconds, users, workers }) {
  return `# written by bench/run.js: the memory backend's ceiling (zero hold, zero think, many keys)
name: memory-ceiling
description: memory backend ceiling, closed model, zero hold and think time, 100k keys
seed: 1
backend: { type: memory }
workers: ${workers}
users: ${users}
duration: ${seconds}s
thinkTime: 0ms
hold: 0ms
resources: { count: 100000, pick: uniform }
lock: { retry: { strategy: none }, acquireTimeout: 5s }
drain: 5s
`;
}

/** Runs the built CLI on a ceiling scenario and samples the child's RSS every 500 ms. */
async function runCeiling({ seconds, users, workers, keep }) {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-bench-'));
  const file = join(dir, 'memory-ceiling.yaml');
  writeFileSync(file, ceilingScenario({ seconds, users, workers }));
  const argv = [cli, 'run', file, '--json', '--quiet', '--out', join(dir, 'report')];
  const command = `node bin/lockbench.js run ${file} --json --quiet --out ${join(dir, 'report')}`;
  log(`memory-ceiling: ${seconds}s, ${users} users, ${workers} workers …`);
  const started = Date.now();
  const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const samples = []; // { t (s), rss (KiB) }
  let hwm = 0;
  let cpuSeconds = 0;
  const sample = () => {
    const proc = readProc(child.pid);
    if (!proc) return;
    samples.push({ t: (Date.now() - started) / 1000, rss: proc.rss });
    if (Number.isFinite(proc.hwm)) hwm = Math.max(hwm, proc.hwm);
    cpuSeconds = proc.cpuSeconds;
  };
  const sampler = setInterval(sample, RSS_SAMPLE_MS);
  // per-thread CPU, more often: the busiest threads are the workers (the main thread mostly sleeps)
  // (threads that ended keep their last reading: the pool tears its workers down before the process exits)
  const threads = new Map();
  const cpuSampler = setInterval(() => {
    for (const [tid, seconds] of readThreads(child.pid) ?? []) threads.set(tid, Math.max(seconds, threads.get(tid) ?? 0));
  }, CPU_SAMPLE_MS);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.on('close', (status) => resolve(status)));
  clearInterval(sampler);
  clearInterval(cpuSampler);
  const wallSeconds = (Date.now() - started) / 1000;
  if (!keep) rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`lockbench exited ${code}: ${stderr.trim() || stdout.slice(0, 500)}`);
  const report = JSON.parse(stdout);
  const durationS = report.durationMs / 1000;
  const threadCpu = [...threads.values()].sort((a, b) => b - a);
  const workerCpu = threadCpu.slice(0, report.environment?.workers ?? workers);
  const workerCpuSeconds = workerCpu.reduce((sum, x) => sum + x, 0);
  const acquired = report.totals.acquired;
  const perSecond = acquired / durationS;
  const workerHealth = report.generator?.workers ?? [];
  const rss = samples.map((s) => s.rss);
  // RSS once the run is under way (≥ 2 s in: workers started, tables touched) and at its end
  const steady = samples.filter((s) => s.t >= 2);
  return {
    command: keep ? command : `node bin/lockbench.js run <tmp>/memory-ceiling.yaml --json --quiet --out <tmp>/report`,
    seconds,
    users,
    workers: report.environment?.workers ?? workers,
    durationMs: report.durationMs,
    acquired,
    failed: report.totals.failed,
    violations: report.totals.violations,
    contended: report.totals.contended,
    cyclesPerSec: perSecond,
    cyclesPerSecPerWorker: perSecond / (report.environment?.workers ?? workers),
    throughputField: report.rates.throughput,
    p50: report.latency.acquire.p50,
    p99: report.latency.acquire.p99,
    p999: report.latency.acquire.p999,
    max: report.latency.acquire.max,
    busy: workerHealth.map((w) => w.busyPercent),
    lagP99: workerHealth.map((w) => w.eventLoopLagP99Ms),
    saturated: report.generator?.saturated,
    peakRssKiB: rss.length ? Math.max(...rss) : undefined,
    hwmKiB: hwm || undefined,
    rssAt2sKiB: steady[0]?.rss,
    rssLastKiB: rss.at(-1),
    rssSamples: samples.length,
    cpuSeconds,
    wallSeconds,
    workerCpu,
    // what a worker thread does per second of CPU it actually got (robust to a shared, busy machine)
    cyclesPerWorkerCpuSecond: acquired / workerCpuSeconds,
    mainThreadCpu: threadCpu.length ? threads.get(String(child.pid)) : undefined,
    loadavg: machine().load,
    warnings: report.warnings ?? [],
    environment: report.environment,
  };
}

function ceilingTable(results) {
  const lines = [
    '| run | users | workers | acquired | lock cycles/s | cycles/s per worker | vs 1M/worker target | acquire p50 / p99 / max (ms) | busy % per worker | peak RSS (sampled / VmHWM) | RSS at 2 s → end | CPU s: child / per worker thread / wall | cycles per worker-CPU-second | load avg after |',
    '|---|---:|---:|---:|---:|---:|---:|---|---|---|---|---|---:|---|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.seconds} s | ${r.users} | ${r.workers} | ${fmt(r.acquired)} | ${fmt(r.cyclesPerSec)} | ${fmt(r.cyclesPerSecPerWorker)} | ${fmt((100 * r.cyclesPerSecPerWorker) / TARGET_PER_WORKER, 0)} % | ${fmt(r.p50, 3)} / ${fmt(r.p99, 3)} / ${fmt(r.max, 1)} | ${r.busy.map((b) => fmt(b, 1)).join(' / ')} | ${mib(r.peakRssKiB)} / ${mib(r.hwmKiB)} | ${mib(r.rssAt2sKiB)} → ${mib(r.rssLastKiB)} | ${fmt(r.cpuSeconds, 1)} / ${r.workerCpu.map((x) => fmt(x, 1)).join(' + ')} / ${fmt(r.wallSeconds, 1)} | ${fmt(r.cyclesPerWorkerCpuSecond)} | ${r.loadavg} |`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- benchmarks

const BENCHMARKS = {
  'memory-ceiling': {
    what: 'memory backend ceiling via the CLI: zero hold/think, 100k uniform keys, closed model; 10 s and 60 s runs, peak RSS',
    async run(args) {
      const seconds = args.seconds ?? [10, 60];
      const users = args.users ?? [DEFAULT_USERS];
      const results = [];
      for (const u of users) for (const s of seconds) results.push(await runCeiling({ seconds: s, users: u, workers: args.workers, keep: args.keep }));
      return { results, table: ceilingTable(results) };
    },
  },
  'memory-ceiling-users': {
    what: 'the same ceiling run swept over closed-model users (which count saturates best)',
    async run(args) {
      const seconds = args.seconds ?? [10];
      const users = args.users ?? [50, 200, 1000];
      const results = [];
      for (const s of seconds) for (const u of users) results.push(await runCeiling({ seconds: s, users: u, workers: args.workers, keep: args.keep }));
      return { results, table: ceilingTable(results) };
    },
  },
  'memory-micro': {
    what: 'in-process, one thread: MemoryBackend alone vs with HDR recording vs the driver (bench/micro-memory.js)',
    async run(args) {
      log(`memory-micro: ${args.runs} runs of each variant …`);
      const child = spawnSync(process.execPath, [micro, '--runs', String(args.runs)], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (child.status !== 0) throw new Error(`micro-memory exited ${child.status}`);
      return { results: [], table: child.stdout.trim() };
    },
  },
  sim: {
    what: 'the simulator: events/s on an uncontended and a hot polling workload, and full-scale Tatkal wall time and peak RSS, one core (bench/sim.js)',
    async run(args) {
      log(`sim: bench/sim.js --runs ${args.runs} …`);
      const child = spawnSync(process.execPath, [join(root, 'bench', 'sim.js'), '--runs', String(args.runs)], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (child.status !== 0) throw new Error(`bench/sim.js exited ${child.status}`);
      return { results: [], table: child.stdout.trim() };
    },
  },
  ...backendBenchmarks(),
};

/**
 * One benchmark per networked backend: each is its own script (bench/<backend>.js) that
 * starts its own server(s) on free loopback ports and prints a markdown table.
 * --seconds passes through (its first value).
 */
function backendBenchmarks() {
  const scripts = {
    redis: 'redis lock cycles vs redis-benchmark (same two commands), a plain ioredis loop and redis-semaphore',
    redlock: 'redlock over 5 local nodes vs single-node redis, 1/16/64 clients',
    postgres: 'advisory-lock cycles at 1/16/64 clients, uniform and hot keys, vs pgbench doing pg_advisory_lock/unlock',
    mysql: 'GET_LOCK cycles at 1/16/64 clients, uniform and hot keys, vs mysqlslap doing GET_LOCK/RELEASE_LOCK',
    etcd: 'etcd mutex cycles at 1/16/64 clients, uniform and hot keys, vs raw put rate through the same client',
    zookeeper: 'ZooKeeper lock-recipe cycles at 1/16/64 clients, uniform and hot keys, vs raw create+delete of znodes',
  };
  return Object.fromEntries(
    Object.entries(scripts).map(([name, what]) => [
      name,
      {
        what,
        async run(args) {
          const extra = args.seconds ? ['--seconds', String(args.seconds[0])] : [];
          log(`${name}: bench/${name}.js ${extra.join(' ')} …`);
          const child = spawnSync(process.execPath, [join(root, 'bench', `${name}.js`), ...extra], {
            cwd: root,
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          if (child.status !== 0) throw new Error(`bench/${name}.js exited ${child.status}`);
          return { results: [], table: child.stdout.trim() };
        },
      },
    ]),
  );
}

// ---------------------------------------------------------------- main

const args = parseArgs(process.argv.slice(2));
if (args.list) {
  for (const [name, b] of Object.entries(BENCHMARKS)) console.log(`${name.padEnd(22)} ${b.what}`);
  process.exit(0);
}
const names = args.only ?? Object.keys(BENCHMARKS);
for (const name of names) if (!BENCHMARKS[name]) fail(`unknown benchmark ${name}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
try {
  readFileSync(join(root, 'dist', 'cli', 'main.js'));
} catch {
  fail('dist/ is missing: run `npm run build` first (or `npm run bench`)');
}

const m = machine();
console.log(`# lockbench benchmarks\n`);
console.log(`${new Date().toISOString()} · ${m.nproc} cores (nproc) · ${m.cpu} · node ${m.node} · tree ${m.tree} · load average before: ${m.load}\n`);
for (const name of names) {
  const { table, results } = await BENCHMARKS[name].run(args);
  console.log(`## ${name}\n\n${BENCHMARKS[name].what}\n\n${table}\n`);
  for (const r of results) {
    const below = r.cyclesPerSecPerWorker < TARGET_PER_WORKER;
    console.log(
      `- ${r.seconds} s, ${r.users} users: ${fmt(r.cyclesPerSecPerWorker)} cycles/s per worker — target of ${fmt(TARGET_PER_WORKER)} ${below ? 'NOT met' : 'met'}; failed ${r.failed}, violations ${r.violations}${r.saturated ? '; generator saturated' : ''}`,
    );
  }
  if (results.length) console.log('');
}
