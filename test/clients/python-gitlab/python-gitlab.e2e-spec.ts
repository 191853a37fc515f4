import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../../src/project-root.js';
import { setUpGroup } from '../../support/fixtures.js';
import { provision } from '../../support/admin-people.js';
import { freePort } from '../../support/server-process.js';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../../support/test-app.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';

/** Debian's python3-gitlab; .ci/run installs it when missing. */
async function pythonGitlab(): Promise<string | null> {
  try {
    return (await run(PYTHON, ['-c', 'import gitlab; print(gitlab.__version__)'])).stdout.trim();
  } catch {
    return null;
  }
}

/**
 * Roster as python-gitlab sees it: suite.py runs GitLab-style admin calls against a real Roster on
 * a real port with BASE_URL naming it (python-gitlab follows the absolute Link URLs it is given).
 */
describe('python-gitlab against Roster', () => {
  let t: TestApp;
  let version: string | null;
  beforeAll(async () => {
    version = await pythonGitlab();
    if (!version) return;
    const port = await freePort();
    t = await startTestApp({ PORT: String(port), BASE_URL: `http://127.0.0.1:${port}` });
  });
  afterAll(async () => t?.close());

  it('runs the python-gitlab suite: every call answers what GitLab would', async () => {
    if (!version) {
      if (process.env.REQUIRE_PYTHON_GITLAB === '1') throw new Error('python3-gitlab is required here (REQUIRE_PYTHON_GITLAB=1) but not installed');
      console.warn('SKIPPED: python3-gitlab is not installed (.ci/run installs it with apt-get)');
      return;
    }
    const g = await setUpGroup(t, 'python-acme');
    await provision(t, g, { externalId: 'python-provisioned@acme.test' });
    const result = await run(PYTHON, [join(projectRoot(), 'test/clients/python-gitlab/suite.py')], {
      env: { ...process.env, ROSTER_URL: t.config.baseUrl, ROSTER_TOKEN: ADMIN_TOKEN, GROUP_ID: String(g.id), PROVISIONED_UID: 'python-provisioned@acme.test', PYTHONWARNINGS: 'ignore' },
      timeout: 120_000,
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`suite.py failed:\n${error.stdout ?? ''}\n${error.stderr ?? error.message}`);
    });
    console.log(result.stdout.trim());
    expect(result.stdout).toMatch(/^python-gitlab 3\.\d+\.\d+: \d+ checks passed/m);
    // What the script changed is in the database: its group is gone, its identity update stayed undone by its delete.
    expect(await t.sql("SELECT id FROM groups WHERE path = 'python-group'")).toEqual([]);
    expect(await t.sql("SELECT id FROM users WHERE username LIKE 'pyuser%'")).toHaveLength(5);
    expect(await t.sql("SELECT event_name FROM audit_events WHERE event_name IN ('user_blocked', 'user_unblocked', 'personal_access_token_revoked', 'group_deleted') ORDER BY id")).toEqual([
      { event_name: 'user_blocked' },
      { event_name: 'user_unblocked' },
      { event_name: 'personal_access_token_revoked' },
      { event_name: 'group_deleted' },
    ]);
  }, 180_000);
});
