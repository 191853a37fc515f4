import { jest } from '@jest/globals';
import { adminAuth, auth, SCIM_JSON, setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { auditSince, createAccount, lastAuditId, provision, signInBrowser, signInWithSaml, snapshot } from '../support/saml-fixtures.js';
import type { Provisioned } from '../support/saml-fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';

type Row = Record<string, unknown> & { user_id: number; kind: string };

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('identity-mismatch report', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let g: GroupSetup;
  const people: Record<string, Provisioned & { accountId?: number }> = {};
  let rootId: number;
  let scimMissingId: number;

  const report = (query: Record<string, string> = {}) => t.http().get(`/api/v4/groups/${g.id}/identity_mismatches`).query(query).set(adminAuth);
  const rowOf = async (userId: number): Promise<Row | undefined> => ((await report({ per_page: '100' }).expect(200)).body as Row[]).find((r) => r.user_id === userId);
  const scim = (method: 'patch' | 'delete' | 'get', path: string) => t.http()[method](`${g.base}${path}`).set('Authorization', `Bearer ${g.scimToken}`).set('Content-Type', SCIM_JSON);

  /** An account that exists before the IdP provisions it: SCIM links it, without a SAML identity. */
  async function provisionExisting(name: string): Promise<Provisioned & { accountId: number }> {
    const email = `${name}@acme.com`;
    const accountId = await createAccount(t, { username: name, email });
    const p = await provision(t, g, { userName: email, emails: [{ primary: true, value: email, type: 'work' }] });
    expect(p.userId).toBe(accountId);
    return { ...p, accountId };
  }

  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'report');
    rootId = ((await t.http().get('/api/v4/user').set(adminAuth).expect(200)).body as { id: number }).id;

    people.healthy = await provision(t, g);
    await signInWithSaml(t, g, { nameId: people.healthy.externalId }).expect(303);

    // scim_saml_mismatch: the IdP's NameID changed; sign-in relinked SAML, SCIM kept the old value.
    people.relinked = await provision(t, g);
    await signInWithSaml(t, g, { nameId: 'nameid-relinked', email: people.relinked.email }).expect(303);

    // name_id_mismatch: a SCIM-linked account (no SAML identity) signs in with another NameID and is refused.
    people.observed = await provisionExisting('observed');
    await signInWithSaml(t, g, { nameId: 'nameid-observed', email: people.observed.email }).expect(403);

    // saml_not_linked: a SCIM-linked account that never signed in with SAML.
    people.unlinked = await provisionExisting('unlinked');

    // scim_missing: linked through the Authorize page, never provisioned by SCIM.
    scimMissingId = await createAccount(t, { username: 'nolink', email: 'nolink@acme.com' });
    const browser = await signInBrowser(t, scimMissingId);
    const offer = await signInWithSaml(t, g, { nameId: 'nameid-nolink', cookie: browser.cookie }).expect(200);
    const pending = /name="pending" value="(\d+)"/.exec(offer.text)![1];
    await t
      .http()
      .post('/groups/report/-/saml/authorize')
      .set('Cookie', browser.cookie)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(new URLSearchParams({ csrf_token: browser.csrfToken, pending }).toString())
      .expect(303);

    // scim_inactive_member, both ways: deprovisioned but added back by hand; provisioned but removed by hand.
    people.inactive = await provision(t, g);
    await scim('patch', `/Users/${people.inactive.externalId}`)
      .send(JSON.stringify({ schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] }))
      .expect(204);
    await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).send({ user_id: people.inactive.userId, access_level: 10 }).expect(201);
    people.removed = await provision(t, g);
    await t.http().delete(`/api/v4/groups/${g.id}/members/${people.removed.userId}`).set(adminAuth).expect(204);
  });
  afterAll(async () => t.close());

  it('lists one row per person whose identities disagree, worst kind first, in the documented shape', async () => {
    const res = await report({ per_page: '100' }).expect(200);
    const rows = res.body as Row[];
    expect(rows.map((r) => [r.kind, r.user_id])).toEqual([
      ['scim_saml_mismatch', people.relinked.userId],
      ['name_id_mismatch', people.observed.userId],
      // The group's creator, an instance admin without SAML, is expected not to use it: no row.
      ['saml_not_linked', people.unlinked.userId],
      ['scim_missing', scimMissingId],
      ['scim_inactive_member', people.inactive.userId],
      ['scim_inactive_member', people.removed.userId],
    ]);
    expect(res.headers['x-total']).toBe('6');
    expect(Object.keys(rows[0]).sort()).toEqual(
      ['email', 'explanation', 'kind', 'name', 'observed_at', 'observed_name_id', 'saml_extern_uid', 'scim_extern_uid', 'suggested_fix', 'user_id', 'username'].sort(),
    );
    expect(rows[0]).toMatchObject({ scim_extern_uid: people.relinked.externalId, saml_extern_uid: 'nameid-relinked', observed_name_id: 'nameid-relinked' });
    expect(rows[0].explanation).toContain(`The SCIM externalId is "${people.relinked.externalId}" but the SAML identity's extern_uid is "nameid-relinked"`);
    expect(rows[1]).toMatchObject({ scim_extern_uid: people.observed.externalId, saml_extern_uid: null, observed_name_id: 'nameid-observed' });
    expect(typeof rows[1].observed_at).toBe('string');
    expect(rows[2].explanation).toContain('User is not linked to a SAML account');
    expect(rows[3]).toMatchObject({ scim_extern_uid: null, saml_extern_uid: 'nameid-nolink' });
    expect(rows[3].explanation).toContain('409/412');
    expect(rows[4].explanation).toContain('inactive');
    expect(rows[5].explanation).toContain('not a member');
  });

  it('pages with the X-Total headers', async () => {
    const page2 = await report({ per_page: '2', page: '2' }).expect(200);
    expect((page2.body as Row[]).map((r) => r.kind)).toEqual(['saml_not_linked', 'scim_missing']);
    expect(page2.headers).toMatchObject({ 'x-total': '6', 'x-page': '2', 'x-per-page': '2', 'x-total-pages': '3', 'x-next-page': '3' });
    const beyond = await report({ per_page: '3', page: '9' }).expect(200);
    expect(beyond.body).toEqual([]);
    expect(beyond.headers['x-total']).toBe('6');
  });

  it('leaves out a person whose identities agree', async () => {
    expect(await rowOf(people.healthy.userId)).toBeUndefined();
  });

  it('leaves out an instance admin without SAML, and whoever an Owner marks as expected, audited and reversible', async () => {
    expect(await rowOf(rootId)).toBeUndefined();
    const marked = await provisionExisting('breakglass');
    expect((await rowOf(marked.userId))?.kind).toBe('saml_not_linked');
    const total = async () => Number((await report({ per_page: '1' }).expect(200)).headers['x-total']);
    const before = await total();

    const put = await t.http().put(`/api/v4/groups/${g.id}/identity_mismatches/${marked.userId}/expected`).set(adminAuth).expect(200);
    expect(put.body).toEqual({ user_id: marked.userId, expected: 'marked', mismatch: null });
    expect(await rowOf(marked.userId)).toBeUndefined();
    expect(await total()).toBe(before - 1);
    // Marking again changes nothing and writes no second event.
    await t.http().put(`/api/v4/groups/${g.id}/identity_mismatches/${marked.userId}/expected`).set(adminAuth).expect(200);
    const events = (name: string) => t.sql('SELECT id FROM audit_events WHERE group_id = ? AND event_name = ? AND target_id = ?', [g.id, name, marked.userId]);
    expect(await events('identity_mismatch_marked_expected')).toHaveLength(1);

    // A disagreement still counts for someone marked: the mark only covers "does not use SAML".
    const del = await t.http().delete(`/api/v4/groups/${g.id}/identity_mismatches/${marked.userId}/expected`).set(adminAuth).expect(200);
    expect(del.body).toEqual({ user_id: marked.userId, expected: null, mismatch: expect.objectContaining({ kind: 'saml_not_linked' }) });
    expect(await events('identity_mismatch_unmarked_expected')).toHaveLength(1);
    expect(await total()).toBe(before);

    // Only people the report considers, and only by those who manage the group.
    const stranger = await createAccount(t, { username: 'stranger', email: 'stranger@elsewhere.test' });
    await t.http().put(`/api/v4/groups/${g.id}/identity_mismatches/${stranger}/expected`).set(adminAuth).expect(404);
    const pat = await t.http().post(`/api/v4/users/${people.healthy.userId}/personal_access_tokens`).set(adminAuth).send({ name: 'member' }).expect(201);
    await t.http().put(`/api/v4/groups/${g.id}/identity_mismatches/${marked.userId}/expected`).set(auth(pat.body.token)).expect(403);
  });

  it('is for owners only', async () => {
    const pat = await t.http().post(`/api/v4/users/${people.healthy.userId}/personal_access_tokens`).set(adminAuth).send({ name: 'member' }).expect(201);
    await t.http().get(`/api/v4/groups/${g.id}/identity_mismatches`).set(auth(pat.body.token)).expect(403);
    await t.http().post(`/api/v4/groups/${g.id}/identity_mismatches/${people.relinked.userId}/resolve`).set(auth(pat.body.token)).send({ extern_uid: 'nameid-relinked' }).expect(403);
    await t.http().get(`/api/v4/groups/${g.id}/identity_mismatches`).expect(401);
  });

  describe('resolve', () => {
    const resolve = (userId: number, body: unknown) =>
      t
        .http()
        .post(`/api/v4/groups/${g.id}/identity_mismatches/${userId}/resolve`)
        .set(adminAuth)
        .send(body as object);

    it('refuses a value that is not in the row, naming the values it accepts, and changes nothing', async () => {
      const before = await snapshot(t);
      const res = await resolve(people.relinked.userId, { extern_uid: 'somebody-else' }).expect(400);
      expect(res.body.message).toBe(`extern_uid must be one of the values shown in this user's row: "${people.relinked.externalId}", "nameid-relinked"`);
      await resolve(people.relinked.userId, { extern_uid: 'NAMEID-RELINKED' }).expect(400);
      await resolve(people.relinked.userId, {}).expect(400);
      await resolve(people.healthy.userId, { extern_uid: people.healthy.externalId }).expect(404);
      await resolve(999999, { extern_uid: 'x' }).expect(404);
      expect(await snapshot(t)).toEqual(before);
    });

    it('sets the SCIM and SAML identities to the observed NameID together; SCIM finds the user by the new id', async () => {
      const auditId = await lastAuditId(t);
      const res = await resolve(people.relinked.userId, { extern_uid: 'nameid-relinked' }).expect(200);
      expect(res.body).toEqual({ user_id: people.relinked.userId, resolved: true, mismatch: null });
      expect(await t.sql('SELECT extern_uid FROM scim_identities WHERE group_id = ? AND user_id = ?', [g.id, people.relinked.userId])).toEqual([{ extern_uid: 'nameid-relinked' }]);
      expect(await t.sql('SELECT extern_uid FROM saml_identities WHERE group_id = ? AND user_id = ?', [g.id, people.relinked.userId])).toEqual([{ extern_uid: 'nameid-relinked' }]);
      const events = await auditSince(t, auditId);
      expect(events.map((e) => e.event_name)).toEqual(['scim_identity_updated', 'scim_identity_alias_created', 'identity_mismatch_resolved']);
      expect(events[2].details).toMatchObject({ kind: 'scim_saml_mismatch', extern_uid: 'nameid-relinked', scim: { from: people.relinked.externalId } });
      expect(await rowOf(people.relinked.userId)).toBeUndefined();
      const found = await scim('get', '/Users/nameid-relinked').expect(200);
      expect(found.body.id).toBe('nameid-relinked');
      await scim('get', `/Users/${people.relinked.externalId}`).expect(404);
    });

    it('fixes a name_id_mismatch row by moving the SCIM identity to the observed NameID, leaving it not linked', async () => {
      await resolve(people.observed.userId, { extern_uid: 'nameid-observed' }).expect(200);
      expect(await t.sql('SELECT extern_uid FROM scim_identities WHERE group_id = ? AND user_id = ?', [g.id, people.observed.userId])).toEqual([{ extern_uid: 'nameid-observed' }]);
      // No SAML identity is created by the owner: only the person can prove the IdP identity is theirs.
      expect(await t.sql('SELECT id FROM saml_identities WHERE group_id = ? AND user_id = ?', [g.id, people.observed.userId])).toEqual([]);
      expect((await rowOf(people.observed.userId))?.kind).toBe('saml_not_linked');
    });

    it('keeps a row whose chosen value is not what the IdP sends, now as a NameID mismatch', async () => {
      const p = await provision(t, g);
      await signInWithSaml(t, g, { nameId: 'nameid-keep', email: p.email }).expect(303);
      const res = await resolve(p.userId, { extern_uid: p.externalId }).expect(200);
      expect(res.body.resolved).toBe(false);
      expect(res.body.mismatch).toMatchObject({ kind: 'name_id_mismatch', scim_extern_uid: p.externalId, saml_extern_uid: p.externalId, observed_name_id: 'nameid-keep' });
    });

    it('refuses a value another identity of the group holds', async () => {
      const a = await provision(t, g);
      const b = await provision(t, g);
      await signInWithSaml(t, g, { nameId: 'nameid-collide', email: a.email }).expect(303);
      expect((await rowOf(a.userId))?.kind).toBe('scim_saml_mismatch');
      // The owner gives b's SCIM identity that value by hand; a's row still offers it.
      await t.http().patch(`/api/v4/groups/${g.id}/scim/${b.externalId}`).set(adminAuth).send({ extern_uid: 'nameid-collide' }).expect(200);
      const before = await snapshot(t);
      const res = await resolve(a.userId, { extern_uid: 'nameid-collide' }).expect(400);
      expect(res.body.message).toBe('Extern uid has already been taken');
      expect(await snapshot(t)).toEqual(before);
    });
  });
});
