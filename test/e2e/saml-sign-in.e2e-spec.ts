import { jest } from '@jest/globals';
import { adminAuth, IDP_SSO_URL, setUpGroup } from '../support/fixtures.js';
import { auditSince, createAccount, lastAuditId, provision, signInWithSaml, snapshot, spFor } from '../support/saml-fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { authnRequestIdFromRedirect, authnRequestXmlFromRedirect, sessionCookieFrom } from '../support/test-idp.js';

describe('SAML sign-in', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  describe('service provider endpoints', () => {
    it('serves SP metadata naming the entity id and the HTTP-POST assertion consumer service', async () => {
      await setUpGroup(t, 'meta');
      const res = await t.http().get('/groups/meta/-/saml/metadata').expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/samlmetadata\+xml/);
      expect(res.text).toContain('entityID="http://roster.test/groups/meta"');
      expect(res.text).toMatch(/AssertionConsumerService[^>]*Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"/);
      expect(res.text).toContain('Location="http://roster.test/groups/meta/-/saml/callback"');
    });

    it('answers an unknown group with a 404 page', async () => {
      const res = await t.http().get('/groups/nope/-/saml/metadata').expect(404);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('There is no group at this address.');
    });

    it('starts SP-initiated sign-in: 302 to the IdP with a deflated AuthnRequest and a RelayState, the request recorded', async () => {
      const g = await setUpGroup(t, 'start');
      const res = await t.http().get('/groups/start/-/saml/sso').query({ redirect_to: '/groups/start?tab=members' }).expect(302);
      const location = new URL(res.headers.location);
      expect(`${location.origin}${location.pathname}`).toBe(IDP_SSO_URL);
      expect(location.searchParams.get('RelayState')).toBe('/groups/start?tab=members');
      const xml = authnRequestXmlFromRedirect(res.headers.location);
      expect(xml).toContain(`Destination="${IDP_SSO_URL}"`);
      expect(xml).toContain('AssertionConsumerServiceURL="http://roster.test/groups/start/-/saml/callback"');
      expect(xml).toContain('http://roster.test/groups/start</saml:Issuer>');
      const id = authnRequestIdFromRedirect(res.headers.location);
      const rows = await t.sql<{ group_id: number; used_at: string | null }>('SELECT group_id, used_at FROM saml_requests WHERE id = ?', [id]);
      expect(rows).toEqual([{ group_id: g.id, used_at: null }]);
    });

    it('never relays to another site', async () => {
      await setUpGroup(t, 'relay');
      for (const unsafe of ['https://evil.test/x', '//evil.test/x', '/\\evil.test', 'javascript:alert(1)']) {
        const res = await t.http().get('/groups/relay/-/saml/sso').query({ redirect_to: unsafe }).expect(302);
        expect(new URL(res.headers.location).searchParams.get('RelayState')).toBe('/');
      }
    });

    it('shows a page instead of redirecting when the group has no enabled SAML provider', async () => {
      await setUpGroup(t, 'off', { enabled: false });
      const res = await t.http().get('/groups/off/-/saml/sso').expect(404);
      expect(res.text).toContain('SAML single sign-on is not enabled for Group off.');
      expect(await t.sql('SELECT id FROM saml_requests WHERE group_id = (SELECT id FROM groups WHERE path = ?)', ['off'])).toEqual([]);
    });
  });

  describe('outcome 1: the NameID is a linked identity', () => {
    it('signs the user in with an HttpOnly SameSite=Lax session cookie and redirects to the RelayState', async () => {
      const g = await setUpGroup(t, 'one');
      const person = await provision(t, g);
      const before = await lastAuditId(t);
      const res = await signInWithSaml(t, g, { nameId: person.externalId, email: person.email, relayState: '/groups/one' }).expect(303);
      expect(res.headers.location).toBe('/groups/one');
      const setCookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('roster_session='))!;
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Lax/);
      expect(setCookie).not.toMatch(/Secure/);
      const me = await t.http().get('/api/v4/user').set('Cookie', sessionCookieFrom(setCookie)!).expect(200);
      expect(me.body.id).toBe(person.userId);
      const events = await auditSince(t, before);
      expect(events.map((e) => e.event_name)).toEqual(['authenticated_with_group_saml']);
      expect(events[0]).toMatchObject({ target_id: person.userId, details: { name_id: person.externalId, member_added: false } });
      const observed = await t.sql('SELECT name_id, email, user_id, outcome FROM saml_sign_ins WHERE group_id = ?', [g.id]);
      expect(observed).toEqual([{ name_id: person.externalId, email: person.email, user_id: person.userId, outcome: 'signed_in' }]);
    });

    it('redirects to / when the RelayState is not a path on this site', async () => {
      const g = await setUpGroup(t, 'one-relay');
      const person = await provision(t, g);
      const res = await signInWithSaml(t, g, { nameId: person.externalId, relayState: 'https://evil.test/steal' }).expect(303);
      expect(res.headers.location).toBe('/');
    });

    it('adds a linked user who is not a member at the default role (audited member_added)', async () => {
      const g = await setUpGroup(t, 'one-add', { default_membership_role: 30 });
      const person = await provision(t, g);
      await t.http().delete(`/api/v4/groups/${g.id}/members/${person.userId}`).set(adminAuth).expect(204);
      const before = await lastAuditId(t);
      await signInWithSaml(t, g, { nameId: person.externalId }).expect(303);
      expect(await t.sql('SELECT access_level FROM members WHERE group_id = ? AND user_id = ?', [g.id, person.userId])).toEqual([{ access_level: 30 }]);
      const events = await auditSince(t, before);
      expect(events.map((e) => e.event_name)).toEqual(['member_added', 'authenticated_with_group_saml']);
      expect(events[1].details.member_added).toBe(true);
    });

    it('refuses a user whose SCIM identity is inactive when SSO is enforced, and changes nothing else', async () => {
      const g = await setUpGroup(t, 'one-enforced', { enforced_sso: true });
      const person = await provision(t, g);
      await t
        .http()
        .patch(`${g.base}/Users/${person.externalId}`)
        .set('Authorization', `Bearer ${g.scimToken}`)
        .set('Content-Type', 'application/scim+json')
        .send(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] }))
        .expect(204);
      const state = await snapshot(t);
      const before = await lastAuditId(t);
      const res = await signInWithSaml(t, g, { nameId: person.externalId, email: person.email }).expect(403);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('SCIM identity in Group one-enforced is inactive');
      expect(res.headers['set-cookie']).toBeUndefined();
      const events = await auditSince(t, before);
      expect(events.map((e) => e.event_name)).toEqual(['inactive_scim_user_cannot_be_added', 'saml_sign_in_refused']);
      expect(events[1].details).toMatchObject({ reason: 'inactive_scim_identity', name_id: person.externalId });
      const after = await snapshot(t);
      expect(after.members).toEqual(state.members);
      expect(after.sessions).toEqual(state.sessions);
      expect(after.saml_identities).toEqual(state.saml_identities);
      expect(after.saml_sign_ins.length).toBe(state.saml_sign_ins.length + 1);
    });

    it('refuses a blocked account', async () => {
      const g = await setUpGroup(t, 'one-blocked');
      const person = await provision(t, g);
      await t.sql("UPDATE users SET state = 'blocked' WHERE id = ?", [person.userId]);
      const res = await signInWithSaml(t, g, { nameId: person.externalId }).expect(403);
      expect(res.text).toContain('Your account is blocked.');
      expect(await t.sql('SELECT id FROM sessions WHERE user_id = ?', [person.userId])).toEqual([]);
    });

    it('adds back a user with an inactive SCIM identity when SSO is not enforced', async () => {
      const g = await setUpGroup(t, 'one-lax');
      const person = await provision(t, g);
      await t.http().delete(`${g.base}/Users/${person.externalId}`).set('Authorization', `Bearer ${g.scimToken}`).expect(204);
      await signInWithSaml(t, g, { nameId: person.externalId }).expect(303);
      expect(await t.sql('SELECT user_id FROM members WHERE group_id = ? AND user_id = ?', [g.id, person.userId])).toHaveLength(1);
    });
  });

  describe('outcome 3: the IdP sends another NameID for a linked person', () => {
    it('moves the SAML identity to the new NameID, keeps the SCIM identity, audits it and signs in', async () => {
      const g = await setUpGroup(t, 'three');
      const person = await provision(t, g);
      const before = await lastAuditId(t);
      const res = await signInWithSaml(t, g, { nameId: 'new-name-id-3', email: person.email }).expect(303);
      expect(sessionCookieFrom(res.headers['set-cookie'])).toBeDefined();
      expect(await t.sql('SELECT extern_uid FROM saml_identities WHERE group_id = ? AND user_id = ?', [g.id, person.userId])).toEqual([{ extern_uid: 'new-name-id-3' }]);
      expect(await t.sql('SELECT extern_uid FROM scim_identities WHERE group_id = ? AND user_id = ?', [g.id, person.userId])).toEqual([{ extern_uid: person.externalId }]);
      const events = await auditSince(t, before);
      expect(events.map((e) => e.event_name)).toEqual(['update_mismatched_group_saml_extern_uid', 'authenticated_with_group_saml']);
      expect(events[0].details.message).toBe(`Updated extern_uid from ${person.externalId} to new-name-id-3`);
      expect(await t.sql('SELECT outcome FROM saml_sign_ins WHERE group_id = ?', [g.id])).toEqual([{ outcome: 'relinked' }]);
    });
  });

  describe('outcome 4: the email belongs to an account without a SAML identity', () => {
    it('refuses with "User is not linked to a SAML account" and explains both ways to link', async () => {
      const g = await setUpGroup(t, 'four');
      const userId = await createAccount(t, { username: 'unlinked4', email: 'unlinked4@acme.com' });
      const state = await snapshot(t);
      const before = await lastAuditId(t);
      const res = await signInWithSaml(t, g, { nameId: 'idp-4', email: 'unlinked4@acme.com' }).expect(403);
      expect(res.text).toContain('User is not linked to a SAML account');
      expect(res.text).toContain('Ask an Owner of Group four for a link invitation');
      expect(res.text).toContain('sign in first, then open http://roster.test/groups/four/-/saml/sso again');
      const events = await auditSince(t, before);
      expect(events).toEqual([{ event_name: 'saml_sign_in_refused', target_id: userId, details: { reason: 'not_linked', name_id: 'idp-4', email: 'unlinked4@acme.com' } }]);
      const after = await snapshot(t);
      expect({ ...after, saml_sign_ins: [], saml_assertions: [], audit_events: [] }).toEqual({ ...state, saml_sign_ins: [], saml_assertions: [], audit_events: [] });
      expect(await t.sql('SELECT name_id, user_id, outcome FROM saml_sign_ins WHERE group_id = ?', [g.id])).toEqual([{ name_id: 'idp-4', user_id: userId, outcome: 'refused_not_linked' }]);
    });
  });

  describe('outcome 5: nobody has the email', () => {
    it('refuses and tells the person to ask for assignment in the SCIM app; the observation has no user', async () => {
      const g = await setUpGroup(t, 'five');
      const before = await lastAuditId(t);
      const res = await signInWithSaml(t, g, { nameId: 'stranger', email: 'stranger@elsewhere.test' }).expect(403);
      expect(res.text).toContain('ask your administrator to assign you in the identity provider&#39;s SCIM app');
      expect((await auditSince(t, before)).map((e) => [e.event_name, e.details.reason])).toEqual([['saml_sign_in_refused', 'no_account']]);
      expect(await t.sql('SELECT name_id, email, user_id, outcome FROM saml_sign_ins WHERE group_id = ?', [g.id])).toEqual([
        { name_id: 'stranger', email: 'stranger@elsewhere.test', user_id: null, outcome: 'refused_no_account' },
      ]);
    });

    it('treats a response without any email like nobody having it', async () => {
      const g = await setUpGroup(t, 'five-b');
      await signInWithSaml(t, g, { nameId: 'opaque-5' }).expect(403);
    });
  });

  describe('SP-initiated round trip', () => {
    it('accepts the InResponseTo of an issued request once and refuses its second use', async () => {
      const g = await setUpGroup(t, 'round');
      const person = await provision(t, g);
      const start = await t.http().get('/groups/round/-/saml/sso').expect(302);
      const requestId = authnRequestIdFromRedirect(start.headers.location);
      await signInWithSaml(t, g, { nameId: person.externalId, inResponseTo: requestId }).expect(303);
      const [used] = await t.sql<{ used_at: string | null }>('SELECT used_at FROM saml_requests WHERE id = ?', [requestId]);
      expect(used.used_at).not.toBeNull();
      const before = await lastAuditId(t);
      const again = await signInWithSaml(t, g, { nameId: person.externalId, inResponseTo: requestId }).expect(400);
      expect(again.text).toContain('already been completed');
      expect((await auditSince(t, before)).map((e) => e.details.reason)).toEqual(['unknown_request']);
    });

    it('refuses an InResponseTo this SP never issued, one issued for another group, and an expired one', async () => {
      const g = await setUpGroup(t, 'round-b');
      const other = await setUpGroup(t, 'round-c');
      const person = await provision(t, g);
      await signInWithSaml(t, g, { nameId: person.externalId, inResponseTo: '_never-issued' }).expect(400);
      const otherStart = await t.http().get('/groups/round-c/-/saml/sso').expect(302);
      await signInWithSaml(t, g, { nameId: person.externalId, inResponseTo: authnRequestIdFromRedirect(otherStart.headers.location) }).expect(400);
      const start = await t.http().get('/groups/round-b/-/saml/sso').expect(302);
      const id = authnRequestIdFromRedirect(start.headers.location);
      await t.sql('UPDATE saml_requests SET expires_at = ? WHERE id = ?', [new Date(Date.now() - 1000).toISOString(), id]);
      await signInWithSaml(t, g, { nameId: person.externalId, inResponseTo: id }).expect(400);
      expect(await t.sql('SELECT id FROM sessions WHERE user_id = ?', [person.userId])).toEqual([]);
      expect(other.id).not.toBe(g.id);
    });
  });

  it('sets the Secure cookie attribute when BASE_URL is https', async () => {
    const secure = await startTestApp({ BASE_URL: 'https://roster.test' });
    try {
      const g = await setUpGroup(secure, 'tls');
      const person = await provision(secure, g);
      const res = await signInWithSaml(secure, g, { nameId: person.externalId }).expect(303);
      expect((res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('roster_session='))).toMatch(/; Secure/);
      expect(spFor(secure, g).acsUrl).toBe('https://roster.test/groups/tls/-/saml/callback');
    } finally {
      await secure.close();
    }
  });
});
