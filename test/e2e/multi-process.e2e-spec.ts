import { jest } from '@jest/globals';
import { IDP_CERT, IDP_SSO_URL, oktaUser, SCIM_JSON } from '../support/fixtures.js';
import { rawQuery } from '../support/raw-database.js';
import { ServerProcess, startRosterProcesses } from '../support/server-process.js';
import { TestDatabase, usingPostgres } from '../support/test-database.js';

const ADMIN = 'roster_pat_multi-process-admin-0123456789abcdef';
const PEOPLE = 200;

/**
 * quality.md "Concurrent duplicates … the same with two Roster processes on one PostgreSQL": the
 * database, not process memory, decides who wins, so an IdP retrying through a load balancer never
 * creates a person twice.
 */
const suite = usingPostgres() ? describe : describe.skip;
if (!usingPostgres()) {
  console.log('multi-process: skipped — two Roster processes need a shared PostgreSQL; run with TEST_DATABASE_URL=postgres://…');
}

suite('two Roster processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let servers: ServerProcess[] = [];
  let stop: (() => Promise<void>) | undefined;
  jest.setTimeout(180_000);

  beforeAll(async () => {
    ({ database, servers, stop } = await startRosterProcesses(2, { ADMIN_TOKEN: ADMIN }));
  });
  afterAll(async () => stop?.());

  async function adminCall(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${servers[0].url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as Record<string, unknown>;
  }

  it('provisions each of 200 people POSTed to both processes at once exactly once: one 201, one 409, one account, one audit event', async () => {
    const group = await adminCall('POST', '/api/v4/groups', { name: 'Two Processes', path: 'two-processes' });
    await adminCall('PUT', `/api/v4/groups/${group.id}/saml_provider`, { enabled: true, sso_url: IDP_SSO_URL, certificate: IDP_CERT });
    const { scim_token: token } = await adminCall('POST', `/api/v4/groups/${group.id}/scim_token`);
    const people = Array.from({ length: PEOPLE }, () => oktaUser());

    const post = async (server: ServerProcess, person: Record<string, unknown>) => {
      const response = await fetch(`${server.url}/api/scim/v2/groups/two-processes/Users`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token as string}`, 'Content-Type': SCIM_JSON },
        body: JSON.stringify(person),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const outcomes = await Promise.all(people.map((person) => Promise.all(servers.map((server) => post(server, person)))));

    const serverErrors = outcomes.flat().filter((o) => o.status >= 500);
    expect(serverErrors).toEqual([]);
    outcomes.forEach((pair, i) => {
      expect({ person: people[i].externalId, statuses: pair.map((o) => o.status).sort() }).toEqual({ person: people[i].externalId, statuses: [201, 409] });
      expect(pair.find((o) => o.status === 409)!.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
    });

    const emails = people.map((p) => (p.emails as { value: string }[])[0].value.toLowerCase());
    const uids = people.map((p) => String(p.externalId).toLowerCase());
    const inList = (n: number) => Array.from({ length: n }, () => '?').join(', ');
    const users = await rawQuery<{ id: number; email_lower: string }>(database.url, `SELECT id, email_lower FROM users WHERE email_lower IN (${inList(PEOPLE)})`, emails);
    expect(users).toHaveLength(PEOPLE);
    expect(new Set(users.map((u) => u.email_lower)).size).toBe(PEOPLE);

    const duplicates = await rawQuery(
      database.url,
      `SELECT 'scim' AS kind, extern_uid_lower AS uid, COUNT(*) AS n FROM scim_identities WHERE group_id = ? GROUP BY extern_uid_lower HAVING COUNT(*) > 1
       UNION ALL SELECT 'scim_user', CAST(user_id AS VARCHAR), COUNT(*) FROM scim_identities WHERE group_id = ? GROUP BY user_id HAVING COUNT(*) > 1
       UNION ALL SELECT 'saml', extern_uid, COUNT(*) FROM saml_identities WHERE group_id = ? GROUP BY extern_uid HAVING COUNT(*) > 1
       UNION ALL SELECT 'saml_user', CAST(user_id AS VARCHAR), COUNT(*) FROM saml_identities WHERE group_id = ? GROUP BY user_id HAVING COUNT(*) > 1
       UNION ALL SELECT 'member', CAST(user_id AS VARCHAR), COUNT(*) FROM members WHERE group_id = ? GROUP BY user_id HAVING COUNT(*) > 1`,
      [group.id, group.id, group.id, group.id, group.id],
    );
    expect(duplicates).toEqual([]);

    const identities = await rawQuery<{ user_id: number; extern_uid_lower: string; active: boolean }>(
      database.url,
      `SELECT user_id, extern_uid_lower, active FROM scim_identities WHERE group_id = ? AND extern_uid_lower IN (${inList(PEOPLE)})`,
      [group.id, ...uids],
    );
    expect(identities).toHaveLength(PEOPLE);
    expect(identities.every((i) => i.active)).toBe(true);
    const userIds = users.map((u) => Number(u.id));
    expect(new Set(identities.map((i) => Number(i.user_id)))).toEqual(new Set(userIds));

    const counts = await rawQuery<{ table_name: string; n: string }>(
      database.url,
      `SELECT 'saml' AS table_name, COUNT(*) AS n FROM saml_identities WHERE group_id = ? AND user_id IN (${inList(PEOPLE)})
       UNION ALL SELECT 'members', COUNT(*) FROM members WHERE group_id = ? AND user_id IN (${inList(PEOPLE)})`,
      [group.id, ...userIds, group.id, ...userIds],
    );
    expect(Object.fromEntries(counts.map((c) => [c.table_name, Number(c.n)]))).toEqual({ saml: PEOPLE, members: PEOPLE });

    const events = await rawQuery<{ target_id: number; event_name: string; n: string }>(
      database.url,
      `SELECT target_id, event_name, COUNT(*) AS n FROM audit_events
       WHERE group_id = ? AND event_name IN ('user_provisioned_by_scim', 'user_linked_by_scim', 'user_reprovisioned_by_scim', 'member_added')
       AND target_id IN (${inList(PEOPLE)}) GROUP BY target_id, event_name`,
      [group.id, ...userIds],
    );
    const provisioned = events.filter((e) => e.event_name === 'user_provisioned_by_scim');
    expect(provisioned).toHaveLength(PEOPLE);
    expect(provisioned.every((e) => Number(e.n) === 1)).toBe(true);
    expect(events.filter((e) => e.event_name === 'member_added').map((e) => Number(e.n))).toEqual(Array(PEOPLE).fill(1));
    expect(events.filter((e) => e.event_name !== 'user_provisioned_by_scim' && e.event_name !== 'member_added')).toEqual([]);

    // Both processes stayed healthy through the race.
    for (const server of servers) expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
