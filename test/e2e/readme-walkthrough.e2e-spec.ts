import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/project-root.js';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app.js';

/** The README's walk-through script: the second `sh` block of its section, byte for byte. */
function walkthrough(): string {
  const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Walk-through for a group owner'), readme.indexOf('## Admin UI'));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks).toHaveLength(2);
  return blocks[1];
}

describe('the README walk-through, pasted into a shell', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('needs nothing but curl and node, and runs without an error against a fresh Roster', async () => {
    const script = walkthrough();
    expect(script).not.toMatch(/\bjq\b/);
    expect(script).toContain('test/fixtures/saml/idp-cert.pem');
    const port = (t.app.getHttpServer().address() as { port: number }).port;
    // Asynchronously: the Roster answering it runs in this process.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('bash', ['--norc', '--noprofile', '-e', '-u', '-o', 'pipefail', '-c', script], {
        cwd: projectRoot(),
        env: { PATH: process.env.PATH, HOME: process.env.HOME, R: `http://127.0.0.1:${port}`, ADMIN: ADMIN_TOKEN },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // Every step did what it says.
    expect(run.stdout).toContain('"path":"acme"');
    expect(run.stdout).toContain('"enabled":true');
    expect(run.stdout).toMatch(/SCIM token: roster_scim_\S+/);
    expect(run.stdout).toContain('"userName":"alice@acme.com"');
    expect(run.stdout).not.toMatch(/"message"|"status":"4\d\d"/);
    const [group] = await t.sql<{ id: number }>("SELECT id FROM groups WHERE path = 'acme'");
    const [provider] = await t.sql<{ enabled: unknown; certificate: string }>('SELECT enabled, certificate FROM saml_providers WHERE group_id = ?', [group.id]);
    expect(Boolean(provider.enabled)).toBe(true);
    expect(provider.certificate).toContain('BEGIN CERTIFICATE');
    expect(await t.sql("SELECT id FROM scim_identities WHERE extern_uid = 'alice@acme.com'")).toHaveLength(1);
  });
});
