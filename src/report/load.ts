/** Reads a report.json back (for `lockbench report` and `compare`), relying only on the documented schema. */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { LATENCY_NAMES } from '../metrics/types.js';
import { REPORT_SCHEMA_VERSION, type Report } from './types.js';

/** A run's folder stands for the report.json in it; any other path is taken as given. */
export function resolveReportPath(file: string): string {
  return existsSync(file) && statSync(file).isDirectory() ? path.join(file, 'report.json') : file;
}

/** Reads and checks a report.json; anything else is a UsageError (exit 2) naming the file and what is wrong. */
export async function readReportFile(file: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: cannot read report: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(code ?? error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseReport(parsed, file);
}

/** Checks the parts every renderer needs and fills the optional ones a report may lack (older or simulated). */
export function parseReport(value: unknown, file: string): Report {
  const problem = (what: string): UsageError => new UsageError(`${file}: not a lockbench report.json (schemaVersion ${REPORT_SCHEMA_VERSION}): ${what}`);
  if (!isObject(value)) throw problem('the top level is not an object');
  if (value.schemaVersion !== REPORT_SCHEMA_VERSION) throw problem(`schemaVersion is ${JSON.stringify(value.schemaVersion)}`);
  for (const section of ['scenario', 'totals', 'rates', 'latency', 'queueing'] as const) {
    if (!isObject(value[section])) throw problem(`'${section}' is missing`);
  }
  const scenario = value.scenario as Record<string, unknown>;
  if (typeof scenario.name !== 'string') throw problem("'scenario.name' is missing");
  const latency = value.latency as Record<string, unknown>;
  if (!isObject(latency.acquire)) throw problem("'latency.acquire' is missing");
  const backend = isObject(value.backend) ? value.backend : { type: 'unknown' };
  // a latency the report does not carry reads as n/a (count 0), never as a crash
  const latencies = Object.fromEntries(
    LATENCY_NAMES.map((name) => [name, isObject(latency[name]) ? latency[name] : { ...MISSING_LATENCY }]),
  ) as unknown as Report['latency'];
  return {
    ...(value as unknown as Report),
    mode: (value.mode as Report['mode'] | undefined) ?? 'run',
    latency: latencies,
    scenario: { description: '', file: '', sha256: '', resolved: {}, ...scenario } as unknown as Report['scenario'],
    backend: { ...backend, type: typeof backend.type === 'string' ? backend.type : 'unknown', outages: Array.isArray(backend.outages) ? backend.outages : [] } as Report['backend'],
    startedAt: typeof value.startedAt === 'string' ? value.startedAt : '',
    endedAt: typeof value.endedAt === 'string' ? value.endedAt : '',
    durationMs: typeof value.durationMs === 'number' ? value.durationMs : 0,
    interrupted: value.interrupted === true,
    environment: { node: '', platform: '', arch: '', cpus: 0, workers: 0, ...(isObject(value.environment) ? value.environment : {}) } as Report['environment'],
    holdMix: arrayOr(value.holdMix),
    phases: arrayOr(value.phases),
    series: arrayOr(value.series),
    safety: { checked: true, method: 'interval-overlap', overlaps: 0, examples: [], ...(isObject(value.safety) ? value.safety : {}) } as Report['safety'],
    generator: { workers: [], saturated: false, ...(isObject(value.generator) ? value.generator : {}) } as Report['generator'],
    thresholds: arrayOr(value.thresholds),
    warnings: arrayOr(value.warnings),
    tool: isObject(value.tool) ? (value.tool as Report['tool']) : { name: 'lockbench', version: 'unknown' },
  };
}

const MISSING_LATENCY = {
  unit: 'ms', count: 0, min: null, mean: null, stdev: null, max: null, p50: null, p90: null, p95: null, p99: null, p999: null, p9999: null,
} as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOr<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}
