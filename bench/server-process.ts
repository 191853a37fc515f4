import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { processCpuSeconds } from './cpu-accounting.js';

export interface ServerOptions {
  root: string;
  databaseUrl: string;
  adminToken: string;
  /** When set, the server runs under `node --cpu-prof` and writes its profile here on stop. */
  cpuProfileDir?: string;
}

const READY_TIMEOUT_MS = 60_000;
const live = new Set<ChildProcess>();

/** Last resort: whatever happens to the benchmark, no server or driver outlives it. */
export function killAllChildren(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Registers a child so killAllChildren covers it (load drivers too). */
export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Roster started the way `npm start` runs it: `node dist/src/main.js`, configured by environment. */
export class RosterServer {
  private stderr = '';
  /** How the process ended, once it has. */
  exit?: string;

  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-8000)));
    child.once('exit', (code, signal) => (this.exit = signal ?? `code ${code}`));
    child.stdout?.resume();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Spawns the server and waits for /health 200; returns it with the milliseconds that took. */
  static async start(options: ServerOptions): Promise<{ server: RosterServer; readyMs: number }> {
    const port = await freePort();
    const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`, '--import', join(options.root, 'dist/bench/profile-exit-hook.js')] : [];
    const started = performance.now();
    const child = track(
      spawn(process.execPath, [...profile, join(options.root, 'dist/src/main.js')], {
        cwd: options.root,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DATABASE_URL: options.databaseUrl,
          PORT: String(port),
          ADMIN_TOKEN: options.adminToken,
          // Off unless a run measures the limiter's own cost (BENCH_SCIM_RATE_LIMIT, high enough never to refuse).
          SCIM_RATE_LIMIT: process.env.BENCH_SCIM_RATE_LIMIT ?? '0',
          SCIM_RATE_LIMIT_BURST: process.env.BENCH_SCIM_RATE_LIMIT ?? '200',
          // As in production: one log line per request (to a pipe the bench drains), metrics counted.
          LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const server = new RosterServer(port, child);
    const deadline = started + READY_TIMEOUT_MS;
    while (performance.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} before it was ready:\n${server.stderr}`);
      try {
        const response = await fetch(`${server.url}/health`);
        if (response.status === 200) return { server, readyMs: performance.now() - started };
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    server.kill();
    throw new Error(`the server was not ready after ${READY_TIMEOUT_MS} ms:\n${server.stderr}`);
  }

  /** Resident set size in MiB, from /proc/<pid>/status. */
  rssMb(): number {
    if (this.exit !== undefined) throw new Error(`the server is gone (${this.exit}):\n${this.stderr}`);
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    if (!match) throw new Error('VmRSS not found');
    return Number(match[1]) / 1024;
  }

  /** CPU time the server has used so far (user + system), from /proc/<pid>/stat, in seconds. */
  cpuSeconds(): number {
    return processCpuSeconds(this.pid);
  }

  /**
   * Graceful stop (SIGTERM, or SIGUSR2 under profiling so the profile gets written), then SIGKILL
   * if it has not exited in time.
   */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(this.child.spawnargs.includes('--cpu-prof') ? 'SIGUSR2' : 'SIGTERM');
    const timer = setTimeout(() => this.kill(), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  recentStderr(): string {
    return this.stderr;
  }
}
