import { jest } from '@jest/globals';
import { IDP_CERT, IDP_SSO_URL, oktaUser, SCIM_JSON } from '../support/fixtures.js';
import { Prng } from '../support/prng.js';
import { rawQuery } from '../support/raw-database.js';
import { ServerProcess, startRosterProcesses } from '../support/server-process.js';
import { TestDatabase, usingPostgres } from '../support/test-database.js';

const ADMIN = 'roster_pat_group-sync-race-admin-0123456789';
const ROUNDS = Number(process.env.GROUP_SYNC_RACE_ROUNDS ?? 15);
const REQUESTS_PER_ROUND = 8;
const LINKS = { Developers: 30, Maintainers: 40 } as const;
const BASE_ROLE = 10;
const OWNER = 50;

/**
 * Group sync is the most concurrent writer (docs/group-sync.md): SCIM PATCHes on two SCIM groups,
 * both linked to one Roster group, adding and removing the same people at the same moment. On
 * PostgreSQL they go through two Roster processes sharing the database. Whatever the interleaving,
 * each person ends with the role the final SCIM memberships imply, and the only Owner stays Owner.
 */
describe(`group sync races (${usingPostgres() ? 'PostgreSQL, two Roster processes' : 'SQLite, one Roster process'})`, () => {
  let database: TestDatabase;
  let servers: ServerProcess[] = [];
  let stop: (() => Promise<void>) | undefined;
  jest.setTimeout(600_000);

  beforeAll(async () => {
    ({ database, servers, stop } = await startRosterProcesses(usingPostgres() ? 2 : 1, { ADMIN_TOKEN: ADMIN }));
  });
  afterAll(async () => stop?.());

  async function call(i: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${servers[i % servers.length].url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as Record<string, unknown>) };
  }

  async function ok(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, i = 0): Promise<Record<string, unknown>> {
    const response = await call(i, method, path, body, headers);
    if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(response.body)}`);
    return response.body ?? {};
  }

  it(`concurrent PATCHes across two linked SCIM groups end in the role the final memberships imply; the last Owner survives (${ROUNDS} rounds)`, async () => {
    const path = `sync-race-${Date.now().toString(36)}`;
    const group = await ok('POST', '/api/v4/groups', { name: path, path });
    const groupId = Number(group.id);
    await ok('PUT', `/api/v4/groups/${groupId}/saml_provider`, { enabled: true, sso_url: IDP_SSO_URL, certificate: IDP_CERT });
    const { scim_token: token } = await ok('POST', `/api/v4/groups/${groupId}/scim_token`);
    const scimHeaders = { Authorization: `Bearer ${token as string}`, 'Content-Type': SCIM_JSON };
    const base = `/api/scim/v2/groups/${path}`;
    for (const [name, level] of Object.entries(LINKS)) await ok('POST', `/api/v4/groups/${groupId}/saml_group_links`, { saml_group_name: name, access_level: level });

    // Five people provisioned by SCIM (base role: the default, Guest); the first becomes the only Owner.
    const people: { uid: string; userId: number }[] = [];
    for (let n = 0; n < 5; n++) {
      const created = await ok('POST', `${base}/Users`, oktaUser(), scimHeaders);
      const [row] = await rawQuery<{ user_id: number }>(database.url, 'SELECT user_id FROM scim_identities WHERE group_id = ? AND extern_uid = ?', [groupId, created.id]);
      people.push({ uid: created.id as string, userId: Number(row.user_id) });
    }
    const owner = people[0];
    await ok('PUT', `/api/v4/groups/${groupId}/members/${owner.userId}`, { access_level: OWNER });
    const others = await rawQuery<{ user_id: number }>(database.url, 'SELECT user_id FROM members WHERE group_id = ? AND access_level = 50 AND user_id <> ?', [groupId, owner.userId]);
    for (const { user_id } of others) await ok('DELETE', `/api/v4/groups/${groupId}/members/${user_id}`);

    const scimGroups: Record<string, string> = {};
    for (const name of Object.keys(LINKS)) scimGroups[name] = (await ok('POST', `${base}/Groups`, { displayName: name, members: [] }, scimHeaders)).id as string;

    const prng = new Prng(20261205);
    const mismatches: string[] = [];
    let statuses: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const requests = Array.from({ length: REQUESTS_PER_ROUND }, () => {
        const name = prng.pick(Object.keys(LINKS));
        const who = people.filter(() => prng.chance(0.5)).map((p) => ({ value: p.uid }));
        const target = who.length > 0 ? who : [{ value: prng.pick(people).uid }];
        const op = prng.chance(0.5) ? { op: 'Add', path: 'members', value: target } : { op: 'Remove', path: 'members', value: target };
        return { name, op };
      });
      const answers = await Promise.all(
        requests.map((r, i) => call(i, 'PATCH', `${base}/Groups/${scimGroups[r.name]}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [r.op] }, scimHeaders)),
      );
      statuses = statuses.concat(answers.map((a) => a.status));

      // What the final memberships imply.
      const memberships = await rawQuery<{ name: string; user_id: number }>(
        database.url,
        'SELECT g.display_name AS name, i.user_id FROM scim_group_members m JOIN scim_groups g ON g.id = m.scim_group_id JOIN scim_identities i ON i.id = m.identity_id WHERE g.group_id = ?',
        [groupId],
      );
      const rows = await rawQuery<{ user_id: number; access_level: number; role_source: string }>(database.url, 'SELECT user_id, access_level, role_source FROM members WHERE group_id = ?', [
        groupId,
      ]);
      const actual = new Map(rows.map((r) => [Number(r.user_id), Number(r.access_level)]));
      for (const person of people) {
        const levels = memberships.filter((m) => Number(m.user_id) === person.userId).map((m) => LINKS[m.name as keyof typeof LINKS]);
        const expected = person === owner ? OWNER : levels.length > 0 ? Math.max(...levels) : BASE_ROLE;
        if (actual.get(person.userId) !== expected) mismatches.push(`round ${round}: user ${person.userId} has ${actual.get(person.userId)}, memberships imply ${expected}`);
      }
      const owners = rows.filter((r) => Number(r.access_level) === OWNER).length;
      if (owners !== 1) mismatches.push(`round ${round}: ${owners} Owners`);
    }
    console.log(`group sync race: ${ROUNDS} rounds × ${REQUESTS_PER_ROUND} concurrent PATCHes over ${servers.length} process(es); statuses ${JSON.stringify(countBy(statuses))}`);
    expect(mismatches).toEqual([]);
    expect(statuses.every((s) => s === 204)).toBe(true);
    // The audit trail agrees with the last state: every role change was recorded.
    const changes = await rawQuery<{ n: number }>(database.url, "SELECT COUNT(*) AS n FROM audit_events WHERE group_id = ? AND event_name LIKE 'member_%_by_group_sync'", [groupId]);
    expect(Number(changes[0].n)).toBeGreaterThan(0);
  });
});

function countBy(values: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
