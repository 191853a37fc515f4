import { adminAuth, auth, setUpGroup } from '../support/fixtures.js';
import { addMember, createPerson, provision } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/** GitLab endpoints scripts call that Roster answers with GitLab's paths, statuses and messages. */
describe('GitLab admin endpoints', () => {
  let t: TestApp;
  let g: Awaited<ReturnType<typeof setUpGroup>>;
  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'endpoints-acme');
  });
  afterAll(async () => t.close());

  const events = (name: string, targetId: number) =>
    t.sql<{ details: string; author_id: number }>('SELECT details, author_id FROM audit_events WHERE event_name = ? AND target_id = ? ORDER BY id', [name, targetId]);
  const samlOf = (userId: number) => t.sql<{ group_id: number | null; extern_uid: string }>('SELECT group_id, extern_uid FROM saml_identities WHERE user_id = ? ORDER BY id', [userId]);

  it('answers members/all and members/all/:user_id like the members list (no inherited members in Roster)', async () => {
    const person = await createPerson(t, 'allmember');
    await addMember(t, g.id, person.id, 30);
    const direct = await t.http().get(`/api/v4/groups/${g.id}/members`).set(adminAuth).expect(200);
    const all = await t.http().get(`/api/v4/groups/${g.id}/members/all`).set(adminAuth).expect(200);
    expect(all.body).toEqual(direct.body);
    expect((await t.http().get(`/api/v4/groups/${g.id}/members/all/${person.id}`).set(adminAuth).expect(200)).body).toEqual(expect.objectContaining({ id: person.id, access_level: 30 }));
    await t.http().get(`/api/v4/groups/${g.id}/members/all/999999`).set(adminAuth).expect(404);
  });

  it('adds and fixes an identity with PUT /users/:id provider + extern_uid, through the SAML rules, audited', async () => {
    const person = await createPerson(t, 'identified');
    const res = await t.http().put(`/api/v4/users/${person.id}`).set(adminAuth).send({ provider: 'group_saml', extern_uid: 'admin-set-1', group_id_for_saml: g.id }).expect(200);
    expect(res.body.identities).toEqual([expect.objectContaining({ provider: 'group_saml', extern_uid: 'admin-set-1', group_id: g.id })]);
    expect(await samlOf(person.id)).toEqual([{ group_id: g.id, extern_uid: 'admin-set-1' }]);
    await t.http().put(`/api/v4/users/${person.id}`).set(adminAuth).type('form').send(`provider=group_saml&extern_uid=admin-set-2&group_id_for_saml=${g.id}`).expect(200);
    expect(await samlOf(person.id)).toEqual([{ group_id: g.id, extern_uid: 'admin-set-2' }]);
    expect((await events('saml_identity_linked', person.id)).map((e) => JSON.parse(e.details))).toEqual([{ extern_uid: 'admin-set-1', by: 'admin' }]);
    expect((await events('saml_identity_updated', person.id)).map((e) => JSON.parse(e.details))).toEqual([{ from: 'admin-set-1', to: 'admin-set-2' }]);

    const other = await provision(t, g, { externalId: 'held-by-other' });
    const taken = await t.http().put(`/api/v4/users/${person.id}`).set(adminAuth).send({ provider: 'group_saml', extern_uid: 'held-by-other', group_id_for_saml: g.id }).expect(400);
    expect(taken.body).toEqual({ message: 'Extern uid has already been taken' });
    expect(await samlOf(other.userId)).toEqual([{ group_id: g.id, extern_uid: 'held-by-other' }]);
    expect((await t.http().put(`/api/v4/users/${person.id}`).set(adminAuth).send({ provider: 'group_saml', extern_uid: 'x' }).expect(400)).body).toEqual({ error: 'group_id_for_saml is missing' });
    expect((await t.http().put(`/api/v4/users/${person.id}`).set(adminAuth).send({ extern_uid: 'x' }).expect(400)).body).toEqual({ error: 'provider, extern_uid provide all or none of parameters' });
    await t.http().put(`/api/v4/users/${person.id}`).set(auth(person.token)).send({ name: 'Me' }).expect(403);
    const renamed = await t.http().put(`/api/v4/users/${person.id}`).set(adminAuth).send({ name: 'Renamed Person' }).expect(200);
    expect(renamed.body.name).toBe('Renamed Person');
  });

  it('edits username, email and the admin flag with PUT /users/:id, all or nothing, every bad field told at once', async () => {
    const person = await createPerson(t, 'editable');
    const other = await createPerson(t, 'editable-other');
    const row = async () => (await t.sql<{ username: string; email: string; is_admin: unknown; name: string }>('SELECT username, email, is_admin, name FROM users WHERE id = ?', [person.id]))[0];
    const before = await row();

    const edited = await t.http().put(`/api/v4/users/${person.id}`).set(adminAuth).type('form').send('username=edited-name&email=edited%40example.com&admin=true').expect(200);
    expect(edited.body).toEqual(expect.objectContaining({ id: person.id, username: 'edited-name', email: 'edited@example.com', is_admin: true }));
    expect(await row()).toEqual(expect.objectContaining({ username: 'edited-name', email: 'edited@example.com' }));
    expect(Boolean((await row()).is_admin)).toBe(true);
    expect(JSON.parse((await events('user_updated', person.id)).at(-1)!.details)).toEqual({ changes: ['username', 'email', 'admin'] });
    await t.http().put(`/api/v4/users/${person.id}`).set(adminAuth).send({ admin: false }).expect(200);
    expect(Boolean((await row()).is_admin)).toBe(false);

    // Every invalid field in one answer; nothing stored.
    const bad = await t.http().put(`/api/v4/users/${person.id}`).set(adminAuth).send({ username: '-bad name-', email: 'not-an-email', admin: 'perhaps', name: 'Valid Name' }).expect(400);
    expect(Object.keys(bad.body.message).sort()).toEqual(['admin', 'email', 'username']);
    // Taken values: 409 with GitLab's messages, case-insensitively for the username.
    const takenName = await t.http().put(`/api/v4/users/${person.id}`).set(adminAuth).send({ username: other.username.toUpperCase(), name: 'Not Stored' }).expect(409);
    expect(takenName.body).toEqual({ message: 'Username has already been taken' });
    const otherEmail = (await t.sql<{ email: string }>('SELECT email FROM users WHERE id = ?', [other.id]))[0].email;
    expect((await t.http().put(`/api/v4/users/${person.id}`).set(adminAuth).send({ email: otherEmail }).expect(409)).body).toEqual({ message: 'Email has already been taken' });
    // A refused identity leaves the profile change of the same request unmade.
    await provision(t, g, { externalId: 'held-for-put' });
    await t.http().put(`/api/v4/users/${person.id}`).set(adminAuth).send({ name: 'Half Applied', provider: 'group_saml', extern_uid: 'held-for-put', group_id_for_saml: g.id }).expect(400);
    expect(await row()).toEqual(expect.objectContaining({ username: 'edited-name', email: 'edited@example.com', name: before.name }));

    // An admin cannot take their own admin access away (the instance could be left without one).
    const self = await t.http().get('/api/v4/user').set(adminAuth).expect(200);
    expect((await t.http().put(`/api/v4/users/${self.body.id}`).set(adminAuth).send({ admin: false }).expect(403)).body.message).toMatch(/own admin access/);
    expect((await t.http().get('/api/v4/user').set(adminAuth).expect(200)).body.is_admin).toBe(true);
  });

  it('deletes an identity with DELETE /users/:id/identities/:provider: 204, gone, audited, then 404', async () => {
    const person = await provision(t, g, { externalId: 'to-unlink' });
    await t.http().delete(`/api/v4/users/${person.userId}/identities/group_saml`).set(adminAuth).expect(204);
    expect(await samlOf(person.userId)).toEqual([]);
    expect((await events('saml_identity_deleted', person.userId)).map((e) => JSON.parse(e.details))).toEqual([{ from: 'to-unlink', to: null }]);
    expect((await t.http().delete(`/api/v4/users/${person.userId}/identities/group_saml`).set(adminAuth).expect(404)).body).toEqual({ message: '404 Identity Not Found' });
    await t.http().delete(`/api/v4/users/${person.userId}/identities/ldapmain`).set(adminAuth).expect(404);
  });

  it('blocks and unblocks: 201 true, the token stops and starts working, audited; an admin cannot block themself', async () => {
    const person = await createPerson(t, 'blockable');
    expect((await t.http().post(`/api/v4/users/${person.id}/block`).set(adminAuth).expect(201)).body).toBe(true);
    expect(await t.sql('SELECT state FROM users WHERE id = ?', [person.id])).toEqual([{ state: 'blocked' }]);
    await t.http().get('/api/v4/user').set(auth(person.token)).expect(401);
    expect((await t.http().get('/api/v4/users').query({ blocked: 'true', username: person.username }).set(adminAuth).expect(200)).body).toHaveLength(1);
    // Blocking a blocked account changes nothing: GitLab answers 201 null, and nothing is audited.
    const again = await t.http().post(`/api/v4/users/${person.id}/block`).set(adminAuth).expect(201);
    expect({ type: again.headers['content-type'], text: again.text }).toEqual({ type: 'application/json', text: 'null' });
    expect((await t.http().post(`/api/v4/users/${person.id}/unblock`).set(adminAuth).expect(201)).body).toBe(true);
    await t.http().get('/api/v4/user').set(auth(person.token)).expect(200);
    // Unblocking an active account: GitLab's unblock fails, 201 false.
    expect((await t.http().post(`/api/v4/users/${person.id}/unblock`).set(adminAuth).expect(201)).text).toBe('false');
    expect(await events('user_blocked', person.id)).toHaveLength(1);
    expect(await events('user_unblocked', person.id)).toHaveLength(1);
    await t.http().post('/api/v4/users/1/block').set(adminAuth).expect(403);
    await t.http().post(`/api/v4/users/${person.id}/block`).set(auth(person.token)).expect(403);
    await t.http().post('/api/v4/users/999999/block').set(adminAuth).expect(404);
  });

  it('reads one audit event of a group or of the instance, and no other group’s through a group', async () => {
    const other = await setUpGroup(t, 'endpoints-other');
    const [groupEvent] = await t.sql<{ id: number }>('SELECT id FROM audit_events WHERE group_id = ? ORDER BY id LIMIT 1', [g.id]);
    const [otherEvent] = await t.sql<{ id: number }>('SELECT id FROM audit_events WHERE group_id = ? ORDER BY id LIMIT 1', [other.id]);
    const one = await t.http().get(`/api/v4/groups/${g.id}/audit_events/${groupEvent.id}`).set(adminAuth).expect(200);
    expect(one.body).toEqual(expect.objectContaining({ id: Number(groupEvent.id), entity_type: 'Group', entity_id: g.id, details: expect.objectContaining({ entity_path: g.path }) }));
    expect((await t.http().get(`/api/v4/groups/${g.id}/audit_events/${otherEvent.id}`).set(adminAuth).expect(404)).body).toEqual({ message: '404 Audit Event Not Found' });
    expect((await t.http().get(`/api/v4/audit_events/${otherEvent.id}`).set(adminAuth).expect(200)).body.details.entity_path).toBe(other.path);
    const dev = await createPerson(t, 'eventdev');
    await addMember(t, g.id, dev.id, 30);
    await t.http().get(`/api/v4/groups/${g.id}/audit_events/${groupEvent.id}`).set(auth(dev.token)).expect(403);
    await t.http().get(`/api/v4/audit_events/${groupEvent.id}`).set(auth(dev.token)).expect(403);
  });

  it('lists the users the group provisioned, with GitLab’s filters', async () => {
    const provisioned = await provision(t, g, { externalId: 'prov-1' });
    const brought = await createPerson(t, 'brought');
    await addMember(t, g.id, brought.id, 30);
    const res = await t.http().get(`/api/v4/groups/${g.id}/provisioned_users`).query({ per_page: '100' }).set(adminAuth).expect(200);
    const ids = res.body.map((u: { id: number }) => u.id);
    expect(ids).toContain(provisioned.userId);
    expect(ids).not.toContain(brought.id);
    const [{ username }] = await t.sql<{ username: string }>('SELECT username FROM users WHERE id = ?', [provisioned.userId]);
    expect((await t.http().get(`/api/v4/groups/${g.id}/provisioned_users`).query({ username }).set(adminAuth).expect(200)).body.map((u: { id: number }) => u.id)).toEqual([provisioned.userId]);
    expect((await t.http().get(`/api/v4/groups/${g.id}/provisioned_users`).query({ blocked: 'true' }).set(adminAuth).expect(200)).body).toEqual([]);
  });

  it('gives personal access tokens the scopes and expiry asked for, and holds each token to them', async () => {
    const person = await createPerson(t, 'scoped');
    await addMember(t, g.id, person.id, 50);
    const create = (body: Record<string, unknown>) => t.http().post(`/api/v4/users/${person.id}/personal_access_tokens`).set(adminAuth).send(body);

    const readApi = await create({ name: 'reader', scopes: ['read_api'] }).expect(201);
    expect(readApi.body).toEqual(expect.objectContaining({ name: 'reader', scopes: ['read_api'], expires_at: null, active: true, revoked: false, user_id: person.id, token: expect.any(String) }));
    await t.http().get(`/api/v4/groups/${g.id}/members`).set(auth(readApi.body.token)).expect(200);
    const refused = await t.http().post(`/api/v4/groups/${g.id}/members`).set(auth(readApi.body.token)).send({ user_id: 1, access_level: 30 }).expect(403);
    expect(refused.body).toEqual({ error: 'insufficient_scope' });
    // The same with GitLab's PRIVATE-TOKEN header, and nothing was written.
    await t.http().post(`/api/v4/groups/${g.id}/members`).set('PRIVATE-TOKEN', readApi.body.token).send({ user_id: 1, access_level: 30 }).expect(403);
    expect(await t.sql('SELECT user_id FROM members WHERE group_id = ? AND user_id = 1 AND access_level = 30', [g.id])).toEqual([]);

    const readUser = await create({ name: 'profile', scopes: 'read_user' }).expect(201);
    expect((await t.http().get('/api/v4/user').set(auth(readUser.body.token)).expect(200)).body.id).toBe(person.id);
    await t.http().get(`/api/v4/groups/${g.id}/members`).set(auth(readUser.body.token)).expect(403);
    // Any token may read itself; a scoped token cannot open a browser session (sessions can do everything).
    expect((await t.http().get('/api/v4/personal_access_tokens/self').set(auth(readUser.body.token)).expect(200)).body.scopes).toEqual(['read_user']);
    const session = await t.http().post('/api/v4/session').send({ token: readUser.body.token });
    expect(session.status).toBe(401);
    await t.http().post('/api/v4/session').send({ token: person.token }).expect(201);

    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const expiring = await create({ name: 'short', scopes: ['api'], expires_at: tomorrow }).expect(201);
    expect(expiring.body.expires_at).toBe(tomorrow);
    await t.http().get('/api/v4/user').set(auth(expiring.body.token)).expect(200);
    // The day comes (set in the database: the clock cannot be moved under a running server).
    await t.sql('UPDATE personal_access_tokens SET expires_at = ? WHERE id = ?', [new Date().toISOString().slice(0, 10), expiring.body.id]);
    await t.http().get('/api/v4/user').set(auth(expiring.body.token)).expect(401);
    expect((await t.http().get(`/api/v4/personal_access_tokens/${expiring.body.id}`).set(adminAuth).expect(200)).body).toEqual(expect.objectContaining({ active: false, revoked: false }));

    // Bad requests: every problem at once, nothing created.
    const before = await t.sql('SELECT id FROM personal_access_tokens WHERE user_id = ?', [person.id]);
    const bad = await create({ name: '', scopes: ['sudo'], expires_at: '2020-01-01' }).expect(400);
    expect(Object.keys(bad.body.message).sort()).toEqual(['expires_at', 'name', 'scopes']);
    await create({ name: 'never', expires_at: '2026-02-30' }).expect(400);
    expect(await t.sql('SELECT id FROM personal_access_tokens WHERE user_id = ?', [person.id])).toEqual(before);
  });

  it('lists, reads and revokes personal access tokens; self is the token in use', async () => {
    const person = await createPerson(t, 'tokened');
    const self = await t.http().get('/api/v4/personal_access_tokens/self').set(auth(person.token)).expect(200);
    expect(self.body).toEqual(expect.objectContaining({ name: 'tests', user_id: person.id, active: true, revoked: false, scopes: ['api'] }));
    const second = await t.http().post(`/api/v4/users/${person.id}/personal_access_tokens`).set(adminAuth).send({ name: 'second' }).expect(201);
    const mine = await t.http().get('/api/v4/personal_access_tokens').set(auth(person.token)).expect(200);
    expect(mine.body.map((p: { id: number }) => p.id)).toEqual([second.body.id, self.body.id]);
    expect(JSON.stringify(mine.body)).not.toContain(person.token);
    const others = await t.http().get('/api/v4/personal_access_tokens').query({ user_id: '1' }).set(auth(person.token)).expect(200);
    expect(others.body.every((p: { user_id: number }) => p.user_id === person.id)).toBe(true);
    const [rootToken] = await t.sql<{ id: number }>('SELECT id FROM personal_access_tokens WHERE user_id = 1 LIMIT 1');
    await t.http().get(`/api/v4/personal_access_tokens/${rootToken.id}`).set(auth(person.token)).expect(404);
    expect(
      (
        await t
          .http()
          .get('/api/v4/personal_access_tokens')
          .query({ user_id: String(person.id) })
          .set(adminAuth)
          .expect(200)
      ).body,
    ).toHaveLength(2);
    await t.http().delete(`/api/v4/personal_access_tokens/${second.body.id}`).set(auth(person.token)).expect(204);
    await t.http().get('/api/v4/user').set(auth(second.body.token)).expect(401);
    await t.http().delete('/api/v4/personal_access_tokens/self').set(auth(person.token)).expect(204);
    await t.http().get('/api/v4/user').set(auth(person.token)).expect(401);
    expect(await events('personal_access_token_revoked', person.id)).toHaveLength(2);
  });

  it('deletes a group with its members, settings, token and identities: 202, audited; members may not', async () => {
    const doomed = await setUpGroup(t, 'endpoints-doomed');
    const person = await provision(t, doomed, { externalId: 'doomed-uid' });
    const dev = await createPerson(t, 'doomeddev');
    await addMember(t, doomed.id, dev.id, 30);
    await t.http().delete(`/api/v4/groups/${doomed.id}`).set(auth(dev.token)).expect(403);
    const res = await t.http().delete(`/api/v4/groups/${doomed.id}`).set(adminAuth).expect(202);
    expect(res.body).toEqual({ message: '202 Accepted' });
    await t.http().get(`/api/v4/groups/${doomed.id}`).set(adminAuth).expect(404);
    for (const table of ['groups', 'members', 'saml_providers', 'scim_tokens', 'saml_identities', 'scim_identities']) {
      const column = table === 'groups' ? 'id' : 'group_id';
      expect({ table, rows: await t.sql(`SELECT 1 FROM ${table} WHERE ${column} = ?`, [doomed.id]) }).toEqual({ table, rows: [] });
    }
    // The account stays; the group's SCIM token no longer works.
    expect(await t.sql('SELECT id FROM users WHERE id = ?', [person.userId])).toHaveLength(1);
    await t.http().get(`${doomed.base}/Users`).set(auth(doomed.scimToken)).expect(401);
    expect(await t.sql("SELECT target_details FROM audit_events WHERE event_name = 'group_deleted' AND target_id = ?", [doomed.id])).toEqual([{ target_details: 'endpoints-doomed' }]);
    const again = await setUpGroup(t, 'endpoints-doomed');
    expect(again.id).not.toBe(doomed.id);
  });

  it('answers /version to anyone signed in', async () => {
    const res = await t.http().get('/api/v4/version').set(adminAuth).expect(200);
    expect(res.body).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/), revision: 'roster', enterprise: false });
    await t.http().get('/api/v4/version').expect(401);
  });
});
