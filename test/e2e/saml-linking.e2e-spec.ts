import { jest } from '@jest/globals';
import { adminAuth, setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { auditSince, createAccount, lastAuditId, provision, signInBrowser, signInWithSaml, snapshot } from '../support/saml-fixtures.js';
import type { BrowserSession } from '../support/saml-fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/** The hidden fields of the Authorize form on the link offer page. */
function authorizeForm(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]] = m[2].replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
  return fields;
}

function postForm(t: TestApp, path: string, fields: Record<string, string>, cookie?: string) {
  const request = t.http().post(path).set('Content-Type', 'application/x-www-form-urlencoded');
  if (cookie) request.set('Cookie', cookie);
  return request.send(new URLSearchParams(fields).toString());
}

describe('SAML account linking (outcome 2: an unknown NameID in a signed-in browser)', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let g: GroupSetup;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'linking', { default_membership_role: 20 });
  });
  afterAll(async () => t.close());

  async function signedInAccount(): Promise<{ userId: number; browser: BrowserSession }> {
    counter += 1;
    const userId = await createAccount(t, { username: `linker${counter}`, name: `Linker ${counter}`, email: `linker${counter}@acme.com` });
    return { userId, browser: await signInBrowser(t, userId) };
  }

  it('asks "Allow <group> to sign you in with SAML?" with a CSRF-protected Authorize button, and links on Authorize', async () => {
    const { userId, browser } = await signedInAccount();
    const offer = await signInWithSaml(t, g, { nameId: 'idp-link-1', email: 'whatever@idp.test', cookie: browser.cookie, relayState: '/groups/linking' }).expect(200);
    expect(offer.text).toContain('Allow Group linking to sign you in with SAML?');
    expect(offer.text).toMatch(/<form method="post" action="\/groups\/linking\/-\/saml\/authorize">/);
    expect(offer.text).toMatch(/<button type="submit"[^>]*>Authorize<\/button>/);
    const form = authorizeForm(offer.text);
    expect(form.csrf_token).toBe(browser.csrfToken);
    expect(await t.sql('SELECT id FROM saml_identities WHERE user_id = ?', [userId])).toEqual([]);
    expect(await t.sql('SELECT name_id, user_id, outcome FROM saml_sign_ins WHERE id = ?', [Number(form.pending)])).toEqual([{ name_id: 'idp-link-1', user_id: userId, outcome: 'link_offered' }]);

    const before = await lastAuditId(t);
    const done = await postForm(t, '/groups/linking/-/saml/authorize', form, browser.cookie).expect(303);
    expect(done.headers.location).toBe('/groups/linking');
    expect(await t.sql('SELECT group_id, extern_uid FROM saml_identities WHERE user_id = ?', [userId])).toEqual([{ group_id: g.id, extern_uid: 'idp-link-1' }]);
    expect(await t.sql('SELECT access_level FROM members WHERE group_id = ? AND user_id = ?', [g.id, userId])).toEqual([{ access_level: 20 }]);
    const events = await auditSince(t, before);
    expect(events.map((e) => e.event_name)).toEqual(['saml_identity_linked', 'member_added', 'authenticated_with_group_saml']);
    expect(events[0]).toMatchObject({ target_id: userId, details: { extern_uid: 'idp-link-1', replaced: null } });

    // From now on the NameID signs this account in without a session (outcome 1).
    const next = await signInWithSaml(t, g, { nameId: 'idp-link-1' }).expect(303);
    const me = await t
      .http()
      .get('/api/v4/user')
      .set('Cookie', (next.headers['set-cookie'] as unknown as string[])[0].split(';')[0])
      .expect(200);
    expect(me.body.id).toBe(userId);
  });

  it("replaces the signed-in user's previous SAML identity of the group", async () => {
    const person = await provision(t, g);
    const browser = await signInBrowser(t, person.userId);
    const offer = await signInWithSaml(t, g, { nameId: 'idp-replaced', cookie: browser.cookie }).expect(200);
    const before = await lastAuditId(t);
    await postForm(t, '/groups/linking/-/saml/authorize', authorizeForm(offer.text), browser.cookie).expect(303);
    expect(await t.sql('SELECT extern_uid FROM saml_identities WHERE group_id = ? AND user_id = ?', [g.id, person.userId])).toEqual([{ extern_uid: 'idp-replaced' }]);
    const [linked] = await auditSince(t, before);
    expect(linked).toMatchObject({ event_name: 'saml_identity_linked', details: { extern_uid: 'idp-replaced', replaced: person.externalId } });
  });

  it('refuses a NameID linked to another user meanwhile: "SAML authentication failed: User has already been taken"', async () => {
    const first = await signedInAccount();
    const second = await signedInAccount();
    const offerA = await signInWithSaml(t, g, { nameId: 'idp-contested', cookie: first.browser.cookie }).expect(200);
    const offerB = await signInWithSaml(t, g, { nameId: 'idp-contested', cookie: second.browser.cookie }).expect(200);
    await postForm(t, '/groups/linking/-/saml/authorize', authorizeForm(offerB.text), second.browser.cookie).expect(303);
    const before = await snapshot(t);
    const auditId = await lastAuditId(t);
    const refused = await postForm(t, '/groups/linking/-/saml/authorize', authorizeForm(offerA.text), first.browser.cookie).expect(409);
    expect(refused.text).toContain('SAML authentication failed: User has already been taken');
    expect((await auditSince(t, auditId)).map((e) => [e.event_name, e.details.reason])).toEqual([['saml_sign_in_refused', 'taken']]);
    const after = await snapshot(t);
    expect(after.saml_identities).toEqual(before.saml_identities);
    expect(after.members).toEqual(before.members);
    expect(await t.sql('SELECT user_id FROM saml_identities WHERE group_id = ? AND extern_uid = ?', [g.id, 'idp-contested'])).toEqual([{ user_id: second.userId }]);
  });

  it('refuses an Authorize without the session CSRF token, without a session, or for another user, changing nothing', async () => {
    const { browser } = await signedInAccount();
    const other = await signedInAccount();
    const offer = await signInWithSaml(t, g, { nameId: 'idp-csrf', cookie: browser.cookie }).expect(200);
    const form = authorizeForm(offer.text);
    const before = await snapshot(t);
    const auditId = await lastAuditId(t);
    await postForm(t, '/groups/linking/-/saml/authorize', { ...form, csrf_token: 'forged' }, browser.cookie).expect(403);
    await postForm(t, '/groups/linking/-/saml/authorize', { pending: form.pending }, browser.cookie).expect(403);
    await postForm(t, '/groups/linking/-/saml/authorize', form).expect(401);
    await postForm(t, '/groups/linking/-/saml/authorize', { ...form, csrf_token: other.browser.csrfToken }, other.browser.cookie).expect(403);
    const reasons = (await auditSince(t, auditId)).map((e) => e.details.reason);
    expect(reasons).toEqual(['invalid_csrf_token', 'invalid_csrf_token', 'session_required', 'link_expired']);
    const after = await snapshot(t);
    expect({ ...after, audit_events: [] }).toEqual({ ...before, audit_events: [] });
  });

  it('refuses an offer older than ten minutes', async () => {
    const { browser } = await signedInAccount();
    const offer = await signInWithSaml(t, g, { nameId: 'idp-stale', cookie: browser.cookie }).expect(200);
    const form = authorizeForm(offer.text);
    await t.sql('UPDATE saml_sign_ins SET created_at = ? WHERE id = ?', [new Date(Date.now() - 11 * 60 * 1000).toISOString(), Number(form.pending)]);
    const res = await postForm(t, '/groups/linking/-/saml/authorize', form, browser.cookie).expect(403);
    expect(res.text).toContain('The authorization has expired');
  });

  it('escapes the NameID and email the IdP sent on the offer page', async () => {
    const { browser } = await signedInAccount();
    const offer = await signInWithSaml(t, g, { nameId: '<script>alert(1)</script>', email: 'x"><img src=x onerror=alert(1)>@x.test', cookie: browser.cookie }).expect(200);
    expect(offer.text).not.toContain('<script>alert');
    expect(offer.text).not.toContain('<img src=x');
    expect(offer.text).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  });

  it('re-posts a cross-site response from this origin so the session cookie can be seen, then offers the link', async () => {
    const { browser } = await signedInAccount();
    const crossSite = await signInWithSaml(t, g, { nameId: 'idp-cross-site', relayState: '/x', headers: { 'Sec-Fetch-Site': 'cross-site' } }).expect(200);
    expect(crossSite.text).toContain('<form id="resubmit" method="post" action="/groups/linking/-/saml/callback">');
    expect(crossSite.text).toContain('<script src="/groups/linking/-/saml/resubmit.js"></script>');
    expect(await t.sql('SELECT id FROM saml_sign_ins WHERE name_id = ?', ['idp-cross-site'])).toEqual([]);
    const fields = authorizeForm(crossSite.text);
    expect(fields).toMatchObject({ RelayState: '/x', resubmit: '1' });
    const offer = await postForm(t, '/groups/linking/-/saml/callback', fields, browser.cookie).expect(200);
    expect(offer.text).toContain('Allow Group linking to sign you in with SAML?');
    const script = await t.http().get('/groups/linking/-/saml/resubmit.js').expect(200);
    expect(script.headers['content-type']).toMatch(/^application\/javascript/);
  });

  it('makes a linked member whose email is in a verified domain an Enterprise user of the group', async () => {
    const verified = await setUpGroup(t, 'linking-verified');
    await t
      .http()
      .put(`/api/v4/groups/${verified.id}`)
      .set(adminAuth)
      .send({ verified_domains: ['verified.test'] })
      .expect(200);
    const userId = await createAccount(t, { username: 'enterprise', email: 'enterprise@verified.test' });
    const browser = await signInBrowser(t, userId);
    const offer = await signInWithSaml(t, verified, { nameId: 'idp-enterprise', email: 'enterprise@verified.test', cookie: browser.cookie }).expect(200);
    await postForm(t, '/groups/linking-verified/-/saml/authorize', authorizeForm(offer.text), browser.cookie).expect(303);
    const members = await t.http().get(`/api/v4/groups/${verified.id}/members`).set(adminAuth).expect(200);
    const row = (members.body as { id: number; enterprise: boolean; group_saml_identity: unknown; last_saml_sign_in: unknown }[]).find((m) => m.id === userId);
    expect(row).toMatchObject({
      enterprise: true,
      group_saml_identity: { extern_uid: 'idp-enterprise', provider: 'group_saml' },
      last_saml_sign_in: { name_id: 'idp-enterprise', outcome: 'linked' },
    });
  });

  it('refuses an invalid cross-site response at once instead of re-posting it', async () => {
    await signInWithSaml(t, g, { nameId: 'x', sign: 'none', headers: { 'Sec-Fetch-Site': 'cross-site' } }).expect(400);
  });
});
