#!/usr/bin/env node
// Redlock over 5 local redis-server nodes vs one redis-server, both through the
// built lockbench CLI in the same run: lock cycles/s and acquire p50/p99 at 1, 16
// and 64 concurrent clients (closed model, no think time, no hold, 10k keys so
// that contention is rare and the cost of a lock cycle is what is measured).
//
//   npm run build && node bench/redlock.js --seconds 10
//   node bench/redlock.js --seconds 5 --clients 1,16,64 --nodes 5 --workers 2 --keep
//
// Starts its own redis-servers on free loopback ports (no persistence) and stops
// them at the end. Prints a markdown table on stdout, progress on stderr.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, fail, findBinary, fmt, freePort, loadAverage, log, parseFlags, positive, root, runChild } from './lib.js';

function usage() {
  return `usage: node bench/redlock.js [--seconds N] [--clients a,b,c] [--nodes N] [--workers N] [--keep]
  --seconds   length of each run (default 10)
  --clients   concurrent clients (closed-model users) to sweep (default 1,16,64)
  --nodes     Redlock nodes (default 5)
  --workers   lockbench worker threads, at most one per client (default 2)
  --keep      keep the temp folder with the scenarios and reports`;
}

function parseArgs(argv) {
  const args = { seconds: 10, clients: [1, 16, 64], nodes: 5, workers: 2, keep: false };
  const number = (value, flag) => positive(value, flag, 'a number > 0');
  parseFlags(argv, usage, {
    '--seconds': (value) => (args.seconds = number(value, '--seconds')),
    '--clients': (value) => (args.clients = String(value).split(',').map((c) => Math.round(number(c, '--clients')))),
    '--nodes': (value) => (args.nodes = Math.round(number(value, '--nodes'))),
    '--workers': (value) => (args.workers = Math.round(number(value, '--workers'))),
    '--keep': () => (args.keep = true),
  });
  return args;
}

// ---------------------------------------------------------------- redis-server processes

function isListening(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts redis-server on a free port in its own folder; resolves once it listens. */
async function startRedis(binary, dir) {
  const port = await freePort();
  const data = join(dir, `redis-${port}`);
  mkdirSync(data);
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--dir', data, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 20_000;
  while (!(await isListening(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server on ${port} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, url: `redis://127.0.0.1:${port}`, child };
}

function stopRedis(server) {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------- lockbench runs

function scenario({ name, backend, clients, workers, seconds }) {
  return `# written by bench/redlock.js
name: ${name}
seed: 1
backend: ${backend}
workers: ${Math.min(workers, clients)}
users: ${clients}
duration: ${seconds}s
thinkTime: 0ms
hold: 0ms
resources: { count: 10000, pick: uniform }
lock: { ttl: 10s, acquireTimeout: 5s, retry: { strategy: exponential-jitter, base: 1ms, max: 50ms } }
drain: 5s
`;
}

/** Runs one scenario through the CLI; returns the figures of its report.json. */
async function runLockbench(dir, settings) {
  const file = join(dir, `${settings.name}.yaml`);
  const out = join(dir, settings.name);
  writeFileSync(file, scenario(settings));
  log(`${settings.name}: ${settings.clients} clients, ${settings.seconds} s …`);
  const { code, stderr } = await runChild(process.execPath, [cli, 'run', file, '--quiet', '--out', out, '--format', 'json'], { cwd: root, sampleCpu: false });
  if (code !== 0) throw new Error(`lockbench exited ${code} for ${settings.name}: ${stderr.trim()}`);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  return {
    cyclesPerSec: report.totals.released / (report.durationMs / 1000),
    p50: report.latency.acquire.p50,
    p99: report.latency.acquire.p99,
    errors: report.totals.errors,
    violations: report.totals.violations,
  };
}

// ---------------------------------------------------------------- main

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const binary = findBinary('redis-server');
  if (!binary) fail('redis-server is not installed (Debian package redis-server; scripts/install-backends.sh installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-bench-redlock-'));
  const servers = [];
  try {
    for (let i = 0; i <= args.nodes; i++) servers.push(await startRedis(binary, dir));
    const [single, ...nodes] = servers;
    const redis = `{ type: redis, url: "${single.url}" }`;
    const redlock = `{ type: redlock, urls: "${nodes.map((node) => node.url).join(',')}" }`;
    const rows = [];
    for (const clients of args.clients) {
      const common = { clients, workers: args.workers, seconds: args.seconds };
      const one = await runLockbench(dir, { ...common, name: `redis-${clients}`, backend: redis });
      const quorum = await runLockbench(dir, { ...common, name: `redlock-${clients}`, backend: redlock });
      rows.push({ clients, one, quorum });
    }
    const load = loadAverage();
    console.log(`## Redlock (${args.nodes} nodes) vs single-node redis, lockbench CLI, ${args.seconds} s per run`);
    console.log('');
    console.log(`${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, load average after: ${load}.`);
    console.log(`Closed model, no think time, no hold, 10,000 uniform keys, ${args.workers} worker thread(s) at most; all servers on this machine.`);
    console.log('');
    console.log('| clients | redis cycles/s | redlock cycles/s | redlock / redis | redis acquire p50 / p99 (ms) | redlock acquire p50 / p99 (ms) | redlock p99 / redis p99 | errors (redis / redlock) | violations |');
    console.log('|---:|---:|---:|---:|---|---|---:|---|---:|');
    for (const { clients, one, quorum } of rows) {
      console.log(
        `| ${clients} | ${fmt(one.cyclesPerSec)} | ${fmt(quorum.cyclesPerSec)} | ${fmt(quorum.cyclesPerSec / one.cyclesPerSec, 2)} | ` +
          `${fmt(one.p50, 3)} / ${fmt(one.p99, 3)} | ${fmt(quorum.p50, 3)} / ${fmt(quorum.p99, 3)} | ${fmt(quorum.p99 / one.p99, 2)} | ` +
          `${one.errors} / ${quorum.errors} | ${one.violations + quorum.violations} |`,
      );
    }
  } finally {
    await Promise.all(servers.map(stopRedis));
    if (args.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
