import { adminAuth, auth, GroupSetup, oktaUser, SCIM_JSON, setUpGroup, setUpInstance } from '../support/fixtures.js';
import { provision } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const enc = encodeURIComponent;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * After an extern_uid changes in Roster, the IdP keeps addressing Users/<previous> (Okta and Entra
 * keep the id they got at creation): it must reach the same person until the IdP uses the new id.
 */
describe('SCIM ids that changed keep addressing the same person (aliases)', () => {
  let t: TestApp;
  let g: GroupSetup;
  let other: GroupSetup;

  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'alias-acme');
    other = await setUpGroup(t, 'alias-other');
  });
  afterAll(async () => t.close());

  const scim = (token = g.scimToken) => ({ ...auth(token), 'Content-Type': SCIM_JSON });
  const getUser = (id: string, base = g.base, token = g.scimToken) =>
    t
      .http()
      .get(`${base}/Users/${enc(id)}`)
      .set(auth(token));
  const patchUser = (id: string, operations: unknown[], base = g.base, token = g.scimToken) =>
    t
      .http()
      .patch(`${base}/Users/${enc(id)}`)
      .set(scim(token))
      .send(JSON.stringify({ schemas: [PATCH_OP], Operations: operations }));
  const aliases = async (groupId = g.id) =>
    (await t.sql<{ extern_uid: string; identity_id: number }>('SELECT a.extern_uid, a.identity_id FROM scim_identity_aliases a WHERE a.group_id = ? ORDER BY a.id', [groupId])).map((r) => ({
      extern_uid: r.extern_uid,
      identity_id: Number(r.identity_id),
    }));
  const identityOf = async (userId: number) =>
    (await t.sql<{ id: number; extern_uid: string; active: unknown }>('SELECT id, extern_uid, active FROM scim_identities WHERE group_id = ? AND user_id = ?', [g.id, userId])).map((r) => ({
      id: Number(r.id),
      extern_uid: r.extern_uid,
      active: r.active === true || r.active === 1,
    }))[0];
  const events = async (name: string, userId: number) =>
    (await t.sql<{ details: string }>('SELECT details FROM audit_events WHERE event_name = ? AND target_id = ? ORDER BY id', [name, userId])).map((r) => JSON.parse(r.details) as unknown);

  it('after a mismatch Resolve, GET and PATCH Users/<old id> answer 200/204 for the same person with the current resource', async () => {
    const { userId } = await provision(t, g, { externalId: '00u-kim-okta', userName: 'kim.lee@acme.test', emails: [{ value: 'kim.lee@acme.test', type: 'work', primary: true }] });
    // The person signs in with another NameID: their SAML identity is set to it (as a re-link would).
    await t.http().patch(`/api/v4/groups/${g.id}/saml/00u-kim-okta`).set(adminAuth).send({ extern_uid: 'kim.lee@acme.test' }).expect(200);
    const resolved = await t.http().post(`/api/v4/groups/${g.id}/identity_mismatches/${userId}/resolve`).set(adminAuth).send({ extern_uid: 'kim.lee@acme.test' }).expect(200);
    expect(resolved.body.mismatch).toBeNull();
    const identity = await identityOf(userId);
    expect(identity.extern_uid).toBe('kim.lee@acme.test');
    expect(await aliases()).toEqual([{ extern_uid: '00u-kim-okta', identity_id: identity.id }]);
    expect(await events('scim_identity_alias_created', userId)).toEqual([{ alias: '00u-kim-okta', extern_uid: 'kim.lee@acme.test' }]);

    const read = await getUser('00u-kim-okta').expect(200);
    expect(read.body.id).toBe('kim.lee@acme.test');
    expect(read.body.externalId).toBe('kim.lee@acme.test');
    expect(read.body.meta.location).toBe(`http://roster.test${g.base}/Users/kim.lee%40acme.test`);
    // Case-insensitive, like every SCIM id.
    expect((await getUser('00U-KIM-OKTA').expect(200)).body.id).toBe('kim.lee@acme.test');

    await patchUser('00u-kim-okta', [{ op: 'replace', path: 'displayName', value: 'Kim Lee-Park' }]).expect(204);
    const stored = await t.sql<{ attributes: string }>('SELECT attributes FROM scim_identities WHERE id = ?', [identity.id]);
    expect(JSON.parse(stored[0].attributes).displayName).toBe('Kim Lee-Park');
    // PUT by the old id replaces the same person's attributes and answers with the current id.
    const put = await t
      .http()
      .put(`${g.base}/Users/00u-kim-okta`)
      .set(scim())
      .send(JSON.stringify({ ...oktaUser({ userName: 'kim.lee@acme.test', emails: [{ value: 'kim.lee@acme.test', type: 'work', primary: true }] }), externalId: undefined, displayName: 'Kim P' }))
      .expect(200);
    expect(put.body.id).toBe('kim.lee@acme.test');
    // Still an alias: the IdP has not used the new id yet.
    expect(await aliases()).toHaveLength(1);
    // DELETE by the old id deprovisions the same person.
    await t.http().delete(`${g.base}/Users/00u-kim-okta`).set(auth(g.scimToken)).expect(204);
    expect((await identityOf(userId)).active).toBe(false);
    const members = await t.sql('SELECT id FROM members WHERE group_id = ? AND user_id = ?', [g.id, userId]);
    expect(members).toHaveLength(0);
    // A POST of the old id is the same person coming back: reactivated, not a second account.
    const back = await t
      .http()
      .post(`${g.base}/Users`)
      .set(scim())
      .send(JSON.stringify(oktaUser({ externalId: '00u-kim-okta', userName: 'kim.lee@acme.test', emails: [{ value: 'kim.lee@acme.test', type: 'work', primary: true }] })))
      .expect(201);
    expect(back.body.id).toBe('kim.lee@acme.test');
    expect((await identityOf(userId)).active).toBe(true);
    expect(await t.sql('SELECT id FROM users WHERE email_lower = ?', ['kim.lee@acme.test'])).toHaveLength(1);
  });

  it('drops the alias the first time the IdP addresses the new id, with an audit event; the old id is then 404', async () => {
    const { userId } = await provision(t, g, { externalId: 'okta-drop-1' });
    await t.http().patch(`/api/v4/groups/${g.id}/scim/okta-drop-1`).set(adminAuth).send({ extern_uid: 'new-drop-1' }).expect(200);
    expect((await getUser('okta-drop-1').expect(200)).body.id).toBe('new-drop-1');
    // The IdP picked up the new id.
    expect((await getUser('new-drop-1').expect(200)).body.id).toBe('new-drop-1');
    expect((await aliases()).map((a) => a.extern_uid)).not.toContain('okta-drop-1');
    expect(await events('scim_identity_alias_dropped', userId)).toEqual([{ alias: 'okta-drop-1', extern_uid: 'new-drop-1', reason: 'new_id_used' }]);
    expect((await getUser('okta-drop-1').expect(404)).body.detail).toBe('Resource okta-drop-1 not found');

    // The same through a PATCH addressed by the new id.
    const second = await provision(t, g, { externalId: 'okta-drop-2' });
    await patchUser('okta-drop-2', [{ op: 'replace', path: 'externalId', value: 'new-drop-2' }]).expect(204);
    expect(await events('scim_identity_alias_created', second.userId)).toEqual([{ alias: 'okta-drop-2', extern_uid: 'new-drop-2' }]);
    await patchUser('okta-drop-2', [{ op: 'replace', path: 'title', value: 'Engineer' }]).expect(204);
    await patchUser('new-drop-2', [{ op: 'replace', path: 'title', value: 'Lead' }]).expect(204);
    await patchUser('okta-drop-2', [{ op: 'replace', path: 'title', value: 'x' }]).expect(404);
    expect(await events('scim_identity_alias_dropped', second.userId)).toEqual([{ alias: 'okta-drop-2', extern_uid: 'new-drop-2', reason: 'new_id_used' }]);
  });

  it('an owner lists the aliases and drops one; the drop is audited', async () => {
    const { userId } = await provision(t, g, { externalId: 'okta-owner-1' });
    await t.http().put(`/api/v4/groups/${g.id}/scim/okta-owner-1`).set(adminAuth).send({ extern_uid: 'new-owner-1' }).expect(200);
    const listed = await t.http().get(`/api/v4/groups/${g.id}/scim_aliases`).set(adminAuth).expect(200);
    expect(listed.body).toContainEqual({ extern_uid: 'okta-owner-1', user_id: userId, current_extern_uid: 'new-owner-1', created_at: expect.any(String) });
    await t.http().delete(`/api/v4/groups/${g.id}/scim_aliases/OKTA-owner-1`).set(adminAuth).expect(204);
    expect((await aliases()).map((a) => a.extern_uid)).not.toContain('okta-owner-1');
    expect(await events('scim_identity_alias_dropped', userId)).toEqual([{ alias: 'okta-owner-1', extern_uid: 'new-owner-1', reason: 'dropped_by_owner' }]);
    expect((await t.http().delete(`/api/v4/groups/${g.id}/scim_aliases/okta-owner-1`).set(adminAuth).expect(404)).body).toEqual({ message: '404 Alias Not Found' });
    await getUser('okta-owner-1').expect(404);
  });

  it('never lets an alias collide: another person cannot take it as a new or changed id until it is dropped', async () => {
    const alice = await provision(t, g, { externalId: 'okta-alice' });
    const bob = await provision(t, g, { externalId: 'okta-bob' });
    // The IdP changes Alice's externalId (her SAML identity follows), but keeps addressing the old id.
    await patchUser('okta-alice', [{ op: 'replace', path: 'externalId', value: 'alice@acme.test' }]).expect(204);

    // Admin identity API: 400 with a message that says why.
    const refused = await t.http().patch(`/api/v4/groups/${g.id}/scim/okta-bob`).set(adminAuth).send({ extern_uid: 'okta-alice' }).expect(400);
    expect(refused.body.message).toMatch(/^Extern uid has already been taken: it is another member's previous SCIM id/);
    // SCIM PATCH of externalId: 409 uniqueness, nothing changed.
    const conflict = await patchUser('okta-bob', [{ op: 'replace', path: 'externalId', value: 'OKTA-ALICE' }]).expect(409);
    expect(conflict.body).toMatchObject({ scimType: 'uniqueness', status: '409' });
    expect((await identityOf(bob.userId)).extern_uid).toBe('okta-bob');
    // A POST with the alias is Alice (active): 409, no second account.
    await t
      .http()
      .post(`${g.base}/Users`)
      .set(scim())
      .send(JSON.stringify(oktaUser({ externalId: 'okta-alice' })))
      .expect(409);
    // Alice's identity and alias are untouched; the alias still reaches her.
    expect((await getUser('okta-alice').expect(200)).body.id).toBe('alice@acme.test');
    expect(await events('scim_identity_alias_created', bob.userId)).toEqual([]);

    // Another group's ids are not aliases here, and this group's alias does not exist there.
    await getUser('okta-alice', other.base, other.scimToken).expect(404);

    // Once the owner drops the alias, the value is free.
    await t.http().delete(`/api/v4/groups/${g.id}/scim_aliases/okta-alice`).set(adminAuth).expect(204);
    await patchUser('okta-bob', [{ op: 'replace', path: 'externalId', value: 'okta-alice' }]).expect(204);
    expect((await identityOf(bob.userId)).extern_uid).toBe('okta-alice');
    expect((await getUser('okta-alice').expect(200)).body.id).toBe('okta-alice');
    expect((await identityOf(alice.userId)).extern_uid).toBe('alice@acme.test');
  });

  it('changing back to a previous id retires that alias and keeps the other value as one', async () => {
    const { userId } = await provision(t, g, { externalId: 'okta-back' });
    await patchUser('okta-back', [{ op: 'replace', path: 'externalId', value: 'back-new' }]).expect(204);
    // The IdP, still addressing the old id, sends its old externalId again.
    await patchUser('okta-back', [{ op: 'replace', path: 'externalId', value: 'okta-back' }]).expect(204);
    const identity = await identityOf(userId);
    expect(identity.extern_uid).toBe('okta-back');
    expect((await aliases()).filter((a) => a.identity_id === identity.id)).toEqual([{ extern_uid: 'back-new', identity_id: identity.id }]);
    expect(await events('scim_identity_alias_dropped', userId)).toEqual([{ alias: 'okta-back', extern_uid: 'okta-back', reason: 'value_in_use_again' }]);
  });

  it('works in the instance scope too, separately from the groups', async () => {
    const instance = await setUpInstance(t);
    await provision(t, instance, { externalId: 'inst-old' });
    await patchUser('inst-old', [{ op: 'replace', path: 'externalId', value: 'inst-new' }], instance.base, instance.scimToken).expect(204);
    expect((await getUser('inst-old', instance.base, instance.scimToken).expect(200)).body.id).toBe('inst-new');
    await getUser('inst-old').expect(404);
    const stored = await t.sql<{ extern_uid: string }>('SELECT extern_uid FROM scim_identity_aliases WHERE group_id IS NULL');
    expect(stored.map((r) => r.extern_uid)).toEqual(['inst-old']);
  });

  it('deleting the identity deletes its aliases, audited', async () => {
    const { userId } = await provision(t, g, { externalId: 'okta-gone' });
    await t.http().patch(`/api/v4/groups/${g.id}/scim/okta-gone`).set(adminAuth).send({ extern_uid: 'gone-new' }).expect(200);
    await t.http().delete(`/api/v4/groups/${g.id}/scim/gone-new`).set(adminAuth).expect(204);
    expect((await aliases()).map((a) => a.extern_uid)).not.toContain('okta-gone');
    expect(await events('scim_identity_alias_dropped', userId)).toEqual([{ alias: 'okta-gone', extern_uid: 'gone-new', reason: 'identity_deleted' }]);
    await getUser('okta-gone').expect(404);
  });
});
