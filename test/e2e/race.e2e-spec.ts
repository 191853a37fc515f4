import { jest } from '@jest/globals';
import { IDP_CERT, IDP_SSO_URL, oktaUser, SCIM_JSON } from '../support/fixtures.js';
import { rawQuery } from '../support/raw-database.js';
import { ServerProcess, startRosterProcesses } from '../support/server-process.js';
import { TestDatabase, usingPostgres } from '../support/test-database.js';

const ADMIN = 'roster_pat_race-tests-admin-0123456789abcdef';
const ROUNDS = 15;

/**
 * The race tests of src/database/README.md: each rule that reads and then writes, hit by requests
 * sent at the same moment, gives the answer it gives one request at a time. On PostgreSQL the
 * requests go through two Roster processes sharing the database (how big users run Roster); on
 * SQLite, through the one process a SQLite file is served by.
 */
describe(`races (${usingPostgres() ? 'PostgreSQL, two Roster processes' : 'SQLite, one Roster process'})`, () => {
  let database: TestDatabase;
  let servers: ServerProcess[] = [];
  let stop: (() => Promise<void>) | undefined;
  jest.setTimeout(300_000);

  beforeAll(async () => {
    ({ database, servers, stop } = await startRosterProcesses(usingPostgres() ? 2 : 1, { ADMIN_TOKEN: ADMIN }));
  });
  afterAll(async () => stop?.());

  /** The i-th request of a race goes to the i-th process (round robin). */
  const server = (i: number) => servers[i % servers.length];

  async function call(i: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${server(i).url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as Record<string, unknown>), etag: response.headers.get('etag') };
  }

  async function ok(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await call(0, method, path, body);
    if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(response.body)}`);
    return response.body!;
  }

  let sequence = 0;
  async function scimGroup(): Promise<{ id: number; path: string; token: string }> {
    const path = `race-${++sequence}-${Date.now().toString(36)}`;
    const group = await ok('POST', '/api/v4/groups', { name: path, path });
    await ok('PUT', `/api/v4/groups/${group.id}/saml_provider`, { enabled: true, sso_url: IDP_SSO_URL, certificate: IDP_CERT });
    const { scim_token: token } = await ok('POST', `/api/v4/groups/${group.id}/scim_token`);
    return { id: Number(group.id), path, token: token as string };
  }

  const scim = (i: number, group: { path: string; token: string }, method: string, resource: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(i, method, `/api/scim/v2/groups/${group.path}/${resource}`, body, { Authorization: `Bearer ${group.token}`, 'Content-Type': SCIM_JSON, ...headers });

  it(`two Owners removed at once: exactly one 204 and one 412, never a group without an Owner (${ROUNDS} rounds)`, async () => {
    const outcomes: number[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const path = `owners-${round}-${Date.now().toString(36)}`;
      const group = await ok('POST', '/api/v4/groups', { name: path, path });
      const owners: number[] = [];
      for (const n of [1, 2]) {
        const user = await ok('POST', '/api/v4/users', { username: `${path}-o${n}`, name: `Owner ${n}`, email: `${path}-o${n}@race.test` });
        await ok('POST', `/api/v4/groups/${group.id}/members`, { user_id: user.id, access_level: 50 });
        owners.push(Number(user.id));
      }
      // The group's creator is an Owner too: demote it, so exactly two Owners remain.
      const [creator] = await rawQuery<{ user_id: number }>(database.url, 'SELECT user_id FROM members WHERE group_id = ? AND user_id NOT IN (?, ?)', [group.id, ...owners]);
      if (creator) await ok('PUT', `/api/v4/groups/${group.id}/members/${creator.user_id}`, { access_level: 30 });

      const results = await Promise.all(owners.map((owner, i) => call(i, 'DELETE', `/api/v4/groups/${group.id}/members/${owner}`)));
      outcomes.push(results.map((r) => r.status).sort());
      const [{ n }] = await rawQuery<{ n: string }>(database.url, 'SELECT COUNT(*) AS n FROM members WHERE group_id = ? AND access_level = 50', [group.id]);
      expect({ round, owners: Number(n) }).toEqual({ round, owners: 1 });
      const removed = await rawQuery(database.url, "SELECT id FROM audit_events WHERE group_id = ? AND event_name = 'member_removed'", [group.id]);
      expect({ round, removedEvents: removed.length }).toEqual({ round, removedEvents: 1 });
    }
    expect(outcomes).toEqual(Array(ROUNDS).fill([204, 412]));
  });

  it(`two PATCHes with the same ETag: exactly one success and one 412, and the stored value is the winner's (${ROUNDS} rounds)`, async () => {
    const group = await scimGroup();
    for (let round = 0; round < ROUNDS; round++) {
      const created = await scim(0, group, 'POST', 'Users', oktaUser());
      expect(created.status).toBe(201);
      const id = created.body!.id as string;
      const names = ['First Writer', 'Second Writer'];
      const results = await Promise.all(
        names.map((displayName, i) =>
          scim(
            i,
            group,
            'PATCH',
            `Users/${id}`,
            { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: displayName }] },
            { 'If-Match': created.etag! },
          ),
        ),
      );
      // A PATCH answers 204 (GitLab's answer, which IdPs expect) or 200 with the resource.
      expect({ round, statuses: results.map((r) => (r.status === 200 ? 204 : r.status)).sort() }).toEqual({ round, statuses: [204, 412] });
      const winner = names[results.findIndex((r) => r.status < 300)];
      const stored = await scim(0, group, 'GET', `Users/${id}`);
      expect(stored.body!.displayName).toBe(winner);
      expect(stored.etag).toBe('W/"2"');
    }
  });

  it('50 concurrent creates of different people in one group: 50 × 201, no serialization error reaches a client', async () => {
    const group = await scimGroup();
    const people = Array.from({ length: 50 }, () => oktaUser());
    const results = await Promise.all(people.map((person, i) => scim(i, group, 'POST', 'Users', person)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const [{ n }] = await rawQuery<{ n: string }>(database.url, 'SELECT COUNT(*) AS n FROM scim_identities WHERE group_id = ?', [group.id]);
    expect(Number(n)).toBe(50);
    const listed = await scim(0, group, 'GET', 'Users?count=1');
    expect(listed.body!.totalResults).toBe(50);
  });

  it(`50 concurrent POSTs of the same person: one 201, the rest 409, one account (${3} people)`, async () => {
    const group = await scimGroup();
    for (let round = 0; round < 3; round++) {
      const person = oktaUser();
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => scim(i, group, 'POST', 'Users', person)));
      const statuses = results.map((r) => r.status);
      expect({ created: statuses.filter((s) => s === 201).length, conflicts: statuses.filter((s) => s === 409).length }).toEqual({ created: 1, conflicts: 49 });
      const email = (person.emails as { value: string }[])[0].value.toLowerCase();
      expect(await rawQuery(database.url, 'SELECT id FROM users WHERE email_lower = ?', [email])).toHaveLength(1);
      expect(await rawQuery(database.url, 'SELECT id FROM scim_identities WHERE group_id = ? AND extern_uid_lower = ?', [group.id, String(person.externalId).toLowerCase()])).toHaveLength(1);
    }
  });

  it(`deprovision and reactivate of one person at once: identity, membership and audit agree (${ROUNDS} rounds)`, async () => {
    const group = await scimGroup();
    const active = (value: boolean) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value }] });
    for (let round = 0; round < ROUNDS; round++) {
      const created = await scim(0, group, 'POST', 'Users', oktaUser());
      const id = created.body!.id as string;
      // Start from the state opposite to the request that lands last on each path, alternating.
      if (round % 2 === 1) expect((await scim(0, group, 'PATCH', `Users/${id}`, active(false))).status).toBe(204);
      const results = await Promise.all([scim(0, group, 'PATCH', `Users/${id}`, active(false)), scim(1, group, 'PATCH', `Users/${id}`, active(true))]);
      expect(results.map((r) => r.status)).toEqual([204, 204]);
      const [identity] = await rawQuery<{ active: boolean | number; user_id: number; version: number }>(
        database.url,
        'SELECT active, user_id, version FROM scim_identities WHERE group_id = ? AND extern_uid_lower = ?',
        [group.id, id.toLowerCase()],
      );
      const isActive = identity.active === true || identity.active === 1;
      const members = await rawQuery(database.url, 'SELECT id FROM members WHERE group_id = ? AND user_id = ?', [group.id, identity.user_id]);
      expect({ round, isActive, member: members.length === 1 }).toEqual({ round, isActive, member: isActive });
      const [last] = await rawQuery<{ event_name: string }>(
        database.url,
        "SELECT event_name FROM audit_events WHERE group_id = ? AND target_id = ? AND event_name IN ('user_deprovisioned_by_scim', 'user_reprovisioned_by_scim', 'user_provisioned_by_scim') ORDER BY id DESC LIMIT 1",
        [group.id, identity.user_id],
      );
      expect({ round, last: last.event_name }).toEqual({ round, last: isActive ? expect.stringMatching(/provisioned_by_scim$/) : 'user_deprovisioned_by_scim' });
      if (isActive) expect(last.event_name).not.toBe('user_deprovisioned_by_scim');
      const stored = await scim(0, group, 'GET', `Users/${id}`);
      expect(stored.body!.active).toBe(isActive);
      expect(stored.etag).toBe(`W/"${identity.version}"`);
    }
  });

  it('two SCIM token regenerations at once: both succeed, exactly one token is live and it is the one handed out last', async () => {
    const group = await scimGroup();
    for (let round = 0; round < ROUNDS; round++) {
      const results = await Promise.all([0, 1].map((i) => call(i, 'POST', `/api/v4/groups/${group.id}/scim_token`)));
      expect({ round, statuses: results.map((r) => r.status) }).toEqual({ round, statuses: [201, 201] });
      const live = await rawQuery(database.url, 'SELECT id FROM scim_tokens WHERE group_id = ? AND revoked_at IS NULL', [group.id]);
      expect({ round, live: live.length }).toEqual({ round, live: 1 });
      const working = await Promise.all(results.map((r) => scim(0, { path: group.path, token: r.body!.scim_token as string }, 'GET', 'Users?count=1')));
      expect(working.map((w) => w.status).sort()).toEqual([200, 401]);
    }
  });

  it(`two partial SAML settings saves at once on a new group: both 200, one row holding both changes (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const path = `saml-${round}-${Date.now().toString(36)}`;
      const group = await ok('POST', '/api/v4/groups', { name: path, path });
      const results = await Promise.all([
        call(0, 'PUT', `/api/v4/groups/${group.id}/saml_provider`, { enabled: true, sso_url: IDP_SSO_URL, certificate: IDP_CERT }),
        call(1, 'PUT', `/api/v4/groups/${group.id}/saml_provider`, { default_membership_role: 30 }),
      ]);
      expect({ round, statuses: results.map((r) => r.status) }).toEqual({ round, statuses: [200, 200] });
      const rows = await rawQuery<{ enabled: boolean | number; default_membership_role: number }>(database.url, 'SELECT enabled, default_membership_role FROM saml_providers WHERE group_id = ?', [
        group.id,
      ]);
      expect({ round, rows: rows.map((r) => ({ enabled: r.enabled === true || r.enabled === 1, role: Number(r.default_membership_role) })) }).toEqual({
        round,
        rows: [{ enabled: true, role: 30 }],
      });
    }
  });

  it('every process stayed healthy through the races', async () => {
    for (const s of servers) expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });
});
