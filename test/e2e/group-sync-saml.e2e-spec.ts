import { jest } from '@jest/globals';
import { createPerson } from '../support/admin-people.js';
import { adminAuth, auth, setUpGroup } from '../support/fixtures.js';
import { auditSince, createAccount, lastAuditId, provision, signInBrowser, signInWithSaml } from '../support/saml-fixtures.js';
import { addLink, roles } from '../support/scim-groups-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const ENTRA_GROUPS = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups';
const GUEST = 10;
const DEVELOPER = 30;
const MAINTAINER = 40;

describe('group sync: SAML Group Links and sign-in', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  describe('the SAML Group Links API (GitLab shapes)', () => {
    it('creates, lists, reads and deletes links, audited; duplicates and bad input are 400, unknown names 404', async () => {
      const g = await setUpGroup(t, 'links-api');
      const links = `/api/v4/groups/${g.id}/saml_group_links`;
      expect((await t.http().get(links).set(adminAuth).expect(200)).body).toEqual([]);
      const before = await lastAuditId(t);
      expect((await t.http().post(links).set(adminAuth).send({ saml_group_name: 'Engineering', access_level: 30 }).expect(201)).body).toEqual({ name: 'Engineering', access_level: 30 });
      await t.http().post(links).set(adminAuth).type('form').send('saml_group_name=Eng-Leads&access_level=40').expect(201);
      expect((await t.http().get(links).set(adminAuth).expect(200)).body).toEqual([
        { name: 'Eng-Leads', access_level: 40 },
        { name: 'Engineering', access_level: 30 },
      ]);
      expect((await t.http().get(`${links}/Engineering`).set(adminAuth).expect(200)).body).toEqual({ name: 'Engineering', access_level: 30 });
      const events = await auditSince(t, before);
      expect(events.map((e) => e.event_name)).toEqual(['saml_group_link_created', 'saml_group_link_created']);
      expect(events[0].details).toEqual({ saml_group_name: 'Engineering', access_level: 30 });

      expect((await t.http().post(links).set(adminAuth).send({ saml_group_name: 'Engineering', access_level: 20 }).expect(400)).body).toEqual({
        message: { saml_group_name: ['has already been taken'] },
      });
      expect((await t.http().post(links).set(adminAuth).send({ access_level: 30 }).expect(400)).body).toEqual({ error: 'saml_group_name is missing' });
      expect((await t.http().post(links).set(adminAuth).send({ saml_group_name: 'X' }).expect(400)).body).toEqual({ error: 'access_level is missing' });
      expect((await t.http().post(links).set(adminAuth).send({ saml_group_name: 'X', access_level: 35 }).expect(400)).body).toEqual({ error: 'access_level does not have a valid value' });
      expect((await t.http().get(`${links}/Nope`).set(adminAuth).expect(404)).body).toEqual({ message: '404 Not found' });
      await t.http().delete(`${links}/Engineering`).set(adminAuth).expect(204);
      expect((await t.http().delete(`${links}/Engineering`).set(adminAuth).expect(404)).body).toEqual({ message: '404 Not found' });
      expect((await auditSince(t, before)).at(-1)?.event_name).toBe('saml_group_link_deleted');
      expect(await t.sql('SELECT name, access_level FROM saml_group_links WHERE group_id = ?', [g.id])).toEqual([{ name: 'Eng-Leads', access_level: 40 }]);
    });

    it('is for owners: a Developer of the group is refused and nothing is written', async () => {
      const g = await setUpGroup(t, 'links-owner');
      const dev = await createPerson(t, 'linkdev');
      await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).send({ user_id: dev.id, access_level: DEVELOPER }).expect(201);
      const res = await t.http().post(`/api/v4/groups/${g.id}/saml_group_links`).set(auth(dev.token)).send({ saml_group_name: 'X', access_level: 50 });
      expect(res.status).toBe(403);
      await t.http().get(`/api/v4/groups/${g.id}/saml_group_links`).set(auth(dev.token)).expect(403);
      expect(await t.sql('SELECT id FROM saml_group_links WHERE group_id = ?', [g.id])).toEqual([]);
    });

    it('re-evaluates members when a link is created or deleted', async () => {
      const g = await setUpGroup(t, 'links-recompute');
      const p = await provision(t, g);
      await signInWithSaml(t, g, { nameId: p.externalId, email: p.email, attributes: { groups: ['Support'] } }).expect(303);
      expect((await roles(t, g.id)).get(p.userId)).toEqual([GUEST, 'scim_provisioning', []]);
      await addLink(t, g.id, 'Support', MAINTAINER);
      expect((await roles(t, g.id)).get(p.userId)).toEqual([MAINTAINER, 'group_sync', ['Support']]);
      await t.http().delete(`/api/v4/groups/${g.id}/saml_group_links/Support`).set(adminAuth).expect(204);
      expect((await roles(t, g.id)).get(p.userId)).toEqual([GUEST, 'scim_provisioning', []]);
    });
  });

  describe('sign-in with the groups attribute', () => {
    it('Okta shape (groups = names): the highest matching link sets the role; no match removes the member and the page says why; no attribute changes nothing', async () => {
      const g = await setUpGroup(t, 'okta-sso');
      await addLink(t, g.id, 'Engineering', DEVELOPER);
      await addLink(t, g.id, 'Eng-Leads', MAINTAINER);
      const p = await provision(t, g);
      const before = await lastAuditId(t);
      await signInWithSaml(t, g, { nameId: p.externalId, email: p.email, attributes: { groups: ['Everyone', 'Engineering'] } }).expect(303);
      expect((await roles(t, g.id)).get(p.userId)).toEqual([DEVELOPER, 'group_sync', ['Engineering']]);
      expect((await auditSince(t, before)).map((e) => e.event_name)).toEqual(['member_role_updated_by_group_sync', 'authenticated_with_group_saml']);

      await signInWithSaml(t, g, { nameId: p.externalId, email: p.email, attributes: { groups: ['Engineering', 'Eng-Leads'] } }).expect(303);
      expect((await roles(t, g.id)).get(p.userId)).toEqual([MAINTAINER, 'group_sync', ['Eng-Leads']]);

      // Without the attribute: nothing changes.
      await signInWithSaml(t, g, { nameId: p.externalId, email: p.email }).expect(303);
      expect((await roles(t, g.id)).get(p.userId)?.[0]).toBe(MAINTAINER);

      // No link matches: removed, and the sign-in is refused with the reason.
      const beforeRemoval = await lastAuditId(t);
      const refused = await signInWithSaml(t, g, { nameId: p.externalId, email: p.email, attributes: { groups: ['Marketing'] } }).expect(403);
      expect(refused.text).toContain('None of your identity provider groups is linked to a role in Group okta-sso');
      expect(refused.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^roster_session=[^;]/)]));
      expect((await roles(t, g.id)).has(p.userId)).toBe(false);
      const events = await auditSince(t, beforeRemoval);
      expect(events.map((e) => e.event_name)).toEqual(['member_removed_by_group_sync', 'saml_sign_in_refused']);
      expect(events[1].details).toMatchObject({ reason: 'no_group_link' });

      // Back in a linked group: a member again, through sync only.
      await signInWithSaml(t, g, { nameId: p.externalId, email: p.email, attributes: { groups: 'Engineering' } }).expect(303);
      expect((await roles(t, g.id)).get(p.userId)).toEqual([DEVELOPER, 'group_sync', ['Engineering']]);
    });

    it("Entra shape (object ids under Entra's groups claim) works with the default setting; a configured attribute replaces groups", async () => {
      const g = await setUpGroup(t, 'entra-sso');
      const objectId = '6f1c3a52-8d2e-4b0a-9a57-2c1f0e3d4b5a';
      await addLink(t, g.id, objectId, MAINTAINER);
      const p = await provision(t, g);
      await signInWithSaml(t, g, { nameId: p.externalId, email: p.email, attributes: { [ENTRA_GROUPS]: ['00000000-1111-2222-3333-444444444444', objectId] } }).expect(303);
      expect((await roles(t, g.id)).get(p.userId)).toEqual([MAINTAINER, 'group_sync', [objectId]]);

      const provider = await t.http().put(`/api/v4/groups/${g.id}/saml_provider`).set(adminAuth).send({ groups_attribute: 'memberOf' }).expect(200);
      expect(provider.body.groups_attribute).toBe('memberOf');
      // `groups` is no longer read: no attribute, no change.
      await signInWithSaml(t, g, { nameId: p.externalId, email: p.email, attributes: { groups: ['Nothing'] } }).expect(303);
      expect((await roles(t, g.id)).get(p.userId)?.[0]).toBe(MAINTAINER);
      await signInWithSaml(t, g, { nameId: p.externalId, email: p.email, attributes: { memberOf: ['Nothing'] } }).expect(403);
      expect((await roles(t, g.id)).has(p.userId)).toBe(false);
    });

    it('never removes the last Owner at sign-in', async () => {
      const g = await setUpGroup(t, 'owner-sso');
      await addLink(t, g.id, 'Engineering', DEVELOPER);
      const p = await provision(t, g);
      const owners = await t.sql<{ user_id: number }>('SELECT user_id FROM members WHERE group_id = ? AND access_level = 50', [g.id]);
      await t.http().put(`/api/v4/groups/${g.id}/members/${p.userId}`).set(adminAuth).send({ access_level: 50 }).expect(200);
      for (const { user_id } of owners) await t.http().delete(`/api/v4/groups/${g.id}/members/${user_id}`).set(adminAuth).expect(204);
      await signInWithSaml(t, g, { nameId: p.externalId, email: p.email, attributes: { groups: ['Engineering'] } }).expect(303);
      expect((await roles(t, g.id)).get(p.userId)?.[0]).toBe(50);
      await signInWithSaml(t, g, { nameId: p.externalId, email: p.email, attributes: { groups: ['Other'] } }).expect(303);
      expect((await roles(t, g.id)).get(p.userId)?.[0]).toBe(50);
    });

    it('combines SCIM group grants with the asserted groups: the highest wins', async () => {
      const g = await setUpGroup(t, 'mixed-sso');
      await addLink(t, g.id, 'Engineering', DEVELOPER);
      await addLink(t, g.id, 'Eng-Leads', MAINTAINER);
      const p = await provision(t, g);
      await t
        .http()
        .post(`${g.base}/Groups`)
        .set(auth(g.scimToken))
        .send({ displayName: 'Eng-Leads', members: [{ value: p.externalId }] })
        .expect(201);
      await signInWithSaml(t, g, { nameId: p.externalId, email: p.email, attributes: { groups: ['Engineering'] } }).expect(303);
      expect((await roles(t, g.id)).get(p.userId)).toEqual([MAINTAINER, 'group_sync', ['Eng-Leads']]);
    });

    it('applies the asserted groups when a signed-in person links their account on the Authorize page', async () => {
      const g = await setUpGroup(t, 'sync-authorize');
      await addLink(t, g.id, 'Engineering', DEVELOPER);
      const userId = await createAccount(t, { username: 'linker', email: 'linker@acme.com' });
      const browser = await signInBrowser(t, userId);
      const offer = await signInWithSaml(t, g, { nameId: 'nameid-linker', cookie: browser.cookie, attributes: { groups: ['Engineering'] } }).expect(200);
      const pending = /name="pending" value="(\d+)"/.exec(offer.text)![1];
      await t
        .http()
        .post(`/groups/${g.path}/-/saml/authorize`)
        .set('Cookie', browser.cookie)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(new URLSearchParams({ csrf_token: browser.csrfToken, pending }).toString())
        .expect(303);
      expect((await roles(t, g.id)).get(userId)).toEqual([DEVELOPER, 'group_sync', ['Engineering']]);

      // An offer whose assertion carried no groups changes no role at Authorize.
      const plain = await createAccount(t, { username: 'linker2', email: 'linker2@acme.com' });
      const second = await signInBrowser(t, plain);
      const offer2 = await signInWithSaml(t, g, { nameId: 'nameid-linker2', cookie: second.cookie }).expect(200);
      const pending2 = /name="pending" value="(\d+)"/.exec(offer2.text)![1];
      await t
        .http()
        .post(`/groups/${g.path}/-/saml/authorize`)
        .set('Cookie', second.cookie)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(new URLSearchParams({ csrf_token: second.csrfToken, pending: pending2 }).toString())
        .expect(303);
      expect((await roles(t, g.id)).get(plain)?.[1]).not.toBe('group_sync');
    });
  });
});
