#!/usr/bin/env node
// The postgres backend's lock cycle rate beside what the server itself can do.
//
//   node bench/postgres.js --seconds 10
//   node bench/postgres.js --seconds 10 --clients 1,16,64 --keys many,hot --modes blocking,try --scope session
//
// Needs the built dist/ (npm run build) and PostgreSQL's initdb, postgres and
// pgbench (Debian: /usr/lib/postgresql/<version>/bin). Starts its own server on a
// free loopback port with a throwaway data dir (as the `postgres` OS user when
// run as root), removed at the end. Prints one markdown table on stdout,
// progress on stderr.
//
// Each row: lockbench's closed model (hold 0, think 0) for --seconds against the
// server, then pgbench for --seconds with the same clients and keys running
// `SELECT pg_advisory_lock(:k); SELECT pg_advisory_unlock(:k);` (-M prepared):
// the same two round trips per cycle with nothing of lockbench's around them.
// "vs pgbench" = lockbench cycles/s ÷ pgbench cycles/s.
//   many keys: 100,000 keys, uniform; hot: 4 keys (every cycle contends)
//   blocking: retry none (pg_advisory_lock with lock_timeout, queued on the server)
//   try: retry exponential-jitter 1 ms … 20 ms (pg_try_advisory_lock, the driver retries)
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { cycleFigures, fail, findBinary, formatNumber as fmt, freePort, log, oneOrMoreOf as list, parseFlags, runLockCycles } from './lib.js';


const KEY_SETS = { many: 100_000, hot: 4 };
const RETRY = {
  blocking: '{ strategy: none }',
  try: '{ strategy: exponential-jitter, base: 1ms, max: 20ms }',
};

function usage() {
  return `usage: node bench/postgres.js [--seconds N] [--clients 1,16,64] [--keys many,hot] [--modes blocking,try] [--scope session|xact]
  --seconds  length of each lockbench run and each pgbench run (default 10)
  --clients  concurrent clients (closed-model users; pgbench -c) (default 1,16,64)
  --keys     many (100,000 keys) and/or hot (4 keys) (default both)
  --modes    blocking (retry none) and/or try (driver retries) (default both)
  --scope    the backend's lockScope (default session)`;
}

function parseArgs(argv) {
  const args = { seconds: 10, clients: [1, 16, 64], keys: ['many', 'hot'], modes: ['blocking', 'try'], scope: 'session' };
  parseFlags(argv, usage, {
    '--seconds': (value) => (args.seconds = Number(value)),
    '--clients': (value) => (args.clients = String(value).split(',').map(Number)),
    '--keys': (value) => (args.keys = list(value, Object.keys(KEY_SETS))),
    '--modes': (value) => (args.modes = list(value, Object.keys(RETRY))),
    '--scope': (value) => (args.scope = list(value, ['session', 'xact'])[0]),
  });
  if (!(args.seconds > 0)) fail('--seconds needs a number > 0');
  if (args.clients.some((c) => !Number.isInteger(c) || c < 1)) fail('--clients needs positive integers');
  return args;
}

// ---------------------------------------------------------------- the server

/** A PostgreSQL binary from /usr/lib/postgresql/<newest>/bin or PATH. */
function binary(name) {
  let dirs = [];
  try {
    dirs = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => join('/usr/lib/postgresql', v, 'bin'));
  } catch {}
  const found = findBinary(name, dirs);
  if (found) return found;
  fail(`${name} not found (Debian package postgresql; scripts/install-backends.sh installs it)`);
}

/** PostgreSQL refuses root: run it as `postgres` (or `nobody`) through setpriv, which execs in place. */
function serverAccount() {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0) return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  }
  fail('running as root, and no postgres or nobody account to run PostgreSQL as');
}

function asAccount(account, command, args) {
  return account ? ['setpriv', [`--reuid=${account.uid}`, `--regid=${account.gid}`, '--clear-groups', '--', command, ...args]] : [command, args];
}

async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-bench-postgres-'));
  const account = serverAccount();
  if (account) chownSync(dir, account.uid, account.gid);
  const data = join(dir, 'data');
  const [initCommand, initArgs] = asAccount(account, binary('initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const init = spawnSync(initCommand, initArgs, { encoding: 'utf8', cwd: dir });
  if (init.status !== 0) fail(`initdb failed:\n${init.stderr || init.stdout}`);
  const port = await freePort();
  const [command, args] = asAccount(account, binary('postgres'), [
    '-D', data, '-p', String(port), '-k', dir,
    '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=200',
  ]);
  const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      break;
    } catch {
      await client.end().catch(() => undefined);
      if (child.exitCode !== null || Date.now() > deadline) fail(`postgres did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const version = (await query(url, 'SHOW server_version'))[0].server_version;
  return {
    url,
    port,
    version,
    async stop() {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function query(url, text) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- the runs

async function lockbench(server, { clients, keys, mode, seconds, scope }) {
  const report = await runLockCycles({
    name: 'bench-postgres',
    backend: `{ type: postgres, url: "${server.url}", lockScope: ${scope} }`,
    workers: Math.min(2, clients),
    users: clients,
    seconds,
    keys: KEY_SETS[keys],
    lock: `{ acquireTimeout: 5s, retry: ${RETRY[mode]} }`,
  });
  return cycleFigures(report);
}

function pgbench(server, { clients, keys, seconds }) {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-pgbench-'));
  const script = join(dir, 'advisory.sql');
  writeFileSync(script, `\\set k random(1, ${KEY_SETS[keys]})\nSELECT pg_advisory_lock(:k);\nSELECT pg_advisory_unlock(:k);\n`);
  const args = ['-h', '127.0.0.1', '-p', String(server.port), '-U', 'postgres', '-n', '-M', 'prepared', '-c', String(clients), '-j', String(Math.min(2, clients)), '-T', String(Math.ceil(seconds)), '-f', script, 'postgres'];
  const done = spawnSync(binary('pgbench'), args, { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(done.stdout)?.[1];
  const latency = /latency average = ([\d.]+) ms/.exec(done.stdout)?.[1];
  if (done.status !== 0 || !tps) fail(`pgbench failed (${done.status}):\n${done.stderr}\n${done.stdout}`);
  return { cyclesPerSec: Number(tps), latencyMs: Number(latency) };
}

// ---------------------------------------------------------------- main

const args = parseArgs(process.argv.slice(2));
const server = await startServer();
log(`postgres ${server.version} on 127.0.0.1:${server.port}`);
const rows = [];
try {
  for (const keys of args.keys) {
    for (const clients of args.clients) {
      log(`pgbench: ${keys} keys, ${clients} clients, ${args.seconds} s`);
      const raw = pgbench(server, { clients, keys, seconds: args.seconds });
      for (const mode of args.modes) {
        log(`lockbench: ${keys} keys, ${clients} clients, ${mode}, ${args.seconds} s`);
        const result = await lockbench(server, { clients, keys, mode, seconds: args.seconds, scope: args.scope });
        rows.push({ keys, clients, mode, result, raw });
      }
    }
  }
} finally {
  await server.stop();
}

console.log(`postgres backend (lockScope ${args.scope}) vs pgbench, PostgreSQL ${server.version}, ${args.seconds} s per run, hold 0, think 0\n`);
console.log('| keys | clients | mode | lock cycles/s | acquire p50 / p99 (ms) | failed | pool waits | pgbench lock+unlock/s | pgbench latency avg (ms) | vs pgbench |');
console.log('|---|---:|---|---:|---|---:|---:|---:|---:|---:|');
for (const { keys, clients, mode, result, raw } of rows) {
  const keysText = keys === 'many' ? `${fmt(KEY_SETS.many)} uniform` : `${KEY_SETS.hot} hot`;
  console.log(
    `| ${keysText} | ${clients} | ${mode} | ${fmt(result.cyclesPerSec)} | ${fmt(result.p50, 3)} / ${fmt(result.p99, 3)} | ${fmt(result.failed)}${result.errors ? ` (${result.errors} errors)` : ''}${result.violations ? ` ⚠ ${result.violations} violations` : ''} | ${fmt(result.stats['waits for a free connection'] ?? 0)} | ${fmt(raw.cyclesPerSec)} | ${fmt(raw.latencyMs, 3)} | ${fmt(result.cyclesPerSec / raw.cyclesPerSec, 2)} |`,
  );
}
