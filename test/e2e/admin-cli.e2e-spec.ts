import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import passport from 'passport';
import { projectRoot } from '../../src/project-root.js';
import { runCli } from '../../src/cli.js';
import { PatBearerStrategy } from '../../src/tokens/pat-bearer.strategy.js';
import { ScimBearerStrategy } from '../../src/tokens/scim-bearer.strategy.js';
import { auth } from '../support/fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';

function capture() {
  let text = '';
  return {
    write: (chunk: string) => (text += chunk),
    get text() {
      return text;
    },
  };
}

/**
 * `npm run cli -- create-admin <username> <email>`: the CLI's main function, run against the same
 * database as a running Roster, as an operator would run it next to the server.
 */
describe('CLI create-admin', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  async function cli(...args: string[]) {
    const out = capture();
    const err = capture();
    const code = await runCli(args, { DATABASE_URL: t.database.url, LOG_LEVEL: 'error' }, out, err);
    // In its own process the CLI is alone; here its application context has replaced the server's
    // strategies in passport's process-wide registry, so the server's are put back.
    passport.use('pat-bearer', t.app.get(PatBearerStrategy));
    passport.use('scim-bearer', t.app.get(ScimBearerStrategy));
    return { code, stdout: out.text, stderr: err.text };
  }

  const userCount = async () => Number((await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM users'))[0].n);

  it('creates an instance admin and prints a personal access token that works', async () => {
    const { code, stdout, stderr } = await cli('create-admin', 'recovery', 'recovery@ops.test');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const tokens = stdout.match(/roster_pat_[A-Za-z0-9_-]{43}/g);
    expect(tokens).toHaveLength(1);
    expect(stdout).toContain('Created the instance admin "recovery"');

    const me = await t.http().get('/api/v4/user').set(auth(tokens![0])).expect(200);
    expect(me.body).toEqual(expect.objectContaining({ username: 'recovery', email: 'recovery@ops.test', is_admin: true, state: 'active' }));
    await t.http().get('/api/v4/users').set(auth(tokens![0])).expect(200);
    const [row] = await t.sql<{ is_admin: unknown }>('SELECT is_admin FROM users WHERE email_lower = ?', ['recovery@ops.test']);
    expect(Boolean(row.is_admin)).toBe(true);
    const events = await t.sql<{ author_id: unknown }>("SELECT author_id FROM audit_events WHERE event_name = 'personal_access_token_created' AND target_id = ?", [me.body.id]);
    expect(events).toEqual([{ author_id: null }]);
    expect(JSON.stringify(await t.sql('SELECT * FROM personal_access_tokens'))).not.toContain(tokens![0]);
  });

  it('refuses a duplicate email with a clear error and exit code 1, creating nothing', async () => {
    const before = await userCount();
    const { code, stdout, stderr } = await cli('create-admin', 'someone-else', 'RECOVERY@ops.test');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('Error: a user with the email address RECOVERY@ops.test already exists; choose another address.\n');
    expect(await userCount()).toBe(before);
  });

  it.each([[[]], [['create-admin']], [['create-admin', 'only-username']], [['create-admin', 'a', 'a@b.test', 'extra']]])('prints the usage and exits with 2 for the arguments %j', async (args) => {
    const before = await userCount();
    const { code, stdout, stderr } = await cli(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: npm run cli -- create-admin <username> <email>');
    expect(await userCount()).toBe(before);
  });

  it('names an unknown command, an invalid username and an invalid email, with exit code 2', async () => {
    const unknown = await cli('make-admin', 'a', 'a@b.test');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^Unknown command "make-admin"\./);
    const badUser = await cli('create-admin', 'bad name', 'a@b.test');
    expect(badUser.code).toBe(2);
    expect(badUser.stderr).toMatch(/^"bad name" is not a valid username/);
    const badEmail = await cli('create-admin', 'okname', 'not-an-email');
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toMatch(/^"not-an-email" is not a valid email address\./);
  });

  it('reports a configuration error with exit code 2', async () => {
    const err = capture();
    const code = await runCli(['create-admin', 'x', 'x@y.test'], { DATABASE_URL: 'mysql://nope' }, capture(), err);
    expect(code).toBe(2);
    expect(err.text).toBe('Configuration error: DATABASE_URL must start with sqlite: or postgres://\n');
  });

  it('prints the usage for help with exit code 0', async () => {
    const out = capture();
    expect(await runCli(['--help'], {}, out, capture())).toBe(0);
    expect(out.text).toContain('create-admin');
  });
});

/** The built program, as `npm run cli` runs it: its own process, its exit codes, a token that works. */
describe('CLI create-admin, built and run as a process', () => {
  const run = promisify(execFile);
  const root = projectRoot();
  let t: TestApp;
  beforeAll(async () => {
    // `npm run build` without npm; type errors elsewhere in the tree still emit JavaScript.
    await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root }).catch(() => undefined);
    if (!existsSync(join(root, 'dist/src/cli.js'))) throw new Error('the build did not produce dist/src/cli.js');
    t = await startTestApp();
  }, 180_000);
  afterAll(async () => t?.close());

  async function cli(...args: string[]) {
    return run(process.execPath, [join(root, 'dist/src/cli.js'), ...args], { cwd: root, env: { PATH: process.env.PATH, DATABASE_URL: t.database.url, LOG_LEVEL: 'error' } }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  }

  it('prints a personal access token for a new admin that the running server accepts', async () => {
    const { code, stdout } = await cli('create-admin', 'spawned', 'spawned@ops.test');
    expect(code).toBe(0);
    const tokens = stdout.match(/roster_pat_[A-Za-z0-9_-]{43}/g) ?? [];
    expect(tokens).toHaveLength(1);
    const me = await t
      .http()
      .get('/api/v4/user')
      .set(auth(tokens[0] ?? ''))
      .expect(200);
    expect(me.body).toEqual(expect.objectContaining({ username: 'spawned', is_admin: true }));
  }, 60_000);

  it('exits with 2 on bad arguments and 1 on a duplicate email', async () => {
    const usage = await cli('create-admin', 'lonely');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: npm run cli -- create-admin <username> <email>');
    const duplicate = await cli('create-admin', 'again', 'spawned@ops.test');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
  }, 60_000);
});
