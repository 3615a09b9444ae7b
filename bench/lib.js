// What the bench scripts share: flag parsing, progress and failure, number
// formatting, free ports and binaries, running a child while sampling its CPU,
// and the machine line. Each script keeps its own flags, defaults and output.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The repository root and the built CLI. */
export const root = fileURLToPath(new URL('..', import.meta.url));
export const cli = fileURLToPath(new URL('../bin/lockbench.js', import.meta.url));

// ---------------------------------------------------------------- flags

/** Prints `message` on stderr and exits 2 (a usage error). */
export function fail(message) {
  console.error(message);
  process.exit(2);
}

/** A progress line on stderr. */
export function log(line) {
  process.stderr.write(`${line}\n`);
}

/**
 * Walks `argv`: `--flag value` and `--flag=value`; `--help`/`-h` prints `usage()` and exits 0;
 * anything not in `flags` fails with the usage. `flags` maps a flag to a handler: one that
 * takes a parameter gets the flag's value, one without is a switch (no value read).
 */
export function parseFlags(argv, usage, flags) {
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
    const handler = Object.hasOwn(flags, flag) ? flags[flag] : undefined;
    if (handler) {
      if (handler.length === 0) handler();
      else handler(inline ?? argv[++i]);
    } else if (flag === '--help' || flag === '-h') {
      console.log(usage());
      process.exit(0);
    } else fail(`unknown argument ${argv[i]}\n${usage()}`);
  }
}

/** `text` as a number > 0, or fail: "<flag> needs <what>, got <text>". */
export function positive(text, flag, what = 'a positive number') {
  const x = Number(text);
  if (!Number.isFinite(x) || x <= 0) fail(`${flag} needs ${what}, got ${text}`);
  return x;
}

/** A comma list of numbers > 0, or fail. */
export function numbers(value, name) {
  const xs = String(value ?? '').split(',').map(Number);
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x) || x <= 0)) fail(`${name} needs positive numbers, got ${value}`);
  return xs;
}

/** A comma list of some of `allowed`, or fail. */
export function oneOrMoreOf(value, allowed) {
  const items = String(value ?? '').split(',').filter(Boolean);
  const bad = items.find((item) => !allowed.includes(item));
  if (items.length === 0 || bad) fail(`expected some of ${allowed.join(', ')}, got ${value}`);
  return items;
}

// ---------------------------------------------------------------- numbers

/** `x` with thousands separators and exactly `digits` decimals. */
export const formatNumber = (x, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** As formatNumber, and '–' for NaN or ±Infinity. */
export const fmt = (x, digits = 0) => (Number.isFinite(x) ? formatNumber(x, digits) : '–');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function median(xs) {
  const sorted = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// ---------------------------------------------------------------- binaries and ports

/** Full path of an executable in one of `dirs` (first) or on PATH, or undefined. */
export function findBinary(name, dirs = []) {
  for (const dir of dirs) if (spawnSync('test', ['-x', `${dir}/${name}`]).status === 0) return `${dir}/${name}`;
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** A loopback port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------- child processes and CPU

/** utime + stime in seconds from a /proc/…/stat line (USER_HZ is 100 on Linux). */
function statCpuSeconds(stat) {
  // fields after the ")" of comm: state is field 3, utime 14, stime 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds (utime + stime) of a process, or NaN once it is gone. */
export function cpuSeconds(pid) {
  try {
    return statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return NaN;
  }
}

/** CPU seconds per thread of `pid` (tid → s), or undefined once it is gone. */
export function threadCpuSeconds(pid) {
  try {
    const out = new Map();
    for (const tid of readdirSync(`/proc/${pid}/task`)) out.set(tid, statCpuSeconds(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
    return out;
  } catch {
    return undefined;
  }
}

/**
 * Runs a child to its end: its exit code, stdout and stderr; unless `sampleCpu` is false,
 * also its CPU, sampled every 100 ms (the last reading before it exits wins): total CPU
 * seconds, and per thread (busiest first; threads that ended keep their last reading).
 */
export async function runChild(command, argv, { sampleCpu = true, ...options } = {}) {
  const child = spawn(command, argv, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let cpu = 0;
  const threads = new Map();
  const sample = () => {
    const seconds = cpuSeconds(child.pid);
    if (Number.isFinite(seconds)) cpu = seconds;
    for (const [tid, seconds] of threadCpuSeconds(child.pid) ?? []) threads.set(tid, Math.max(seconds, threads.get(tid) ?? 0));
  };
  const sampler = sampleCpu ? setInterval(sample, 100) : undefined;
  const code = await new Promise((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  return { code, stdout, stderr, cpu, threadCpu: [...threads.values()].sort((a, b) => b - a) };
}

// ---------------------------------------------------------------- the machine

/** The 1, 5 and 15 minute load averages ('' where there is no /proc/loadavg). */
export function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return ''; // not Linux
  }
}

/** What a results line names: cores, CPU model, load, node, and the git tree (with uncommitted src/ files). */
export function machine() {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    model = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    /* not Linux */
  }
  const git = (...a) => spawnSync('git', a, { cwd: root, encoding: 'utf8' }).stdout?.trim() ?? '';
  const dirty = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
  const tree = `${git('rev-parse', '--short', 'HEAD') || '?'}${dirty ? ` + ${dirty} uncommitted file(s) under src/` : ''}`;
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout?.trim() || String(cpus().length);
  return { nproc, cpu: model, load: loadAverage(), node: process.version, tree };
}

/**
 * One closed-model lockbench run in this process (the built dist/): `users` clients that
 * lock a key, release at once and ask again (no think time, zero hold). `backend` and
 * `lock` are YAML flow maps; `resources` defaults to `keys` uniform keys. → the report.
 */
export async function runLockCycles({ name, seed = 1, backend, workers, users, seconds, keys, resources, lock, drain = '5s' }) {
  const { run, loadScenarioText } = await import(new URL('../dist/index.js', import.meta.url).href);
  const yaml = `
name: ${name}
seed: ${seed}
backend: ${backend}
workers: ${workers}
users: ${users}
duration: ${seconds}s
thinkTime: 0ms
hold: 0ms
resources: ${resources ?? `{ count: ${keys}, pick: uniform }`}
lock: ${lock}
drain: ${drain}
`;
  return run(loadScenarioText(yaml, `${name}.yaml`));
}

/** What a lock-cycle table reads off a report: cycles/s, acquire p50/p99 (ms) and what went wrong. */
export function cycleFigures(report) {
  const { acquired, failed, errors, timeouts, violations } = report.totals;
  return {
    cyclesPerSec: acquired / (report.durationMs / 1000),
    p50: report.latency.acquire.p50,
    p99: report.latency.acquire.p99,
    failed,
    errors,
    timeouts,
    violations,
    stats: report.backend.stats ?? {},
  };
}
