import { createHash } from 'node:crypto';
import { jest } from '@jest/globals';
import { addMember, createPerson, Person } from '../support/admin-people.js';
import { adminAuth, auth, setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { invitationPath, startInvitation, tokenOf } from '../support/link-invitations.js';
import { auditSince, lastAuditId, signInWithSaml, snapshot } from '../support/saml-fixtures.js';
import { sessionCookieFrom } from '../support/test-idp.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const OWNER = 50;
const DEVELOPER = 30;

describe('link invitations (issue 16, point 2)', () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  let g: GroupSetup;
  let owner: Person;
  let developer: Person;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'invites', { default_membership_role: 20 });
    owner = await createPerson(t, 'owner');
    developer = await createPerson(t, 'dev');
    await addMember(t, g.id, owner.id, OWNER);
    await addMember(t, g.id, developer.id, DEVELOPER);
  });
  afterAll(async () => t.close());

  /** A member without any SAML identity: the person "User is not linked to a SAML account" stops. */
  async function unlinkedMember(): Promise<Person> {
    const person = await createPerson(t, 'unlinked');
    await addMember(t, g.id, person.id, DEVELOPER);
    return person;
  }

  async function invite(userId: number, token = owner.token, extra: Record<string, unknown> = {}) {
    const res = await t
      .http()
      .post(`/api/v4/groups/${g.id}/saml_link_invitations`)
      .set(auth(token))
      .send({ user_id: userId, ...extra });
    expect(res.status).toBe(201);
    return res.body as { id: number; url: string; state: string; expires_at: string; user: { id: number } };
  }

  function nameId(): string {
    n += 1;
    return `idp-invited-${n}@acme.test`;
  }

  it('an Owner creates an invitation: 201 with the URL and its secret once; the database keeps only its SHA-256 digest; lists never show it', async () => {
    const person = await unlinkedMember();
    const before = await lastAuditId(t);
    const created = await invite(person.id);
    expect(created).toMatchObject({ state: 'active', user: { id: person.id, username: person.username }, created_by: { id: owner.id } });
    expect(created.url).toMatch(new RegExp(`^${t.config.baseUrl}/groups/invites/-/saml/link_invitation\\?token=roster_link_[A-Za-z0-9_-]{43}$`));
    // Seven days by default.
    const days = (Date.parse(created.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    const token = tokenOf(created.url);
    const rows = await t.sql<Record<string, unknown>>('SELECT * FROM saml_link_invitations WHERE id = ?', [created.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_digest).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(await auditSince(t, before)).toEqual([{ event_name: 'saml_link_invitation_created', target_id: person.id, details: { invitation_id: created.id, expires_at: created.expires_at } }]);
    expect(JSON.stringify(await t.sql('SELECT * FROM audit_events'))).not.toContain(token);

    const list = await t.http().get(`/api/v4/groups/${g.id}/saml_link_invitations`).set(auth(owner.token)).expect(200);
    expect(list.headers['x-total']).toBeDefined();
    const listed = (list.body as { id: number }[]).find((i) => i.id === created.id);
    expect(listed).toMatchObject({ id: created.id, state: 'active', user: { id: person.id } });
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(JSON.stringify(list.body)).not.toContain('"url"');
    const one = await t.http().get(`/api/v4/groups/${g.id}/saml_link_invitations/${created.id}`).set(auth(owner.token)).expect(200);
    expect(one.body).not.toHaveProperty('url');
  });

  it('the invited person opens the URL, goes to the IdP with an AuthnRequest bound to the invitation, and the NameID that comes back is linked to their account', async () => {
    const person = await unlinkedMember();
    const created = await invite(person.id);
    const opened = await t.http().get(invitationPath(created.url)).expect(200);
    expect(opened.text).toContain('Link your account to Group invites');
    expect(opened.text).toContain(`Person ${owner.username} invited the Roster account <strong>Person ${person.username}</strong> (@${person.username})`);
    // The page's address carries the secret: it must not leak as a Referer to the IdP, nor be cached.
    expect(opened.headers['referrer-policy']).toBe('no-referrer');
    expect(opened.headers['cache-control']).toBe('no-store');
    const started = await startInvitation(t.http(), created.url);
    expect(started.location.startsWith('https://idp.example.test/sso/saml?')).toBe(true);
    expect(await t.sql('SELECT link_invitation_id FROM saml_requests WHERE id = ?', [started.requestId])).toEqual([{ link_invitation_id: created.id }]);

    const linkedNameId = nameId();
    const before = await lastAuditId(t);
    // Another email than the account's: the invitation, not the email, says whose account it is.
    const done = await signInWithSaml(t, g, { nameId: linkedNameId, email: 'someone-else@idp.test', inResponseTo: started.requestId }).expect(303);
    expect(done.headers.location).toBe('/');
    const me = await t.http().get('/api/v4/user').set('Cookie', sessionCookieFrom(done.headers['set-cookie'])!).expect(200);
    expect(me.body.id).toBe(person.id);
    expect(await t.sql('SELECT user_id, extern_uid FROM saml_identities WHERE group_id = ? AND extern_uid = ?', [g.id, linkedNameId])).toEqual([{ user_id: person.id, extern_uid: linkedNameId }]);
    const events = await auditSince(t, before);
    expect(events.map((e) => e.event_name)).toEqual(['saml_identity_linked', 'saml_link_invitation_used', 'authenticated_with_group_saml']);
    expect(events[1]).toMatchObject({ target_id: person.id, details: { invitation_id: created.id, extern_uid: linkedNameId, already_linked: false } });
    const row = await t.http().get(`/api/v4/groups/${g.id}/saml_link_invitations/${created.id}`).set(auth(owner.token)).expect(200);
    expect(row.body).toMatchObject({ state: 'used', used_extern_uid: linkedNameId });

    // From now on the NameID signs this account in, with no invitation and no session (outcome 1).
    const later = await signInWithSaml(t, g, { nameId: linkedNameId }).expect(303);
    const again = await t.http().get('/api/v4/user').set('Cookie', sessionCookieFrom(later.headers['set-cookie'])!).expect(200);
    expect(again.body.id).toBe(person.id);
  });

  it('is single use: opening it again is refused (styled page, audited), and a second IdP answer to a request started before the first use changes nothing', async () => {
    const person = await unlinkedMember();
    const created = await invite(person.id);
    const first = await startInvitation(t.http(), created.url);
    const second = await startInvitation(t.http(), created.url);
    const linked = nameId();
    await signInWithSaml(t, g, { nameId: linked, inResponseTo: first.requestId }).expect(303);

    const before = await lastAuditId(t);
    const reopened = await t.http().get(invitationPath(created.url)).expect(403);
    expect(reopened.headers['content-type']).toMatch(/^text\/html/);
    expect(reopened.text).toContain('This link invitation has already been used');
    expect(reopened.text).toContain('invitation_used');
    expect(await auditSince(t, before)).toEqual([
      { event_name: 'saml_link_invitation_refused', target_id: person.id, details: { invitation_id: created.id, reason: 'invitation_used', name_id: null } },
    ]);

    const state = await snapshot(t);
    const after = await lastAuditId(t);
    const refused = await signInWithSaml(t, g, { nameId: nameId(), inResponseTo: second.requestId }).expect(403);
    expect(refused.text).toContain('This link invitation has already been used');
    expect((await auditSince(t, after)).map((e) => [e.event_name, e.details.reason])).toEqual([
      ['saml_link_invitation_refused', 'invitation_used'],
      ['saml_sign_in_refused', 'invitation_used'],
    ]);
    const now = await snapshot(t);
    // Only the refusal's own records: its audit events, the sign-in observation, the replay cache and the request's use.
    for (const table of ['users', 'members', 'saml_identities', 'scim_identities', 'sessions']) expect(now[table]).toEqual(state[table]);
    expect(await t.sql('SELECT extern_uid FROM saml_identities WHERE group_id = ? AND user_id = ?', [g.id, person.id])).toEqual([{ extern_uid: linked }]);
  });

  it('refuses a NameID that already belongs to someone else ("User has already been taken") and leaves the invitation usable', async () => {
    const holder = await unlinkedMember();
    const taken = nameId();
    await t.sql('INSERT INTO saml_identities (group_id, user_id, extern_uid, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
      g.id,
      holder.id,
      taken,
      new Date().toISOString(),
      new Date().toISOString(),
    ]);
    const person = await unlinkedMember();
    const created = await invite(person.id);
    const started = await startInvitation(t.http(), created.url);
    const before = await lastAuditId(t);
    const refused = await signInWithSaml(t, g, { nameId: taken, inResponseTo: started.requestId }).expect(409);
    expect(refused.text).toContain('SAML authentication failed: User has already been taken');
    expect(refused.headers['set-cookie']).toBeUndefined();
    expect((await auditSince(t, before)).map((e) => [e.event_name, e.details.reason])).toEqual([
      ['saml_link_invitation_refused', 'taken'],
      ['saml_sign_in_refused', 'taken'],
    ]);
    expect(await t.sql('SELECT user_id FROM saml_identities WHERE group_id = ? AND extern_uid = ?', [g.id, taken])).toEqual([{ user_id: holder.id }]);
    expect(await t.sql('SELECT id FROM saml_identities WHERE group_id = ? AND user_id = ?', [g.id, person.id])).toEqual([]);
    // The person signed in at the IdP with the wrong account; the invitation still works with the right one.
    const retry = await startInvitation(t.http(), created.url);
    const own = nameId();
    await signInWithSaml(t, g, { nameId: own, inResponseTo: retry.requestId }).expect(303);
    expect(await t.sql('SELECT extern_uid FROM saml_identities WHERE group_id = ? AND user_id = ?', [g.id, person.id])).toEqual([{ extern_uid: own }]);
  });

  it('refuses the use when the account was blocked after the invitation was made, and leaves the invitation usable once unblocked', async () => {
    const person = await unlinkedMember();
    const created = await invite(person.id);
    const started = await startInvitation(t.http(), created.url);
    await t.http().post(`/api/v4/users/${person.id}/block`).set(adminAuth).expect(201);
    const before = await lastAuditId(t);
    const refused = await signInWithSaml(t, g, { nameId: nameId(), inResponseTo: started.requestId }).expect(403);
    expect(refused.text).toContain('Your account is blocked.');
    expect((await auditSince(t, before)).map((e) => [e.event_name, e.details.reason])).toEqual([
      ['saml_link_invitation_refused', 'account_blocked'],
      ['saml_sign_in_refused', 'account_blocked'],
    ]);
    expect(await t.sql('SELECT id FROM saml_identities WHERE group_id = ? AND user_id = ?', [g.id, person.id])).toEqual([]);
    await t.http().post(`/api/v4/users/${person.id}/unblock`).set(adminAuth).expect(201);
    const retry = await startInvitation(t.http(), created.url);
    await signInWithSaml(t, g, { nameId: nameId(), inResponseTo: retry.requestId }).expect(303);
  });

  it("replaces the account's previous SAML identity of the group, as Authorize does", async () => {
    const person = await unlinkedMember();
    await t.sql('INSERT INTO saml_identities (group_id, user_id, extern_uid, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
      g.id,
      person.id,
      'old-name-id',
      new Date().toISOString(),
      new Date().toISOString(),
    ]);
    const created = await invite(person.id);
    const started = await startInvitation(t.http(), created.url);
    const fresh = nameId();
    const before = await lastAuditId(t);
    await signInWithSaml(t, g, { nameId: fresh, inResponseTo: started.requestId }).expect(303);
    expect(await t.sql('SELECT extern_uid FROM saml_identities WHERE group_id = ? AND user_id = ?', [g.id, person.id])).toEqual([{ extern_uid: fresh }]);
    const [linked] = await auditSince(t, before);
    expect(linked).toMatchObject({ event_name: 'saml_identity_linked', details: { extern_uid: fresh, replaced: 'old-name-id', link_invitation_id: created.id } });
  });

  it('an expired invitation is refused when opened and when the IdP answers after it expired', async () => {
    const person = await unlinkedMember();
    const created = await invite(person.id, owner.token, { expires_in_days: 1 });
    const days = (Date.parse(created.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(0.99);
    expect(days).toBeLessThanOrEqual(1);
    const started = await startInvitation(t.http(), created.url);
    await t.sql('UPDATE saml_link_invitations SET expires_at = ? WHERE id = ?', [new Date(Date.now() - 1000).toISOString(), created.id]);
    const page = await t.http().get(invitationPath(created.url)).expect(403);
    expect(page.text).toContain('This link invitation has expired');
    const refused = await signInWithSaml(t, g, { nameId: nameId(), inResponseTo: started.requestId }).expect(403);
    expect(refused.text).toContain('This link invitation has expired');
    expect(await t.sql('SELECT id FROM saml_identities WHERE group_id = ? AND user_id = ?', [g.id, person.id])).toEqual([]);
    const listed = await t.http().get(`/api/v4/groups/${g.id}/saml_link_invitations`).query({ state: 'expired' }).set(auth(owner.token)).expect(200);
    expect((listed.body as { id: number; state: string }[]).map((i) => [i.id, i.state])).toEqual([[created.id, 'expired']]);
  });

  it('an Owner revokes an active invitation (204, audited); it is refused afterwards, and revoking again is 409', async () => {
    const person = await unlinkedMember();
    const created = await invite(person.id);
    const started = await startInvitation(t.http(), created.url);
    const before = await lastAuditId(t);
    await t.http().delete(`/api/v4/groups/${g.id}/saml_link_invitations/${created.id}`).set(auth(owner.token)).expect(204);
    expect(await auditSince(t, before)).toEqual([{ event_name: 'saml_link_invitation_revoked', target_id: person.id, details: { invitation_id: created.id } }]);
    const row = await t.http().get(`/api/v4/groups/${g.id}/saml_link_invitations/${created.id}`).set(auth(owner.token)).expect(200);
    expect(row.body).toMatchObject({ state: 'revoked', revoked_by: { name: `Person ${owner.username}` } });
    expect((await t.http().get(invitationPath(created.url)).expect(403)).text).toContain('This link invitation was withdrawn');
    expect((await signInWithSaml(t, g, { nameId: nameId(), inResponseTo: started.requestId }).expect(403)).text).toContain('This link invitation was withdrawn');
    const again = await t.http().delete(`/api/v4/groups/${g.id}/saml_link_invitations/${created.id}`).set(auth(owner.token)).expect(409);
    expect(again.body).toEqual({ message: 'This link invitation is revoked and can no longer be revoked' });
    const listed = await t.http().get(`/api/v4/groups/${g.id}/saml_link_invitations`).query({ state: 'revoked', user_id: person.id }).set(auth(owner.token)).expect(200);
    expect((listed.body as { id: number }[]).map((i) => i.id)).toEqual([created.id]);
  });

  it('a URL with an unknown or malformed secret gets a 404 page and is audited; Continue without the page’s nonce goes back to the page', async () => {
    const before = await lastAuditId(t);
    for (const token of ['roster_link_doesnotexist', 'garbage', '']) {
      const page = await t.http().get('/groups/invites/-/saml/link_invitation').query({ token }).expect(404);
      expect(page.text).toContain('This link invitation is not valid');
    }
    expect((await auditSince(t, before)).map((e) => [e.event_name, e.details.reason, e.target_id])).toEqual(Array(3).fill(['saml_link_invitation_refused', 'invitation_unknown', null]));

    const person = await unlinkedMember();
    const created = await invite(person.id);
    const requests = await t.sql('SELECT id FROM saml_requests');
    const forged = await t
      .http()
      .post('/groups/invites/-/saml/link_invitation')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(new URLSearchParams({ token: tokenOf(created.url), nonce: 'guessed' }).toString())
      .expect(303);
    expect(forged.headers.location).toBe(invitationPath(created.url));
    expect(await t.sql('SELECT id FROM saml_requests')).toEqual(requests);
  });

  it('the "User is not linked to a SAML account" page tells the person to ask an Owner for a link invitation', async () => {
    const person = await unlinkedMember();
    const page = await signInWithSaml(t, g, { nameId: nameId(), email: person.email }).expect(403);
    expect(page.text).toContain('User is not linked to a SAML account');
    expect(page.text).toContain('Ask an Owner of Group invites for a link invitation');
  });

  describe('who may create, list and revoke', () => {
    it('a Developer gets 403, a non-member 404, no credentials 401, for every endpoint; nothing is written', async () => {
      const person = await unlinkedMember();
      const created = await invite(person.id);
      const outsider = await createPerson(t, 'outsider');
      const count = await t.sql('SELECT COUNT(*) AS n FROM saml_link_invitations');
      for (const [who, status] of [
        [auth(developer.token), 403],
        [auth(outsider.token), 404],
        [{}, 401],
      ] as const) {
        await t.http().post(`/api/v4/groups/${g.id}/saml_link_invitations`).set(who).send({ user_id: person.id }).expect(status);
        await t.http().get(`/api/v4/groups/${g.id}/saml_link_invitations`).set(who).expect(status);
        await t.http().get(`/api/v4/groups/${g.id}/saml_link_invitations/${created.id}`).set(who).expect(status);
        await t.http().delete(`/api/v4/groups/${g.id}/saml_link_invitations/${created.id}`).set(who).expect(status);
      }
      expect(await t.sql('SELECT COUNT(*) AS n FROM saml_link_invitations')).toEqual(count);
      expect((await t.http().get(`/api/v4/groups/${g.id}/saml_link_invitations/${created.id}`).set(auth(owner.token)).expect(200)).body.state).toBe('active');
    });

    it('an Owner may invite only members of the group; an admin may invite any account', async () => {
      const outsider = await createPerson(t, 'nonmember');
      const refused = await t.http().post(`/api/v4/groups/${g.id}/saml_link_invitations`).set(auth(owner.token)).send({ user_id: outsider.id }).expect(400);
      expect(refused.body.message).toEqual({ user_id: ['is not a member of this group: only an administrator can invite an account from outside it'] });
      const created = await invite(outsider.id, (adminAuth.Authorization as string).slice('Bearer '.length));
      expect(created.user.id).toBe(outsider.id);
      // Used, it signs them in and makes them a member at the default role.
      const started = await startInvitation(t.http(), created.url);
      await signInWithSaml(t, g, { nameId: nameId(), inResponseTo: started.requestId }).expect(303);
      expect(await t.sql('SELECT access_level FROM members WHERE group_id = ? AND user_id = ?', [g.id, outsider.id])).toEqual([{ access_level: 20 }]);
    });

    it('an Owner may not invite an administrator, even one who is a member; an admin may', async () => {
      const administrator = await createPerson(t, 'member-admin', { is_admin: true });
      await addMember(t, g.id, administrator.id, 30);
      const before = await t.sql('SELECT COUNT(*) AS n FROM saml_link_invitations');
      const refused = await t.http().post(`/api/v4/groups/${g.id}/saml_link_invitations`).set(auth(owner.token)).send({ user_id: administrator.id }).expect(400);
      expect(refused.body.message).toEqual({ user_id: ['is an administrator: only an administrator can invite an administrator account'] });
      expect(await t.sql('SELECT COUNT(*) AS n FROM saml_link_invitations')).toEqual(before);
      const created = await invite(administrator.id, (adminAuth.Authorization as string).slice('Bearer '.length));
      expect(created.user.id).toBe(administrator.id);
    });

    it('reports every bad field at once, refuses unknown users (404), blocked accounts, and an expiry outside 1 to 30 days; nothing is written', async () => {
      const person = await unlinkedMember();
      const count = await t.sql('SELECT COUNT(*) AS n FROM saml_link_invitations');
      const post = (body: Record<string, unknown>) => t.http().post(`/api/v4/groups/${g.id}/saml_link_invitations`).set(auth(owner.token)).send(body);
      expect((await post({}).expect(400)).body).toEqual({ error: 'user_id is missing' });
      expect((await post({ user_id: 'abc' }).expect(400)).body.message).toEqual({ user_id: ['must be a whole number from 1 to 2147483647'] });
      expect((await post({ user_id: 999999 }).expect(404)).body).toEqual({ message: '404 User Not Found' });
      for (const days of [0, 31, 'soon', 2.5]) {
        expect((await post({ user_id: person.id, expires_in_days: days }).expect(400)).body.message).toEqual({ expires_in_days: ['must be a whole number of days from 1 to 30'] });
      }
      const outsider = await createPerson(t, 'both');
      expect((await post({ user_id: outsider.id, expires_in_days: 90 }).expect(400)).body.message).toEqual({
        expires_in_days: ['must be a whole number of days from 1 to 30'],
        user_id: ['is not a member of this group: only an administrator can invite an account from outside it'],
      });
      await t.http().post(`/api/v4/users/${person.id}/block`).set(adminAuth).expect(201);
      expect((await post({ user_id: person.id }).expect(400)).body.message).toEqual({ user_id: ['is blocked: unblock the account first, or the invitation could not be used'] });
      expect((await post({ user_id: person.id, expires_in_days: '30' }).expect(400)).body.message.user_id).toBeDefined();
      await t.http().get(`/api/v4/groups/${g.id}/saml_link_invitations`).query({ state: 'lost' }).set(auth(owner.token)).expect(400);
      expect(await t.sql('SELECT COUNT(*) AS n FROM saml_link_invitations')).toEqual(count);
    });

    it('a group without SAML SSO enabled cannot create invitations (412)', async () => {
      const other = await t.http().post('/api/v4/groups').set(adminAuth).send({ name: 'No SSO', path: 'no-sso' }).expect(201);
      const person = await createPerson(t, 'nosso');
      await addMember(t, other.body.id, person.id, DEVELOPER);
      const res = await t.http().post(`/api/v4/groups/${other.body.id}/saml_link_invitations`).set(adminAuth).send({ user_id: person.id }).expect(412);
      expect(res.body.message).toMatch(/^SAML SSO is not enabled for this group/);
    });
  });
});
