#!/usr/bin/env node
// Benchmark of the mysql backend against its own throwaway MariaDB (a free
// loopback port, a temp data dir, killed after). Not a test.
//
//   node bench/mysql.js                        # 10 s per run, clients 1,16,64
//   node bench/mysql.js --seconds 30 --clients 1,16,64 --workers 2
//
// For each row (zero hold; "many keys" = 100,000 keys picked uniformly, almost
// never contended; "hot keys" = 4 keys, waiting in GET_LOCK with retry: none)
// it runs lockbench through the library API of the built dist/, then, in the
// same run against the same server, mysqlslap at the same concurrency:
//   - GET_LOCK + RELEASE_LOCK: the server's raw named-lock cycle (two round trips);
//   - lockbench's SQL: the backend's exact statements (GET_LOCK and the fence
//     update in one INSERT … SELECT, then RELEASE_LOCK), without Node.js.
// The ratios read as "what share of what the server can do does lockbench get":
// lockbench ÷ raw includes the fence write (an InnoDB commit per acquire),
// lockbench ÷ same SQL is the client side's own cost (driver, pool, workers).
//
// Needs the built dist/ (npx tsc -p tsconfig.build.json), mariadbd,
// mariadb-install-db and mysqlslap (Debian: mariadb-server, mariadb-client).
// Prints a markdown table on stdout, progress on stderr.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { fail, findBinary, fmt, freePort, log, parseFlags, positive, runLockCycles, sleep } from './lib.js';


const KEYS_MANY = 100_000;
const KEYS_HOT = 4;
const FENCE_TABLE = 'lockbench_fence';
const SBIN = ['/usr/sbin', '/usr/local/sbin', '/usr/local/mysql/bin'];

// ---------------------------------------------------------------- flags

function usage() {
  return `usage: node bench/mysql.js [--seconds N] [--clients 1,16,64] [--workers N] [--keep]
  --seconds   length of each lockbench run and each mysqlslap run (default 10)
  --clients   concurrent clients per row (default 1,16,64)
  --workers   lockbench worker threads for rows with more than one client (default 2)
  --keep      keep the server's data dir (printed) instead of removing it`;
}

function parseArgs(argv) {
  const args = { seconds: 10, clients: [1, 16, 64], workers: 2, keep: false };
  parseFlags(argv, usage, {
    '--seconds': (value) => (args.seconds = positive(value, '--seconds')),
    '--clients': (value) => (args.clients = String(value).split(',').map((x) => Math.round(positive(x, '--clients')))),
    '--workers': (value) => (args.workers = Math.round(positive(value, '--workers'))),
    '--keep': () => (args.keep = true),
  });
  return args;
}

const binary = (name) => findBinary(name, SBIN);

// ---------------------------------------------------------------- server

/** Bootstraps a data dir and starts mariadbd on a free loopback port; resolves once a query answers. */
async function startServer() {
  const mariadbd = binary('mariadbd');
  const installDb = binary('mariadb-install-db');
  if (!mariadbd || !installDb) fail('mariadbd / mariadb-install-db not found (Debian package mariadb-server; scripts/install-backends.sh)');
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-bench-mariadb-'));
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  const innodb = ['--innodb-buffer-pool-size=256M', '--innodb-log-file-size=64M'];
  await promisify(execFile)(installDb, ['--no-defaults', `--datadir=${join(dir, 'data')}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve', ...innodb, ...asRoot]);
  const port = await freePort();
  const child = spawn(
    mariadbd,
    [
      '--no-defaults', `--datadir=${join(dir, 'data')}`, `--port=${port}`, '--bind-address=127.0.0.1',
      `--socket=${join(dir, 'sock')}`, `--pid-file=${join(dir, 'mariadbd.pid')}`, `--tmpdir=${dir}`,
      '--skip-log-bin', '--skip-name-resolve', '--max-connections=500', ...innodb, ...asRoot,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) fail(`mariadbd exited while starting:\n${output}`);
    try {
      const connection = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1_000 });
      await connection.query('CREATE DATABASE IF NOT EXISTS test');
      const [[variables]] = await connection.query('SELECT VERSION() AS version, @@innodb_flush_log_at_trx_commit AS flush');
      await connection.end();
      return { port, dir, child, ...variables };
    } catch {
      if (Date.now() > deadline) fail(`mariadbd did not answer within 60 s:\n${output}`);
      await sleep(200);
    }
  }
}

async function stopServer(server, keep) {
  const gone = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGKILL');
  await gone;
  if (keep) log(`data dir kept: ${server.dir}`);
  else rmSync(server.dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- lockbench

/** One closed-model lockbench run: `clients` users, no think time, zero hold. */
async function lockbenchRun(port, { clients, keys, seconds, workers }) {
  const report = await runLockCycles({
    name: `mysql-bench-${keys}-keys-${clients}`,
    seed: 7,
    backend: `{ type: mysql, url: "mysql://root@127.0.0.1:${port}/test", fenceTable: ${FENCE_TABLE} }`,
    workers: Math.min(workers, clients),
    users: clients,
    seconds,
    resources: `{ count: ${keys}, key: "bench:{id}" }`,
    lock: '{ ttl: 30s, acquireTimeout: 10s, retry: { strategy: none } }',
    drain: '10s',
  });
  const { acquire } = report.latency;
  return {
    rate: report.rates.throughput,
    p50: acquire.p50,
    p99: acquire.p99,
    errors: report.totals.errors,
    timeouts: report.totals.timeouts,
    violations: report.totals.violations,
    generatorSaturated: report.warnings.some((w) => /saturat|event-loop|CPU/i.test(w)),
  };
}

// ---------------------------------------------------------------- mysqlslap

/**
 * The slap queries of one row: two statements (two round trips) per lock
 * cycle. A user variable read in a statement keeps one value for the whole
 * statement, so the next key is drawn in the release statement and locked by
 * the next cycle (each connection's first cycle locks NULL: a no-op).
 */
function slapQueries(keys) {
  const wait = keys === KEYS_HOT ? 10 : 0;
  const release = `SELECT RELEASE_LOCK(@k), @k := CONCAT('slap:', FLOOR(RAND() * ${keys}))`;
  return {
    raw: `SELECT GET_LOCK(@k, ${wait});${release}`,
    // statements.ts, with the name drawn like the raw query
    lockbench:
      `INSERT INTO ${FENCE_TABLE} (name, value) SELECT @k, LAST_INSERT_ID(1) FROM DUAL ` +
      `WHERE LAST_INSERT_ID(IFNULL(GET_LOCK(@k, ${wait}), 2)) = 1 ON DUPLICATE KEY UPDATE value = LAST_INSERT_ID(value + 1);` +
      release,
  };
}

/** mysqlslap: `statements` statements in total across `clients` connections; seconds it took. */
async function slapOnce(slap, port, clients, query, statements) {
  const { stdout } = await promisify(execFile)(slap, [
    '--no-defaults', '-h', '127.0.0.1', '-P', String(port), '-u', 'root', '--create-schema=test',
    `--concurrency=${clients}`, '--iterations=1', `--number-of-queries=${statements}`, '--delimiter=;', `--query=${query}`,
  ], { maxBuffer: 1 << 20 });
  const seconds = Number(/Average number of seconds to run all queries: ([\d.]+)/.exec(stdout)?.[1]);
  if (!Number.isFinite(seconds)) throw new Error(`unexpected mysqlslap output:\n${stdout}`);
  return seconds;
}

/** Lock cycles per second of `query` (2 statements per cycle), run for about `seconds`. */
async function slapRate(slap, port, clients, query, seconds) {
  // a short pilot sizes the real run
  const pilotCycles = clients * 100;
  const pilotSeconds = Math.max(await slapOnce(slap, port, clients, query, pilotCycles * 2), 0.001);
  const cycles = Math.max(pilotCycles, Math.round((pilotCycles / pilotSeconds) * seconds));
  const took = Math.max(await slapOnce(slap, port, clients, query, cycles * 2), 0.001);
  return cycles / took;
}

// ---------------------------------------------------------------- main

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const slap = binary('mariadb-slap') ?? binary('mysqlslap');
  if (!slap) fail('mysqlslap not found (Debian package mariadb-client)');
  log(`starting a throwaway MariaDB …`);
  const server = await startServer();
  log(`MariaDB ${server.version} on 127.0.0.1:${server.port} (innodb_flush_log_at_trx_commit=${server.flush})`);
  const rows = [];
  try {
    for (const [workload, keys] of [['many keys', KEYS_MANY], ['hot keys', KEYS_HOT]]) {
      const queries = slapQueries(keys);
      for (const clients of args.clients) {
        log(`${workload}, ${clients} client(s): lockbench …`);
        const bench = await lockbenchRun(server.port, { clients, keys, seconds: args.seconds, workers: args.workers });
        log(`${workload}, ${clients} client(s): mysqlslap GET_LOCK+RELEASE_LOCK …`);
        const raw = await slapRate(slap, server.port, clients, queries.raw, args.seconds);
        log(`${workload}, ${clients} client(s): mysqlslap lockbench's SQL …`);
        const same = await slapRate(slap, server.port, clients, queries.lockbench, args.seconds);
        rows.push({ workload, keys, clients, bench, raw, same });
      }
    }
  } finally {
    await stopServer(server, args.keep);
  }

  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`### mysql backend: MariaDB ${server.version}, ${args.seconds} s per run, zero hold`);
  console.log('');
  console.log(`${cpus().length} × ${cpuModel}; node ${process.version}; lockbench workers: ${args.workers} (1 for one client); ` +
    `innodb_flush_log_at_trx_commit=${server.flush}; retry: none (waits happen inside GET_LOCK)`);
  console.log('');
  console.log('| workload | clients | lockbench cycles/s | acquire p50 | acquire p99 | mysqlslap GET_LOCK+RELEASE_LOCK cycles/s | lockbench ÷ raw | mysqlslap lockbench\'s SQL cycles/s | lockbench ÷ same SQL | errors / timeouts / violations |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const { workload, keys, clients, bench, raw, same } of rows) {
    console.log(
      `| ${workload} (${fmt(keys)}) | ${clients} | ${fmt(bench.rate)}${bench.generatorSaturated ? ' ⚠' : ''} | ${fmt(bench.p50, 2)} ms | ${fmt(bench.p99, 2)} ms | ` +
        `${fmt(raw)} | ${fmt(bench.rate / raw, 2)} | ${fmt(same)} | ${fmt(bench.rate / same, 2)} | ${bench.errors} / ${bench.timeouts} / ${bench.violations} |`,
    );
  }
  console.log('');
  console.log('⚠ = the report warned that the load generator itself was saturated.');
}

await main();
