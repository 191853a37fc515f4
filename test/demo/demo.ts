/**
 * `npm run demo`: starts the built Roster on a fresh demo database, fills it through the real HTTP
 * APIs (see seed.ts), prints where to sign in, and keeps running until Ctrl-C.
 *
 * Environment: PORT (default 3000), HOST (default 127.0.0.1), DEMO_DATABASE (default
 * ./data/demo.sqlite; removed first).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { projectRoot } from '../../src/project-root.js';
import { DemoHttp } from './demo-http.js';
import { seedDemo } from './seed.js';

const root = projectRoot();
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const database = resolve(root, process.env.DEMO_DATABASE ?? 'data/demo.sqlite');
const baseUrl = `http://localhost:${port}`;
const adminToken = `roster_pat_demo_${randomBytes(20).toString('base64url')}`;
const say = (line: string) => process.stdout.write(`[demo] ${line}\n`);

async function waitForHealth(http: DemoHttp, child: ReturnType<typeof spawn>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Roster exited with code ${child.exitCode} before it was ready (is port ${port} free? set PORT=…)`);
    try {
      const answer = await http.send('GET', '/health');
      if (answer.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('Roster did not become ready within 30 s');
}

async function main(): Promise<void> {
  const entry = join(root, 'dist/src/main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build:tools" first (npm run demo does)`);
  mkdirSync(dirname(database), { recursive: true });
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${database}${suffix}`, { force: true });

  say(`starting Roster on ${baseUrl} with a fresh database at ${database}`);
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: host,
      BASE_URL: baseUrl,
      DATABASE_URL: `sqlite:${database}`,
      ADMIN_TOKEN: adminToken,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
  });
  const stop = (signal: NodeJS.Signals) => {
    say('stopping');
    child.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGTERM'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  let failed = false;
  child.on('exit', (code) => process.exit(failed ? 1 : (code ?? 0)));

  const http = new DemoHttp(`http://127.0.0.1:${port}`);
  try {
    await waitForHealth(http, child);
    const seed = await seedDemo(http, adminToken, (line) => say(line));
    const lines = [
      '',
      'Roster demo is running.',
      '',
      `  Open           ${baseUrl}/`,
      `  Admin token    ${adminToken}`,
      '                 (paste it into "Personal access token" to sign in as root, the instance admin)',
      '',
      `  Group          Acme Corporation: ${baseUrl}/#/groups/${seed.groupId}/saml/members`,
      `  SCIM endpoint  ${seed.scimApiUrl}`,
      `  SCIM token     ${seed.scimToken}`,
      `  Group SSO URL  ${seed.ssoUrl}`,
      '',
      'Press Ctrl-C to stop.',
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    process.stderr.write(`[demo] ${error instanceof Error ? error.message : String(error)}\n`);
    failed = true;
    child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[demo] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
