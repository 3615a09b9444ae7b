/**
 * Real servers for tests (DESIGN.md "Servers in tests"): each on a free
 * loopback port with a throwaway data dir, stopped after. Never the machine's
 * own services on the standard ports.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** LOCKBENCH_REQUIRE_BACKENDS=1 (set by .ci/run): a missing server fails instead of skipping. */
export const requireBackends = process.env.LOCKBENCH_REQUIRE_BACKENDS === '1';

/** Full path of an executable on PATH (or at an absolute path), or undefined. */
export function findBinary(name: string, extraDirs: readonly string[] = []): string | undefined {
  if (name.startsWith('/')) return spawnSync('test', ['-x', name]).status === 0 ? name : undefined;
  for (const dir of extraDirs) {
    const candidate = join(dir, name);
    if (spawnSync('test', ['-x', candidate]).status === 0) return candidate;
  }
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/**
 * The reason to skip a suite whose server binary is missing; throws instead
 * when LOCKBENCH_REQUIRE_BACKENDS=1. Prints the reason loudly either way.
 */
export function missingServer(what: string, hint: string): { skip: string } {
  const reason = `${what} is not installed (${hint}; scripts/install-backends.sh installs it)`;
  if (requireBackends) throw new Error(`${reason} and LOCKBENCH_REQUIRE_BACKENDS=1`);
  console.warn(`\n*** SKIPPING: ${reason} ***\n`);
  return { skip: reason };
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `count` distinct loopback ports nothing listens on right now. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** True once something accepts TCP connections on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A throwaway directory, removed by `removeDir`. */
export function throwawayDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `lockbench-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Starts `server`; removes its throwaway `dir` when it does not start. */
export async function startInDir<T extends ServerProcess & { readonly dir: string }>(server: T): Promise<T> {
  try {
    await server.start();
  } catch (error) {
    removeDir(server.dir);
    throw error;
  }
  return server;
}

export interface ServerProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** the port the server listens on; `start` waits until it accepts connections */
  readonly port: number;
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** how long the server may take to start listening; default 20 s */
  readonly startTimeoutMs?: number;
  /** extra readiness check after the port accepts connections */
  readonly ready?: () => Promise<boolean>;
}

/**
 * One server process that a test can start, kill (SIGKILL: the plug pulled),
 * stop (SIGTERM) and start again on the same port and data dir.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(readonly options: ServerProcessOptions) {}

  get port(): number {
    return this.options.port;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** the server's recent stdout+stderr, for failure messages */
  get log(): string {
    return this.output.slice(-4000);
  }

  async start(): Promise<void> {
    const { command, args, cwd, env, port } = this.options;
    const child = spawn(command, [...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = '';
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited = false;
    child.once('exit', () => (exited = true));
    try {
      await waitUntil(
        async () => {
          if (exited) throw new Error(`${command} exited while starting:\n${this.log}`);
          return (await isListening(port)) && (this.options.ready ? await this.options.ready() : true);
        },
        this.options.startTimeoutMs ?? 20_000,
        `${command} on 127.0.0.1:${port}`,
      );
    } catch (error) {
      await this.kill();
      throw error;
    }
  }

  /** SIGKILL and wait until it is gone and the port is free. */
  async kill(): Promise<void> {
    await this.signalAndWait('SIGKILL');
  }

  /** SIGTERM (a clean shutdown), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.signalAndWait('SIGTERM');
    clearTimeout(timer);
  }

  private async signalAndWait(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await gone;
    await waitUntil(async () => !(await isListening(this.port)), 10_000, `port ${this.port} to close`);
  }
}
