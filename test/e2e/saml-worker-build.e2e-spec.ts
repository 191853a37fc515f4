import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { projectRoot } from '../../src/project-root.js';
import { IDP_CERT, IDP_SSO_URL } from '../support/fixtures.js';
import { ensureBuilt, freePort, ServerProcess, startServer } from '../support/server-process.js';
import { createTestDatabase, TestDatabase } from '../support/test-database.js';
import { groupSp, samlResponse } from '../support/test-idp.js';

const ADMIN = 'roster_pat_worker-build-admin-0123456789abcdef';

/**
 * The SAML validation workers as `npm start` runs them: the built server loads the compiled
 * worker entry from dist/ (under jest the pool transpiles it from the sources instead, so only a
 * built server proves the shipped path works).
 */
describe('SAML validation workers in the built server', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  jest.setTimeout(180_000);

  beforeAll(async () => {
    try {
      ensureBuilt();
    } catch (error) {
      if (!existsSync(join(projectRoot(), 'dist/src/main.js'))) throw error;
      console.warn(`saml-worker-build: the build reported errors, using the emitted dist/: ${String(error)}`);
    }
    database = await createTestDatabase();
    const port = await freePort();
    server = await startServer({ DATABASE_URL: database.url, ADMIN_TOKEN: ADMIN, PORT: String(port), BASE_URL: `http://127.0.0.1:${port}`, SAML_VALIDATION_WORKERS: '1' });
  });

  afterAll(async () => {
    await server?.kill('SIGKILL');
    await database?.drop();
  });

  async function adminCall(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as Record<string, unknown>;
  }

  it('validates responses in a worker: a valid one reaches the sign-in decision, a wrongly signed one is refused for its signature', async () => {
    const group = await adminCall('POST', '/api/v4/groups', { name: 'Worker Build', path: 'worker-build' });
    await adminCall('PUT', `/api/v4/groups/${group.id}/saml_provider`, { enabled: true, sso_url: IDP_SSO_URL, certificate: IDP_CERT });
    const sp = groupSp(server.url, 'worker-build');
    const post = async (SAMLResponse: string) => {
      const res = await fetch(`${server.url}${sp.acsPath}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ SAMLResponse }),
        redirect: 'manual',
      });
      return { status: res.status, text: await res.text() };
    };

    // Valid and signed by the group's IdP, for nobody Roster knows: validation passed, the decision refuses.
    const valid = await post(samlResponse(sp, { nameId: 'nobody-here', email: 'nobody@worker.test' }));
    expect(valid.status).toBe(403);
    expect(valid.text).toContain('<code>no_account</code>');

    const forged = await post(samlResponse(sp, { nameId: 'nobody-here', key: 'other' }));
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('<code>invalid_signature</code>');
    expect(server.output()).not.toMatch(/error/i);
  });
});
