#!/usr/bin/env node
// In-process micro-benchmark of the memory backend's lock cycle, one thread, no
// worker pool: it peels the driver's per-cycle work off layer by layer, so the
// backend's own ceiling and each layer's cost can be read side by side.
//
//   node bench/micro-memory.js                       # every variant, 3 runs each, medians
//   node bench/micro-memory.js --runs 5 --ms 3000    # more/longer runs
//   node bench/micro-memory.js --variant backend     # one variant once (used by the parent)
//
// Needs the built dist/ (npm run build). Each run is its own child process so the
// JIT state of one variant cannot help or hurt the next; runs are interleaved
// (variant A, B, C, …, then A, B, C again) so slow drift on a shared machine hits
// every variant alike.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = fileURLToPath(import.meta.url);
const dist = new URL('../dist/', import.meta.url);
const load = (path) => import(new URL(path, dist).href);

const KEYS = 100_000;
const TTL_MS = 30_000;
const USERS = 100; // for the closed-loop variant, per thread

/** What each variant does per cycle; printed in the table. */
const VARIANTS = {
  'table-sync': 'LockTable.tryAcquire + release, synchronous, slot precomputed (the shared-memory ceiling)',
  'backend': 'await MemoryBackend.acquire(key,{ttlMs,waitMs:0}) → await release(lease); keys pre-built',
  'backend+freshkey': "backend, but the key string is built each cycle ('resource:' + id, as the driver's keyOf does)",
  'backend+hrtime': 'backend + the 7 extra monotonicMs() (process.hrtime()) reads the driver makes per cycle',
  'backend+hdr': 'backend + 10 recordMs() into wasm HDR histograms per cycle (what RunRecorder.granted + held record)',
  'backend+recorder': 'backend + RunRecorder (counters + 10 HDR records) + timestamps; keys pre-built',
  'lock-cycle': 'runLockCycle() of the driver (retry wrapper, recorder, holder board, key formatting, uniform pick)',
  'closed-loop': `ClosedLoop.run() with ${USERS} users, thinkTime 0, hold 0 (the worker's loop minus piscina/ticks/sampler)`,
};

function parseArgs(argv) {
  const args = { runs: 3, ms: 2000, variant: undefined, only: undefined, primitives: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--ms') args.ms = Number(argv[++i]);
    else if (a === '--variant') args.variant = argv[++i];
    else if (a === '--only') args.only = argv[++i].split(',');
    else if (a === '--no-primitives') args.primitives = false;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node bench/micro-memory.js [--runs N] [--ms MS] [--only v1,v2] [--variant V]\nvariants:');
      for (const [name, what] of Object.entries(VARIANTS)) console.log(`  ${name.padEnd(18)} ${what}`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

/** Runs `body(n)` in batches until `ms` have passed; returns cycles per second. */
async function timed(ms, batch, body) {
  // warm-up: a quarter of the time, not counted
  let end = performance.now() + ms / 4;
  while (performance.now() < end) await body(batch);
  let cycles = 0;
  const start = performance.now();
  end = start + ms;
  let now = start;
  while (now < end) {
    await body(batch);
    cycles += batch;
    now = performance.now();
  }
  return (cycles / (now - start)) * 1000;
}

/** RunRecorder.finish across its signatures: (health) before, (endedAt, waiters, max, health) after. */
function finish(recorder) {
  const health = { index: 0, eventLoopLagP99Ms: 0, eventLoopLagMaxMs: 0, busyPercent: 0, maxDispatchLagMs: 0 };
  return recorder.finish.length <= 1 ? recorder.finish(health) : recorder.finish(performance.now(), { area: 0, timeMs: 0 }, 0, health);
}

async function runVariant(name, ms) {
  const { MemoryBackend } = await load('backends/memory/index.js');
  const { allocateLockTable, LockTable } = await load('backends/memory/lock-table.js');
  const { initHistograms, createHistogram, recordMs } = await load('metrics/histogram.js');
  const { RunRecorder } = await load('metrics/recorder.js');
  const { monotonicMs } = await load('clock.js');
  await initHistograms();

  const memory = allocateLockTable(2 * KEYS);
  const backend = new MemoryBackend(memory, undefined, 1);
  const keys = Array.from({ length: KEYS }, (_, id) => `resource:${id}`);
  // pre-claim every slot, as a long run would have
  for (const key of keys) await backend.release(await backend.acquire(key, { ttlMs: TTL_MS, waitMs: 0 }));
  let k = 0;
  const nextKey = () => {
    const key = keys[k];
    k = k + 7919 >= KEYS ? (k + 7919) % KEYS : k + 7919; // stride through the key space (cache-unfriendly like uniform)
    return key;
  };
  const opts = { ttlMs: TTL_MS, waitMs: 0 };

  switch (name) {
    case 'table-sync': {
      const table = new LockTable(memory);
      const slots = Int32Array.from(keys, (key) => table.slotOf(key));
      let s = 0;
      return timed(ms, 4096, (n) => {
        for (let i = 0; i < n; i++) {
          const slot = slots[s];
          s = s + 7919 >= KEYS ? (s + 7919) % KEYS : s + 7919;
          const r = table.tryAcquire(slot, TTL_MS);
          if (!r.granted || !table.release(slot, r.fence)) throw new Error('lost');
        }
      });
    }
    case 'backend':
      return timed(ms, 1024, async (n) => {
        for (let i = 0; i < n; i++) {
          const lease = await backend.acquire(nextKey(), opts);
          if (!lease || !(await backend.release(lease))) throw new Error('lost');
        }
      });
    case 'backend+freshkey': {
      let id = 0;
      return timed(ms, 1024, async (n) => {
        for (let i = 0; i < n; i++) {
          id = id + 7919 >= KEYS ? (id + 7919) % KEYS : id + 7919;
          const lease = await backend.acquire('resource:' + id, opts);
          if (!lease || !(await backend.release(lease))) throw new Error('lost');
        }
      });
    }
    case 'backend+hrtime': {
      let sink = 0;
      const r = await timed(ms, 1024, async (n) => {
        for (let i = 0; i < n; i++) {
          const t0 = monotonicMs(); // intendedStart
          const t1 = monotonicMs(); // firstAttempt
          sink += monotonicMs(); // waitMs = deadline - now
          const lease = await backend.acquire(nextKey(), opts);
          const t2 = monotonicMs(); // grantedAt
          sink += monotonicMs() > lease.expiresAt ? 1 : 0; // expired?
          if (!(await backend.release(lease))) throw new Error('lost');
          const t3 = monotonicMs(); // releasedAt
          sink += t3 - t0 + t2 - t1;
          sink += monotonicMs(); // closed-loop's loop-top check is the next cycle's t0; one more read elsewhere
        }
      });
      if (sink === 42) console.error('');
      return r;
    }
    case 'backend+hdr': {
      const hs = Array.from({ length: 10 }, createHistogram);
      const r = await timed(ms, 1024, async (n) => {
        for (let i = 0; i < n; i++) {
          const lease = await backend.acquire(nextKey(), opts);
          if (!lease || !(await backend.release(lease))) throw new Error('lost');
          // typical zero-hold values: a few µs
          for (let h = 0; h < 10; h++) recordMs(hs[h], 0.002 + h * 0.0005);
        }
      });
      for (const h of hs) h.destroy();
      return r;
    }
    case 'backend+recorder': {
      const recorder = new RunRecorder(0, 1, 1);
      const r = await timed(ms, 1024, async (n) => {
        for (let i = 0; i < n; i++) {
          const intended = monotonicMs();
          recorder.arrival(0);
          const first = monotonicMs();
          recorder.count(0, 'attempts');
          const lease = await backend.acquire(nextKey(), opts);
          const granted = monotonicMs();
          recorder.granted(0, granted - intended, granted - first);
          if (!(await backend.release(lease))) throw new Error('lost');
          recorder.count(0, 'released');
          const released = monotonicMs();
          recorder.held(0, 0, released - granted, released - intended);
        }
      });
      finish(recorder);
      return r;
    }
    case 'lock-cycle':
    case 'closed-loop': {
      const { runLockCycle } = await load('driver/lock-cycle.js');
      const { ClosedLoop } = await load('driver/closed-loop.js');
      const { HolderBoard, allocateHolderBoard } = await load('safety/holder-board.js');
      const { createKeyFormatter, createKeyPicker } = await load('workload/keys.js');
      const { createRng } = await load('workload/random.js');
      const { createDistribution } = await load('workload/distributions.js');
      // the driver's waiter accounting: a WaiterGauge in newer trees, a plain counter before
      const gauge = await load('metrics/waiter-gauge.js').catch(() => undefined);
      const waitersOf = (startAt) => (gauge ? new gauge.WaiterGauge(startAt) : undefined);
      const recorder = new RunRecorder(0, 1, 1);
      const abort = new AbortController();
      const context = {
        waiters: waitersOf(monotonicMs()),
        backend,
        lock: { mode: 'single', ttlMs: TTL_MS, acquireTimeoutMs: 5000, retry: { strategy: 'none' } },
        recorder,
        holders: new HolderBoard(allocateHolderBoard(KEYS)),
        keyOf: createKeyFormatter('resource:{id}'),
        startAt: monotonicMs(),
        signal: abort.signal,
        retryRng: createRng(1, 5, 0),
        acquiring: 0,
      };
      const picker = createKeyPicker({ type: 'uniform' }, KEYS);
      if (name === 'lock-cycle') {
        const rng = createRng(1, 2, 0);
        const r = await timed(ms, 1024, async (n) => {
          for (let i = 0; i < n; i++) {
            context.recorder.arrival(0);
            const intendedStart = monotonicMs();
            if (context.waiters) context.waiters.enter(intendedStart);
            else context.acquiring++;
            await runLockCycle(context, { client: 0, phase: 0, resourceId: picker.pick(rng), holdMs: 0, holdComponent: 0, intendedStart });
          }
        });
        return r;
      }
      // closed loop: warm up for ms/4, then count the acquired of a run of `ms`
      const zero = createDistribution({ type: 'constant', value: 0 });
      const runFor = async (durationMs, users) => {
        const rec = new RunRecorder(0, 1, 1);
        const ac = new AbortController();
        const startAt = monotonicMs();
        const ctx = { ...context, recorder: rec, signal: ac.signal, startAt, acquiring: 0, waiters: waitersOf(startAt) };
        const loop = new ClosedLoop(ctx, {
          seed: 1,
          users: Array.from({ length: users }, (_, u) => u),
          durationMs,
          thinkTime: zero,
          keyPicker: picker,
          hold: zero,
          drainMs: 5000,
          cancel: () => ac.abort(),
        });
        const t0 = performance.now();
        await loop.run();
        const elapsed = performance.now() - t0;
        const m = finish(rec);
        return (m.totals.acquired / elapsed) * 1000;
      };
      await runFor(ms / 4, USERS);
      return runFor(ms, USERS);
    }
    default:
      throw new Error(`unknown variant ${name}`);
  }
}

/** ns per call of the primitives a cycle is made of (same process, back to back). */
async function primitives(ms) {
  const { initHistograms, createHistogram, recordMs } = await load('metrics/histogram.js');
  const { monotonicMs } = await load('clock.js');
  const { keyHash53 } = await load('backends/key-hash.js');
  await initHistograms();
  const h = createHistogram();
  const map = new Map(Array.from({ length: KEYS }, (_, id) => [`resource:${id}`, id]));
  const keys = [...map.keys()];
  const resolved = Promise.resolve(1);
  const asyncNoop = async () => 1;
  let sink = 0;
  let j = 0;
  const ops = {
    'process.hrtime() (monotonicMs)': () => { sink += monotonicMs(); },
    'process.hrtime.bigint()': () => { sink += Number(process.hrtime.bigint() & 0xffn); },
    'performance.now()': () => { sink += performance.now(); },
    'recordMs() into wasm HDR': () => { recordMs(h, 0.003); },
    'await of an async fn': async () => { sink += await asyncNoop(); },
    'await of a resolved promise': async () => { sink += await resolved; },
    'Map.get(string key), 100k keys': () => { sink += map.get(keys[(j = (j + 7919) % KEYS)]); },
    "'resource:' + id (key formatting)": () => { sink += ('resource:' + (j = (j + 7919) % KEYS)).length; },
    "Map.get('resource:' + id) (fresh key)": () => { sink += map.get('resource:' + (j = (j + 7919) % KEYS)); },
    'keyHash53(key)': () => { sink += keyHash53(keys[(j = (j + 7919) % KEYS)]); },
  };
  const out = {};
  for (const [name, op] of Object.entries(ops)) {
    const isAsync = op.constructor.name === 'AsyncFunction';
    const rate = await timed(ms, 4096, isAsync ? async (n) => { for (let i = 0; i < n; i++) await op(); } : (n) => { for (let i = 0; i < n; i++) op(); });
    out[name] = 1e9 / rate;
  }
  h.destroy();
  if (sink === 42) console.error('');
  return out;
}

const args = parseArgs(process.argv.slice(2));
if (args.variant === 'primitives') {
  console.log(JSON.stringify(await primitives(args.ms)));
} else if (args.variant) {
  const rate = await runVariant(args.variant, args.ms);
  console.log(JSON.stringify({ variant: args.variant, cyclesPerSec: rate }));
} else {
  const names = args.only ?? Object.keys(VARIANTS);
  const results = Object.fromEntries(names.map((n) => [n, []]));
  for (let run = 0; run < args.runs; run++) {
    for (const name of names) {
      const child = spawnSync(process.execPath, [here, '--variant', name, '--ms', String(args.ms)], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${name} failed: ${child.stderr}`);
      results[name].push(JSON.parse(child.stdout.trim().split('\n').pop()).cyclesPerSec);
      process.stderr.write(`run ${run + 1}/${args.runs} ${name}: ${Math.round(results[name].at(-1)).toLocaleString('en-US')} cycles/s\n`);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = median(results[names[0]]);
  const fmt = (x) => Math.round(x).toLocaleString('en-US');
  console.log(`| variant (1 thread, ${args.ms} ms × ${args.runs} runs) | median cycles/s | ns/cycle | runs | vs ${names[0]} | what each cycle does |`);
  console.log('|---|---:|---:|---|---:|---|');
  for (const name of names) {
    const m = median(results[name]);
    console.log(`| ${name} | ${fmt(m)} | ${(1e9 / m).toFixed(0)} | ${results[name].map(fmt).join(' / ')} | ${(m / base).toFixed(2)}× | ${VARIANTS[name]} |`);
  }
  if (args.primitives) {
    const runs = [];
    for (let run = 0; run < args.runs; run++) {
      const child = spawnSync(process.execPath, [here, '--variant', 'primitives', '--ms', String(Math.min(args.ms, 500))], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`primitives failed: ${child.stderr}`);
      runs.push(JSON.parse(child.stdout.trim().split('\n').pop()));
    }
    console.log(`\n| primitive (1 thread, ${args.runs} runs) | median ns/op | runs |`);
    console.log('|---|---:|---|');
    for (const name of Object.keys(runs[0])) {
      const xs = runs.map((r) => r[name]);
      console.log(`| ${name} | ${median(xs).toFixed(1)} | ${xs.map((x) => x.toFixed(1)).join(' / ')} |`);
    }
  }
}
