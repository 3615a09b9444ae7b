#!/usr/bin/env node
// The simulator's speed: events handled per second of wall time, and the full-scale Tatkal
// scenario's wall time and peak memory, each simulation in its own process pinned to one core.
//
//   node bench/sim.js                      # every workload, 3 runs each (medians)
//   node bench/sim.js --only tatkal-full --runs 1
//
// Needs the built dist/ (npm run build). Prints one markdown table on stdout, progress on stderr.
// "events" are what the simulator handles: arrivals and agenda events (an acquire or a release
// reaching the server, an answer reaching the client, the end of a hold, a backoff ending, a queue
// timeout); timeouts made moot by a grant are not counted.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fail, formatNumber as fmt, log, machine, median, oneOrMoreOf, parseFlags, root } from './lib.js';

const WORKLOADS = {
  uncontended: join(root, 'bench', 'sim', 'uncontended.yaml'),
  'hot-polling': join(root, 'bench', 'sim', 'hot-polling.yaml'),
  'tatkal-full': join(root, 'scenarios', 'tatkal-full.yaml'),
};

function usage() {
  return `usage: node bench/sim.js [--only ${Object.keys(WORKLOADS).join(',')}] [--runs N]
  --only  workloads (default all)
  --runs  simulations per workload (default 3; medians are reported)`;
}

/** In the child: simulate one scenario and print what it cost as JSON. */
async function child(file) {
  const { loadScenarioFile } = await import(new URL('../dist/index.js', import.meta.url).href);
  const { simulateScenario } = await import(new URL('../dist/sim/index.js', import.meta.url).href);
  const loaded = await loadScenarioFile(file);
  const started = performance.now();
  const { stats, measurements } = await simulateScenario(loaded.scenario, { startedAtEpochMs: Date.now() });
  const wallMs = performance.now() - started;
  console.log(JSON.stringify({ ...stats, wallMs, acquired: measurements.totals.acquired, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

function simulateOnce(file) {
  const pin = spawnSync('taskset', ['-c', '0', 'true']).status === 0 ? ['taskset', '-c', '0'] : [];
  const [command, ...rest] = [...pin, process.execPath, '--max-old-space-size=8192', new URL(import.meta.url).pathname, '--child', file];
  const result = spawnSync(command, rest, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`simulating ${file} exited ${result.status}`);
  return { ...JSON.parse(result.stdout.trim().split('\n').pop()), pinned: pin.length > 0 };
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]);
} else {
  const args = { only: Object.keys(WORKLOADS), runs: 3 };
  parseFlags(process.argv.slice(2), usage, {
    '--only': (value) => (args.only = oneOrMoreOf(value, Object.keys(WORKLOADS))),
    '--runs': (value) => (args.runs = Math.max(1, Math.round(Number(value)))),
  });
  const m = machine();
  log(`sim bench on ${m.nproc} cores (${m.cpu}), load ${m.load}, node ${m.node}, tree ${m.tree}`);
  const rows = [];
  for (const name of args.only) {
    const runs = [];
    for (let run = 1; run <= args.runs; run++) {
      const result = simulateOnce(WORKLOADS[name]);
      log(`${name} run ${run}: ${fmt(result.events)} events in ${(result.wallMs / 1000).toFixed(2)} s = ${fmt(Math.round(result.events / (result.wallMs / 1000)))} events/s`);
      runs.push(result);
    }
    const wall = median(runs.map((r) => r.wallMs));
    const rates = runs.map((r) => r.events / (r.wallMs / 1000));
    rows.push(
      `| ${name} | ${fmt(runs[0].requests)} | ${fmt(runs[0].events)} | ${(runs[0].events / runs[0].requests).toFixed(2)} | ` +
        `${(wall / 1000).toFixed(2)} | ${fmt(Math.round(median(rates)))} | ${fmt(Math.round(Math.min(...rates)))}–${fmt(Math.round(Math.max(...rates)))} | ${fmt(Math.round(median(runs.map((r) => r.maxRssMiB))))} | ${runs[0].pinned ? 'yes' : 'no'} |`,
    );
  }
  console.log(
    [
      `sim bench, ${new Date().toISOString()}, ${m.nproc} cores (${m.cpu}), load ${m.load}, node ${m.node}, tree ${m.tree}, ${args.runs} run(s) each`,
      '',
      '| workload | requests | events | events/request | wall s (median) | events/s (median) | events/s (range) | peak RSS MiB | one core |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---|',
      ...rows,
    ].join('\n'),
  );
}
