import { jest } from '@jest/globals';
import { adminAuth, IDP_SSO_URL, oktaUser, SCIM_JSON, setUpInstance } from '../support/fixtures.js';
import { auditSince, createAccount, lastAuditId, signInBrowser, snapshot } from '../support/saml-fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { authnRequestIdFromRedirect, authnRequestXmlFromRedirect, groupSp, instanceSp, newSamlId, postSamlResponse, PostOptions, samlResponse, sessionCookieFrom } from '../support/test-idp.js';
import type { ServiceProvider } from '../support/test-idp.js';

/** The hidden fields of the Authorize form on the link offer page. */
function authorizeForm(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]] = m[2].replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
  return fields;
}

interface InstancePerson {
  userId: number;
  scimId: string;
  externalId: string;
  email: string;
}

/**
 * saml.md's instance provider (self-managed sign-in): /users/auth/saml/{metadata,sso,callback,authorize}
 * with the group outcomes read for the instance, signed by the independent test IdP (xml-crypto
 * with the fixture keys, test/support/test-idp.ts). Runs on SQLite and, with TEST_DATABASE_URL, PostgreSQL.
 */
describe('instance SAML sign-in (/users/auth/saml)', () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  let sp: ServiceProvider;
  let scim: { scimToken: string; base: string };
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp();
    sp = instanceSp(t.config.baseUrl);
  });
  afterAll(async () => t.close());

  const post = (o: PostOptions) => postSamlResponse(t.http(), sp, o);

  async function provisionInstance(): Promise<InstancePerson> {
    const body = oktaUser();
    const res = await t.http().post(`${scim.base}/Users`).set('Authorization', `Bearer ${scim.scimToken}`).set('Content-Type', SCIM_JSON).send(JSON.stringify(body)).expect(201);
    const [row] = await t.sql<{ user_id: number }>('SELECT user_id FROM scim_identities WHERE group_id IS NULL AND extern_uid = ?', [body.externalId]);
    return { userId: Number(row.user_id), scimId: res.body.id as string, externalId: body.externalId as string, email: (body.emails as { value: string }[])[0].value };
  }

  async function account(): Promise<{ userId: number; email: string }> {
    counter += 1;
    const email = `inst${counter}@acme.com`;
    return { userId: await createAccount(t, { username: `inst${counter}`, name: `Instance ${counter}`, email }), email };
  }

  async function sessionUser(cookie: string): Promise<number> {
    const me = await t.http().get('/api/v4/user').set('Cookie', cookie).expect(200);
    return me.body.id as number;
  }

  async function report(): Promise<Record<string, unknown>[]> {
    const res = await t.http().get('/api/v4/application/identity_mismatches?per_page=100').set(adminAuth).expect(200);
    return res.body as Record<string, unknown>[];
  }

  it('before the instance provider is enabled: metadata is served, the SSO start and the ACS answer a 404 page', async () => {
    const metadata = await t.http().get('/users/auth/saml/metadata').expect(200);
    expect(metadata.headers['content-type']).toContain('application/samlmetadata+xml');
    expect(metadata.text).toContain(`entityID="${t.config.baseUrl}"`);
    expect(metadata.text).toContain(`Location="${t.config.baseUrl}/users/auth/saml/callback"`);
    const sso = await t.http().get('/users/auth/saml/sso').expect(404);
    expect(sso.headers['content-type']).toContain('text/html');
    expect(sso.text).toContain('SAML single sign-on is not enabled for Roster.');
    expect(sso.text).toContain('Ask an administrator to configure and enable SAML SSO.');
    await post({ nameId: 'nobody' }).expect(404);

    scim = await setUpInstance(t);
    const provider = await t.http().get('/api/v4/application/saml_provider').set(adminAuth).expect(200);
    expect(provider.body).toMatchObject({
      sp_entity_id: t.config.baseUrl,
      acs_url: `${t.config.baseUrl}/users/auth/saml/callback`,
      metadata_url: `${t.config.baseUrl}/users/auth/saml/metadata`,
      sso_start_url: `${t.config.baseUrl}/users/auth/saml/sso`,
    });
  });

  it('SP-initiated: the SSO start sends an AuthnRequest to the IdP; its answer signs the SCIM-provisioned person in, with no membership anywhere', async () => {
    const person = await provisionInstance();
    const start = await t.http().get('/users/auth/saml/sso?redirect_to=/admin-area').expect(302);
    expect(start.headers.location.startsWith(`${IDP_SSO_URL}?`)).toBe(true);
    expect(authnRequestXmlFromRedirect(start.headers.location)).toContain(`AssertionConsumerServiceURL="${t.config.baseUrl}/users/auth/saml/callback"`);
    const requestId = authnRequestIdFromRedirect(start.headers.location);
    expect(await t.sql('SELECT group_id, used_at FROM saml_requests WHERE id = ?', [requestId])).toEqual([{ group_id: null, used_at: null }]);

    const before = await lastAuditId(t);
    const res = await post({ nameId: person.externalId, email: person.email, inResponseTo: requestId, relayState: new URL(start.headers.location).searchParams.get('RelayState')! }).expect(303);
    expect(res.headers.location).toBe('/admin-area');
    expect(await sessionUser(sessionCookieFrom(res.headers['set-cookie'])!)).toBe(person.userId);
    const [used] = await t.sql<{ used_at: string | null }>('SELECT used_at FROM saml_requests WHERE id = ?', [requestId]);
    expect(used.used_at).not.toBeNull();
    expect(await t.sql('SELECT group_id, name_id, user_id, outcome FROM saml_sign_ins WHERE user_id = ?', [person.userId])).toEqual([
      { group_id: null, name_id: person.externalId, user_id: person.userId, outcome: 'signed_in' },
    ]);
    expect(await t.sql('SELECT group_id FROM members WHERE user_id = ?', [person.userId])).toEqual([]);
    const events = await t.sql<{ event_name: string; group_id: number | null; target_id: number }>('SELECT event_name, group_id, target_id FROM audit_events WHERE id > ? ORDER BY id', [before]);
    expect(events.map((e) => ({ ...e, target_id: Number(e.target_id) }))).toEqual([{ event_name: 'authenticated_with_group_saml', group_id: null, target_id: person.userId }]);

    // The same answer again is a replay; the request is used up.
    await post({ nameId: person.externalId, email: person.email, inResponseTo: requestId }).expect(400);
  });

  it('IdP-initiated (no InResponseTo): a linked NameID signs in; a response for a group, or signed by another key, is refused', async () => {
    const person = await provisionInstance();
    const res = await post({ nameId: person.externalId }).expect(303);
    expect(res.headers.location).toBe('/');
    expect(await sessionUser(sessionCookieFrom(res.headers['set-cookie'])!)).toBe(person.userId);

    const before = await snapshot(t);
    const lastAudit = await lastAuditId(t);
    const forGroup = groupSp(t.config.baseUrl, 'acme');
    const wrongAudience = await post({ nameId: person.externalId, audience: forGroup.entityId, destination: forGroup.acsUrl, recipient: forGroup.acsUrl }).expect(400);
    expect(wrongAudience.text).toContain('Reason code: <code>wrong_audience</code>');
    expect(wrongAudience.text).toContain('Quote it to an administrator');
    await post({ nameId: person.externalId, key: 'other' }).expect(400);
    const after = await snapshot(t);
    expect({ ...after, audit_events: [] }).toEqual({ ...before, audit_events: [] });
    expect((await auditSince(t, lastAudit)).map((e) => [e.event_name, e.details.reason])).toEqual([
      ['saml_sign_in_refused', 'wrong_audience'],
      ['saml_sign_in_refused', 'invalid_signature'],
    ]);
  });

  it('links an unknown NameID to the signed-in account on Authorize (instance identity, provider = instance)', async () => {
    const { userId } = await account();
    const browser = await signInBrowser(t, userId);
    const offer = await post({ nameId: 'inst-link-1', email: 'someone@idp.test', cookie: browser.cookie, relayState: '/after' }).expect(200);
    expect(offer.text).toContain('Allow Roster to sign you in with SAML?');
    expect(offer.text).toMatch(/<form method="post" action="\/users\/auth\/saml\/authorize">/);
    const form = authorizeForm(offer.text);
    expect(form.csrf_token).toBe(browser.csrfToken);
    expect(await t.sql('SELECT group_id, outcome FROM saml_sign_ins WHERE id = ?', [Number(form.pending)])).toEqual([{ group_id: null, outcome: 'link_offered' }]);

    const before = await lastAuditId(t);
    const done = await t
      .http()
      .post('/users/auth/saml/authorize')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Cookie', browser.cookie)
      .send(new URLSearchParams(form).toString())
      .expect(303);
    expect(done.headers.location).toBe('/after');
    expect(await t.sql('SELECT group_id, extern_uid FROM saml_identities WHERE user_id = ?', [userId])).toEqual([{ group_id: null, extern_uid: 'inst-link-1' }]);
    expect((await auditSince(t, before)).map((e) => e.event_name)).toEqual(['saml_identity_linked', 'authenticated_with_group_saml']);
    const identities = await t.http().get(`/api/v4/users/${userId}`).set(adminAuth).expect(200);
    expect(identities.body.identities).toEqual([expect.objectContaining({ provider: 'saml', extern_uid: 'inst-link-1', group_id: null })]);

    // A CSRF token from another session changes nothing.
    const other = await account();
    const otherBrowser = await signInBrowser(t, other.userId);
    const offer2 = await post({ nameId: 'inst-link-2', cookie: otherBrowser.cookie }).expect(200);
    const forged = { ...authorizeForm(offer2.text), csrf_token: browser.csrfToken };
    await t
      .http()
      .post('/users/auth/saml/authorize')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Cookie', otherBrowser.cookie)
      .send(new URLSearchParams(forged).toString())
      .expect(403);
    expect(await t.sql('SELECT extern_uid FROM saml_identities WHERE user_id = ?', [other.userId])).toEqual([]);
  });

  it('an instance user signs in at the instance SSO URL with a changed NameID, and appears in the instance mismatch report', async () => {
    const person = await provisionInstance();
    const start = await t.http().get('/users/auth/saml/sso').expect(302);
    const before = await lastAuditId(t);
    const res = await post({ nameId: 'renamed-at-idp', email: person.email, inResponseTo: authnRequestIdFromRedirect(start.headers.location) }).expect(303);
    expect(await sessionUser(sessionCookieFrom(res.headers['set-cookie'])!)).toBe(person.userId);
    expect(await t.sql('SELECT group_id, extern_uid FROM saml_identities WHERE user_id = ?', [person.userId])).toEqual([{ group_id: null, extern_uid: 'renamed-at-idp' }]);
    const events = await auditSince(t, before);
    expect(events.map((e) => e.event_name)).toEqual(['update_mismatched_group_saml_extern_uid', 'authenticated_with_group_saml']);
    expect(events[0].details).toMatchObject({ from: person.externalId, to: 'renamed-at-idp' });

    const row = (await report()).find((r) => r.user_id === person.userId);
    expect(row).toMatchObject({
      kind: 'scim_saml_mismatch',
      scim_extern_uid: person.externalId,
      saml_extern_uid: 'renamed-at-idp',
      observed_name_id: 'renamed-at-idp',
    });
    // A group's report does not show instance identities.
    const group = await t.http().post('/api/v4/groups').set(adminAuth).send({ name: 'Other', path: 'inst-other' }).expect(201);
    const groupReport = await t.http().get(`/api/v4/groups/${group.body.id}/identity_mismatches`).set(adminAuth).expect(200);
    expect(groupReport.body).toEqual([]);

    // The one-click fix, with a value from the row: SCIM and SAML agree again, the row is gone.
    const fixed = await t.http().post(`/api/v4/application/identity_mismatches/${person.userId}/resolve`).set(adminAuth).send({ extern_uid: 'renamed-at-idp' }).expect(200);
    expect(fixed.body).toEqual({ user_id: person.userId, resolved: true, mismatch: null });
    expect(await t.sql('SELECT extern_uid FROM scim_identities WHERE group_id IS NULL AND user_id = ?', [person.userId])).toEqual([{ extern_uid: 'renamed-at-idp' }]);
    expect((await report()).find((r) => r.user_id === person.userId)).toBeUndefined();
    await t.http().post(`/api/v4/application/identity_mismatches/${person.userId}/resolve`).set(adminAuth).send({ extern_uid: 'anything' }).expect(404);
  });

  it('refuses "not linked" (an account with that email but no instance identity) and "no account", changing only the observation and the audit log', async () => {
    const { userId, email } = await account();
    const before = await snapshot(t);
    const notLinked = await post({ nameId: 'inst-unlinked', email }).expect(403);
    expect(notLinked.text).toContain('User is not linked to a SAML account');
    expect(notLinked.text).toContain(`${t.config.baseUrl}/users/auth/saml/sso`);
    expect(notLinked.text).toContain('Or ask an administrator to fix your identity');
    expect(notLinked.text).toContain(`href="${t.config.baseUrl}/#/admin/sign-in-troubleshooter"`);
    const noAccount = await post({ nameId: 'inst-nobody', email: 'nobody-here@acme.com' }).expect(403);
    expect(noAccount.text).toContain('There is no account for this identity');
    const after = await snapshot(t);
    expect({ ...after, audit_events: [], saml_sign_ins: [], saml_assertions: [] }).toEqual({ ...before, audit_events: [], saml_sign_ins: [], saml_assertions: [] });
    expect(await t.sql('SELECT group_id, name_id, user_id, outcome FROM saml_sign_ins WHERE name_id IN (?, ?) ORDER BY id', ['inst-unlinked', 'inst-nobody'])).toEqual([
      { group_id: null, name_id: 'inst-unlinked', user_id: userId, outcome: 'refused_not_linked' },
      { group_id: null, name_id: 'inst-nobody', user_id: null, outcome: 'refused_no_account' },
    ]);

    // The admin troubleshooter sees the instance sign-ins.
    const diagnosis = await t
      .http()
      .get(`/api/v4/application/sign_in_diagnosis?q=${encodeURIComponent(email)}`)
      .set(adminAuth)
      .expect(200);
    const person = (diagnosis.body.people as { user: { id: number } | null; last_sign_in: unknown }[]).find((p) => p.user?.id === userId);
    expect(person?.last_sign_in).toMatchObject({ name_id: 'inst-unlinked', outcome: 'refused_not_linked' });
  });

  it('refuses a person the IdP deprovisioned over instance SCIM (inactive SCIM identity), and a blocked account', async () => {
    const gone = await provisionInstance();
    await t
      .http()
      .patch(`${scim.base}/Users/${gone.scimId}`)
      .set('Authorization', `Bearer ${scim.scimToken}`)
      .set('Content-Type', SCIM_JSON)
      .send(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] }))
      .expect(204);
    let lastAudit = await lastAuditId(t);
    const inactive = await post({ nameId: gone.externalId }).expect(403);
    expect(inactive.text).toContain('the identity provider removed you from this Roster instance');
    expect((await auditSince(t, lastAudit)).map((e) => e.event_name)).toEqual(['inactive_scim_user_cannot_be_added', 'saml_sign_in_refused']);
    expect(inactive.headers['set-cookie']).toBeUndefined();

    // A NameID the IdP changed for that person: refused the same way, and the report shows the NameID it sent.
    await post({ nameId: 'gone-renamed', email: gone.email }).expect(403);
    expect((await report()).find((r) => r.user_id === gone.userId)).toMatchObject({ kind: 'name_id_mismatch', saml_extern_uid: gone.externalId, observed_name_id: 'gone-renamed' });

    const blocked = await provisionInstance();
    await t.http().post(`/api/v4/users/${blocked.userId}/block`).set(adminAuth).expect(201);
    lastAudit = await lastAuditId(t);
    const refused = await post({ nameId: blocked.externalId }).expect(403);
    expect(refused.text).toContain('Your account is blocked.');
    expect((await auditSince(t, lastAudit)).map((e) => [e.event_name, e.details.reason])).toEqual([['saml_sign_in_refused', 'account_blocked']]);
    // SCIM says active, the account is blocked: the instance report says so.
    expect((await report()).find((r) => r.user_id === blocked.userId)).toMatchObject({ kind: 'scim_inactive_member', explanation: expect.stringContaining('is active, but the account is blocked') });
  });

  it('the same assertion posted 8 times at once signs in once (the replay cache decides, on PostgreSQL across connections too)', async () => {
    const person = await provisionInstance();
    const raw = samlResponse(sp, { nameId: person.externalId, assertionId: newSamlId() });
    const answers = await Promise.all(Array.from({ length: 8 }, () => post({ nameId: person.externalId, rawSamlResponse: raw })));
    expect(answers.map((a) => a.status).sort()).toEqual([303, 400, 400, 400, 400, 400, 400, 400]);
    expect(await t.sql('SELECT outcome FROM saml_sign_ins WHERE user_id = ?', [person.userId])).toEqual([{ outcome: 'signed_in' }]);
    const [sessions] = await t.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', [person.userId]);
    expect(Number(sessions.n)).toBe(1);
  });

  it('the instance report is for admins only', async () => {
    const { userId } = await account();
    const pat = await t.http().post(`/api/v4/users/${userId}/personal_access_tokens`).set(adminAuth).send({ name: 'not-admin' }).expect(201);
    await t.http().get('/api/v4/application/identity_mismatches').set('Authorization', `Bearer ${pat.body.token}`).expect(403);
    await t.http().get('/api/v4/application/identity_mismatches').expect(401);
  });
});
