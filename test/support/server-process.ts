import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../../src/project-root.js';
import { IDP_CERT, IDP_SSO_URL } from './fixtures.js';
import { createTestDatabase } from './test-database.js';
import type { TestDatabase } from './test-database.js';

/** Roster as `npm start` runs it: the built server in its own process. */
export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than src/. */
export function ensureBuilt(): void {
  const root = projectRoot();
  const main = join(root, 'dist/src/main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newestMtime(join(root, 'src'))) return;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startServer(env: Record<string, string>, timeoutMs = 20_000): Promise<ServerProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  let output = '';
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: projectRoot(),
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', SCIM_RATE_LIMIT: '0', HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    child,
    output: () => output,
    kill: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * A group with SAML configured and a SCIM token, set up through the admin API of a server process
 * (what an owner does first). Returns the token and the group's SCIM base URL.
 */
export async function setUpGroupOverHttp(server: Pick<ServerProcess, 'url'>, adminToken: string, path: string): Promise<{ id: number; scimToken: string; scimBase: string }> {
  const call = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${server.url}${route}`, {
      method,
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${method} ${route} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const group = await call('POST', '/api/v4/groups', { name: `Group ${path}`, path });
  await call('PUT', `/api/v4/groups/${group.id}/saml_provider`, { enabled: true, sso_url: IDP_SSO_URL, certificate: IDP_CERT });
  const token = await call('POST', `/api/v4/groups/${group.id}/scim_token`);
  return { id: group.id as number, scimToken: token.scim_token as string, scimBase: `${server.url}/api/scim/v2/groups/${path}` };
}

/** Roster processes sharing one fresh test database, as several processes behind a load balancer. */
export interface RosterProcesses {
  database: TestDatabase;
  servers: ServerProcess[];
  /** Kills every process (SIGKILL: nothing of theirs is under test at the end) and drops the database. */
  stop(): Promise<void>;
}

/**
 * Builds if needed, creates a test database and starts `count` Roster processes on it with `env`.
 * They start one after the other: the first runs the migrations and the bootstrap, the next find
 * them done. A process that fails to start stops those already running.
 */
export async function startRosterProcesses(count: number, env: Record<string, string>): Promise<RosterProcesses> {
  ensureBuilt();
  const database = await createTestDatabase();
  const servers: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.kill('SIGKILL')));
    await database.drop();
  };
  try {
    for (let n = 0; n < count; n++) servers.push(await startServer({ ...env, DATABASE_URL: database.url }));
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { database, servers, stop };
}
