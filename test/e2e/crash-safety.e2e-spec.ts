import { jest } from '@jest/globals';
import { oktaUser } from '../support/fixtures.js';
import { rawQuery } from '../support/raw-database.js';
import { ensureBuilt, freePort, ServerProcess, setUpGroupOverHttp, startServer } from '../support/server-process.js';
import { createTestDatabase, TestDatabase } from '../support/test-database.js';

const ADMIN = 'roster_pat_crash-test-admin-0123456789abcdef';

/**
 * quality.md "Crash safety": SIGKILL the server in the middle of a create load; after a restart
 * every user that got a 201 is there, and nobody is half-provisioned.
 */
describe('crash safety', () => {
  let database: TestDatabase;
  let server: ServerProcess | undefined;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    ensureBuilt();
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await server?.kill('SIGKILL');
    await database.drop();
  });

  it('keeps every acknowledged user and no partial provisioning after SIGKILL under create load', async () => {
    const port = await freePort();
    const env = { DATABASE_URL: database.url, ADMIN_TOKEN: ADMIN, PORT: String(port), BASE_URL: `http://127.0.0.1:${port}` };
    server = await startServer(env);
    const { scimToken } = await setUpGroupOverHttp(server, ADMIN, 'crash');
    const scimHeaders = { Authorization: `Bearer ${scimToken}`, 'Content-Type': 'application/scim+json' };

    const acknowledged: string[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const person = oktaUser();
        try {
          const res = await fetch(`${server!.url}/api/scim/v2/groups/crash/Users`, { method: 'POST', headers: scimHeaders, body: JSON.stringify(person) });
          if (res.status === 201) acknowledged.push(person.externalId);
          else if (res.status >= 500) throw new Error(`server error ${res.status}`);
        } catch (error) {
          if (!stop) {
            // The kill happened while this request was in flight: it was never acknowledged.
            if ((error as Error).message.startsWith('server error')) throw error;
          }
          return;
        }
      }
    };
    const workers = Array.from({ length: 16 }, () => worker());
    const started = Date.now();
    while (acknowledged.length < 150 && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 10));
    await server.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);

    server = await startServer(env);
    for (const id of acknowledged) {
      const res = await fetch(`${server.url}/api/scim/v2/groups/crash/Users/${encodeURIComponent(id)}`, { headers: scimHeaders });
      expect({ id, status: res.status }).toEqual({ id, status: 200 });
    }
    await server.kill('SIGTERM');
    server = undefined;

    // Nobody half-provisioned: every SCIM-created account has its identities, membership and audit event.
    const broken = await rawQuery(
      database.url,
      `SELECT u.id FROM users u
         WHERE u.is_admin = ? AND (
           NOT EXISTS (SELECT 1 FROM scim_identities i WHERE i.user_id = u.id)
           OR NOT EXISTS (SELECT 1 FROM saml_identities s WHERE s.user_id = u.id)
           OR NOT EXISTS (SELECT 1 FROM members m WHERE m.user_id = u.id)
           OR NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.target_id = u.id AND a.event_name = 'user_provisioned_by_scim'))`,
      [database.kind === 'postgres' ? false : 0],
    );
    expect(broken).toEqual([]);
    // Every change that committed is in the SCIM request log: its row committed with it, so the
    // kill, which lost the batched rows of reads, lost none of a change (database/README.md).
    const unlogged = await rawQuery(
      database.url,
      `SELECT i.extern_uid FROM scim_identities i WHERE NOT EXISTS (
         SELECT 1 FROM scim_requests r WHERE r.method = 'POST' AND r.status = 201 AND r.external_id_lower = i.extern_uid_lower)`,
    );
    expect(unlogged).toEqual([]);
    const [{ n: logged }] = await rawQuery<{ n: number | string }>(database.url, "SELECT COUNT(*) AS n FROM scim_requests WHERE method = 'POST' AND status = 201");
    const [{ n: identities }] = await rawQuery<{ n: number | string }>(database.url, 'SELECT COUNT(*) AS n FROM scim_identities');
    expect(Number(logged)).toBe(Number(identities));
    const orphans = await rawQuery(database.url, 'SELECT i.id FROM scim_identities i WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = i.user_id)');
    expect(orphans).toEqual([]);
    const provisioned = await rawQuery<{ n: number | string }>(database.url, 'SELECT COUNT(*) AS n FROM scim_identities');
    expect(Number(provisioned[0].n)).toBeGreaterThanOrEqual(acknowledged.length);
  });
});
