import { Gitlab } from '@gitbeaker/rest';
import { setUpGroup } from '../../support/fixtures.js';
import { provision } from '../../support/admin-people.js';
import { freePort } from '../../support/server-process.js';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../../support/test-app.js';

/**
 * Roster driven by gitbeaker (@gitbeaker/rest), the JavaScript client GitLab scripts use: each call
 * as a script would make it, its answer checked, and what it changed checked in the database.
 * Roster listens on a real port with BASE_URL naming it, as gitbeaker follows absolute Link URLs.
 */
describe('gitbeaker against Roster', () => {
  let t: TestApp;
  let api: InstanceType<typeof Gitlab>;
  let g: Awaited<ReturnType<typeof setUpGroup>>;
  let provisionedId: number;
  const userIds: number[] = [];

  beforeAll(async () => {
    const port = await freePort();
    t = await startTestApp({ PORT: String(port), BASE_URL: `http://127.0.0.1:${port}` });
    api = new Gitlab({ host: t.config.baseUrl, token: ADMIN_TOKEN });
    g = await setUpGroup(t, 'beaker-acme');
    provisionedId = (await provision(t, g, { externalId: 'beaker-provisioned@acme.test' })).userId;
    for (let n = 0; n < 4; n++) {
      const user = await api.Users.create({ username: `beaker${n}`, name: `Beaker Person ${n}`, email: `beaker${n}@people.test` });
      userIds.push(user.id);
    }
  });
  afterAll(async () => t.close());

  it('reads the current user', async () => {
    expect(await api.Users.showCurrentUser()).toEqual(expect.objectContaining({ username: 'root', is_admin: true }));
  });

  it('finds users by username and by extern_uid + provider, and nobody for an unknown provider', async () => {
    expect((await api.Users.all({ username: 'BEAKER1' })).map((u) => u.id)).toEqual([userIds[1]]);
    expect((await api.Users.all({ externUid: 'beaker-provisioned@acme.test', provider: 'group_saml' })).map((u) => u.id)).toEqual([provisionedId]);
    expect(await api.Users.all({ externUid: 'beaker-provisioned@acme.test', provider: 'ldapmain' })).toEqual([]);
    expect((await api.Users.all({ search: 'Beaker Person 2' })).map((u) => u.id)).toEqual([userIds[2]]);
  });

  it('searches, creates, edits and removes groups', async () => {
    const created = await api.Groups.create('Beaker Made', 'beaker-made');
    expect(created).toEqual(expect.objectContaining({ path: 'beaker-made', web_url: `${t.config.baseUrl}/groups/beaker-made` }));
    expect((await api.Groups.search('beaker-ma')).map((group) => group.id)).toEqual([created.id]);
    expect(await api.Groups.search('nothing-like-this')).toEqual([]);
    await api.Groups.edit(created.id, { name: 'Beaker Renamed' });
    expect((await api.Groups.show(created.id)).name).toBe('Beaker Renamed');
    expect((await api.Groups.all()).map((group) => group.id)).toEqual(expect.arrayContaining([g.id, created.id]));
    await api.Groups.remove(created.id);
    expect(await t.sql("SELECT id FROM groups WHERE path = 'beaker-made'")).toEqual([]);
  });

  it('adds, lists (every page, with query), shows, edits and removes members; members/all too', async () => {
    for (const id of userIds) expect(await api.GroupMembers.add(g.id, 30, { userId: id })).toEqual(expect.objectContaining({ id, access_level: 30 }));
    const all = await api.GroupMembers.all(g.id, { perPage: 2, maxPages: 10 });
    expect(all.map((m) => m.id)).toEqual(expect.arrayContaining([...userIds, provisionedId]));
    expect(new Set(all.map((m) => m.id)).size).toBe(all.length);
    expect((await api.GroupMembers.all(g.id, { query: 'beaker2' })).map((m) => m.id)).toEqual([userIds[2]]);
    expect((await api.GroupMembers.all(g.id, { includeInherited: true, perPage: 100 })).map((m) => m.id)).toEqual(expect.arrayContaining(userIds));
    await api.GroupMembers.edit(g.id, userIds[1], 40);
    expect(await api.GroupMembers.show(g.id, userIds[1])).toEqual(expect.objectContaining({ access_level: 40 }));
    expect(await api.GroupMembers.show(g.id, userIds[1], { includeInherited: true })).toEqual(expect.objectContaining({ access_level: 40 }));
    await api.GroupMembers.remove(g.id, userIds[1]);
    expect(await t.sql('SELECT id FROM members WHERE group_id = ? AND user_id = ?', [g.id, userIds[1]])).toEqual([]);
  });

  it('sets an identity with Users.edit provider + extern_uid, removes it, blocks and unblocks', async () => {
    // Users.edit sends a multipart form with the keys as given (gitbeaker camel-cases only JSON bodies).
    await api.Users.edit(userIds[3], { provider: 'group_saml', extern_uid: 'beaker-set', group_id_for_saml: g.id } as never);
    expect(await t.sql('SELECT extern_uid FROM saml_identities WHERE user_id = ?', [userIds[3]])).toEqual([{ extern_uid: 'beaker-set' }]);
    await api.Users.removeAuthenticationIdentity(userIds[3], 'group_saml');
    expect(await t.sql('SELECT extern_uid FROM saml_identities WHERE user_id = ?', [userIds[3]])).toEqual([]);
    await api.Users.block(userIds[3]);
    expect((await api.Users.show(userIds[3])).state).toBe('blocked');
    expect((await api.Users.all({ blocked: true })).map((u) => u.id)).toContain(userIds[3]);
    await api.Users.unblock(userIds[3]);
    expect((await api.Users.show(userIds[3])).state).toBe('active');
  });

  it('lists audit events by entity and reads one', async () => {
    const events = await api.AuditEvents.all({ entityType: 'Group', entityId: g.id, perPage: 100, maxPages: 1 });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.entity_type === 'Group' && e.entity_id === g.id)).toBe(true);
    expect((await api.AuditEvents.show(events[0].id)).id).toBe(events[0].id);
    expect((await api.AuditEvents.show(events[0].id, { groupId: g.id })).id).toBe(events[0].id);
    expect((await api.AuditEvents.all({ groupId: g.id, perPage: 5, maxPages: 1 })).every((e) => e.entity_id === g.id)).toBe(true);
  });

  it('creates, lists, shows and revokes personal access tokens', async () => {
    const created = await api.PersonalAccessTokens.create(userIds[0], 'beaker', ['api']);
    expect(created.token).toMatch(/^roster_pat_/);
    const asPerson = new Gitlab({ host: t.config.baseUrl, token: created.token as string });
    expect((await asPerson.PersonalAccessTokens.show()).id).toBe(created.id);
    expect((await asPerson.PersonalAccessTokens.all()).map((p) => p.id)).toEqual([created.id]);
    await asPerson.PersonalAccessTokens.remove();
    await expect(asPerson.Users.showCurrentUser()).rejects.toThrow();
  });

  it('reads and changes SAML and SCIM identities', async () => {
    const saml = await api.GroupSAMLIdentities.all(g.id, {});
    expect(saml).toContainEqual({ extern_uid: 'beaker-provisioned@acme.test', user_id: provisionedId });
    const scim = await api.GroupSCIMIdentities.all(g.id, {});
    expect(scim).toContainEqual({ extern_uid: 'beaker-provisioned@acme.test', user_id: provisionedId, active: true });
    await api.GroupSAMLIdentities.edit(g.id, 'beaker-provisioned@acme.test', { externUid: 'beaker-moved' } as never);
    expect(await t.sql('SELECT extern_uid FROM saml_identities WHERE user_id = ?', [provisionedId])).toEqual([{ extern_uid: 'beaker-moved' }]);
    await api.GroupSCIMIdentities.edit(g.id, 'beaker-provisioned@acme.test', { externUid: 'beaker-scim-moved' } as never);
    expect(await t.sql('SELECT extern_uid FROM scim_identities WHERE user_id = ?', [provisionedId])).toEqual([{ extern_uid: 'beaker-scim-moved' }]);
  });
});
