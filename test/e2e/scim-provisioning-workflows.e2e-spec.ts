import { adminAuth, oktaUser, setUpGroup, setUpInstance } from '../support/fixtures.js';
import { membership, samlIdentity, scimIdentity, userIdByEmail, userState } from '../support/platform-users.js';
import { auditNames, scimClient } from '../support/scim-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/** The documented provisioning workflows, end to end through HTTP. */
describe('SCIM provisioning workflows', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('re-adding a removed user by PATCH active:true reactivates the identity and restores membership at the default role', async () => {
    const g = await setUpGroup(t, 'reactivate', { default_membership_role: 20 });
    const scim = scimClient(t, g.base, g.scimToken);
    const body = oktaUser();
    await scim.create(body).expect(201);
    const userId = (await userIdByEmail(t, body.userName))!;
    // Okta's pathless deactivate, then Entra's string-boolean reactivate.
    await scim.patch(body.externalId, [{ op: 'replace', value: { active: false } }]).expect(204);
    expect(await membership(t, g.id, userId)).toBeNull();
    expect(await scimIdentity(t, g.id, userId)).toEqual({ externUid: body.externalId, active: false });
    expect(await samlIdentity(t, g.id, userId)).toBe(body.externalId);
    const read = await scim.get(body.externalId).expect(200);
    expect(read.body.active).toBe(false);
    const res = await scim.patch(body.externalId, [{ op: 'Replace', path: 'active', value: 'True' }]);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await membership(t, g.id, userId)).toBe(20);
    expect(await scimIdentity(t, g.id, userId)).toEqual({ externUid: body.externalId, active: true });
    expect(await samlIdentity(t, g.id, userId)).toBe(body.externalId);
    expect(await userIdByEmail(t, body.userName)).toBe(userId);
    expect(await auditNames(t, userId)).toEqual(['member_added', 'user_provisioned_by_scim', 'member_removed', 'user_deprovisioned_by_scim', 'member_added', 'user_reprovisioned_by_scim']);
  });

  it('PATCH externalId moves the SCIM id and the SAML identity, and the old id is gone', async () => {
    const g = await setUpGroup(t, 'moveid');
    const scim = scimClient(t, g.base, g.scimToken);
    const body = oktaUser();
    await scim.create(body).expect(201);
    const userId = (await userIdByEmail(t, body.userName))!;
    await scim.patch(body.externalId, [{ op: 'replace', path: 'externalId', value: 'new-anchor@acme.com' }]).expect(204);
    expect(await scimIdentity(t, g.id, userId)).toEqual({ externUid: 'new-anchor@acme.com', active: true });
    expect(await samlIdentity(t, g.id, userId)).toBe('new-anchor@acme.com');
    const moved = await scim.get('new-anchor@acme.com').expect(200);
    expect(moved.body).toMatchObject({ id: 'new-anchor@acme.com', externalId: 'new-anchor@acme.com', userName: body.userName });
    const old = await scim.get(body.externalId).expect(404);
    expect(old.body).toMatchObject({ status: '404', detail: `Resource ${body.externalId} not found` });
    const events = await t.sql<{ details: string }>("SELECT details FROM audit_events WHERE event_name = 'scim_identity_updated' AND target_id = ?", [userId]);
    expect(JSON.parse(events[0].details)).toMatchObject({ from: body.externalId, to: 'new-anchor@acme.com', saml_identity_updated: true });
  });

  it('refuses to move an externalId onto one another identity holds: 409, nothing changes', async () => {
    const g = await setUpGroup(t, 'moveconflict');
    const scim = scimClient(t, g.base, g.scimToken);
    const a = oktaUser();
    const b = oktaUser();
    await scim.create(a).expect(201);
    await scim.create(b).expect(201);
    const res = await scim.patch(a.externalId, [{ op: 'replace', path: 'externalId', value: b.externalId.toUpperCase() }]).expect(409);
    expect(res.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
    await scim.get(a.externalId).expect(200);
  });

  it("refuses to deprovision the group's last Owner with 412 and keeps everything", async () => {
    const g = await setUpGroup(t, 'lastowner');
    const scim = scimClient(t, g.base, g.scimToken);
    const body = oktaUser({ name: { formatted: 'Olive Owner' } });
    await scim.create(body).expect(201);
    const userId = (await userIdByEmail(t, body.userName))!;
    await t.sql('UPDATE members SET access_level = 50 WHERE group_id = ? AND user_id = ?', [g.id, userId]);
    await t.sql('DELETE FROM members WHERE group_id = ? AND user_id <> ?', [g.id, userId]);
    const res = await scim.delete(body.externalId).expect(412);
    expect(res.body).toMatchObject({ status: '412', detail: 'Could not remove Olive Owner from Group lastowner. Cannot remove last group owner.' });
    expect(await scimIdentity(t, g.id, userId)).toEqual({ externUid: body.externalId, active: true });
    expect(await membership(t, g.id, userId)).toBe(50);
    await scim.patch(body.externalId, [{ op: 'replace', path: 'active', value: false }]).expect(412);
    expect(await scimIdentity(t, g.id, userId)).toEqual({ externUid: body.externalId, active: true });
  });

  it('DELETE is idempotent: a second DELETE of an inactive identity answers 204 and audits nothing new', async () => {
    const g = await setUpGroup(t, 'idempotent');
    const scim = scimClient(t, g.base, g.scimToken);
    const body = oktaUser();
    await scim.create(body).expect(201);
    const userId = (await userIdByEmail(t, body.userName))!;
    await scim.delete(body.externalId).expect(204);
    const count = (await auditNames(t, userId)).length;
    const again = await scim.delete(body.externalId).expect(204);
    expect(again.text).toBe('');
    expect((await auditNames(t, userId)).length).toBe(count);
    await scim.delete('nobody-here').expect(404);
  });

  it('instance DELETE blocks the account and reactivation unblocks it; the account is never deleted', async () => {
    const i = await setUpInstance(t);
    const scim = scimClient(t, i.base, i.scimToken);
    const body = oktaUser();
    await scim.create(body).expect(201);
    const userId = (await userIdByEmail(t, body.userName))!;
    expect(await userState(t, userId)).toBe('active');
    await scim.delete(body.externalId).expect(204);
    expect(await userState(t, userId)).toBe('blocked');
    expect(await scimIdentity(t, null, userId)).toEqual({ externUid: body.externalId, active: false });
    await scim.patch(body.externalId, [{ op: 'replace', path: 'active', value: true }]).expect(204);
    expect(await userState(t, userId)).toBe('active');
    await scim.delete(body.externalId).expect(204);
    await scim.create(body).expect(201);
    expect(await userState(t, userId)).toBe('active');
  });

  it.each([
    ['the path with a dot', 'acme.eu'],
    ['the URL-encoded path', 'acme%2Eeu'],
    ['the upper-case path', 'ACME.EU'],
  ])('serves a group addressed by %s', async (_label, ref) => {
    const existing = await t.sql<{ id: number }>("SELECT id FROM groups WHERE path = 'acme.eu'");
    const g = existing[0] ? null : await setUpGroup(t, 'acme.eu');
    const token = g?.scimToken ?? (await t.http().post(`/api/v4/groups/acme.eu/scim_token`).set(adminAuth).expect(201)).body.scim_token;
    const scim = scimClient(t, `/api/scim/v2/groups/${ref}`, token);
    const body = oktaUser();
    const res = await scim.create(body).expect(201);
    expect(res.body.meta.location).toBe(`http://roster.test/api/scim/v2/groups/acme.eu/Users/${body.externalId}`);
    await scim.get(body.externalId).expect(200);
  });

  it('serves a group addressed by its numeric id', async () => {
    const g = await setUpGroup(t, 'numeric');
    const scim = scimClient(t, `/api/scim/v2/groups/${g.id}`, g.scimToken);
    await scim.create(oktaUser()).expect(201);
    const list = await scim.list().expect(200);
    expect(list.body.totalResults).toBe(1);
  });

  it('ids with dots, @, + and = round-trip and are looked up case-insensitively', async () => {
    const g = await setUpGroup(t, 'oddids');
    const scim = scimClient(t, g.base, g.scimToken);
    const id = 'First.Last+tag=1@Acme.com';
    await scim.create(oktaUser({ externalId: id })).expect(201);
    const res = await scim.get(id.toLowerCase()).expect(200);
    expect(res.body.id).toBe(id);
  });

  it('copies profile changes to the account of an Enterprise user only', async () => {
    const g = await setUpGroup(t, 'profilecopy');
    const scim = scimClient(t, g.base, g.scimToken);
    const body = oktaUser();
    await scim.create(body).expect(201);
    const userId = (await userIdByEmail(t, body.userName))!;
    await scim.patch(body.externalId, [{ op: 'replace', path: 'name.givenName', value: 'Renamed' }]).expect(204);
    const user = (await t.sql<{ name: string }>('SELECT name FROM users WHERE id = ?', [userId]))[0];
    expect(user.name).toBe(`Renamed ${body.name.familyName}`);
    const events = await t.sql<{ details: string }>("SELECT details FROM audit_events WHERE event_name = 'scim_user_attributes_updated' AND target_id = ?", [userId]);
    expect(JSON.parse(events[0].details)).toEqual({ attributes: ['name'], copied_to_account: true });
  });
});

describe('userName uniqueness within a scope', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('refuses a second person with the same userName (any case) with 409 and keeps it free in other scopes', async () => {
    const g = await setUpGroup(t, 'unique-names');
    const scim = scimClient(t, g.base, g.scimToken);
    const first = oktaUser({ userName: 'shared.name@acme.com' });
    await scim.create(first).expect(201);
    const second = oktaUser({ userName: 'SHARED.NAME@acme.com', emails: [{ value: 'someone.else@acme.com', type: 'work' }] });
    const res = await scim.create(second).expect(409);
    expect(res.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect(await userIdByEmail(t, 'someone.else@acme.com')).toBeUndefined();
    const other = await setUpGroup(t, 'unique-names-2');
    await scimClient(t, other.base, other.scimToken)
      .create(oktaUser({ userName: 'shared.name@acme.com', emails: [{ value: 'third@acme.com', type: 'work' }] }))
      .expect(201);
  });

  it('refuses to rename onto a userName another identity holds, by PATCH and by PUT', async () => {
    const g = await setUpGroup(t, 'rename-names');
    const scim = scimClient(t, g.base, g.scimToken);
    const a = oktaUser();
    const b = oktaUser();
    await scim.create(a).expect(201);
    await scim.create(b).expect(201);
    await scim.patch(b.externalId, [{ op: 'replace', path: 'userName', value: a.userName }]).expect(409);
    await scim.put(b.externalId, { ...b, userName: a.userName.toUpperCase() }).expect(409);
    expect((await scim.get(b.externalId).expect(200)).body.userName).toBe(b.userName);
  });
});
