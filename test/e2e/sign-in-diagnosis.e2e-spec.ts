import { adminAuth, auth, SCIM_JSON, setUpGroup, GroupSetup } from '../support/fixtures.js';
import { addMember, createPerson } from '../support/admin-people.js';
import { provision, signInWithSaml } from '../support/saml-fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';

interface Person {
  user: { id: number; email: string } | null;
  name_id: string | null;
  matched_on: string[];
  member: { access_level: number } | null;
  scim_identity: { extern_uid: string; active: boolean } | null;
  saml_identity: { extern_uid: string } | null;
  last_sign_in: { name_id: string; outcome: string } | null;
  verdict: { status: string; summary: string; fix: string[] };
  timeline: { source: string; summary: string }[];
}

/** The sign-in troubleshooter's API: one search, the people it names, and a verdict in words. */
describe('sign-in diagnosis', () => {
  let t: TestApp;
  let g: GroupSetup;
  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'diagnosed', { enforced_sso: true });
  });
  afterAll(async () => t.close());

  const diagnose = async (q: string, token?: string, group: GroupSetup = g): Promise<{ query: string; people: Person[]; truncated: boolean; scope_warnings: string[] }> =>
    (
      await t
        .http()
        .get(`/api/v4/groups/${group.id}/sign_in_diagnosis`)
        .query({ q })
        .set(token ? auth(token) : adminAuth)
        .expect(200)
    ).body;

  it('finds a current member by email, externalId, username and part of the name: can sign in', async () => {
    const p = await provision(t, g);
    await signInWithSaml(t, g, { nameId: p.externalId, email: p.email }).expect(303);
    const [{ username, name }] = await t.sql<{ username: string; name: string }>('SELECT username, name FROM users WHERE id = ?', [p.userId]);
    for (const [q, on] of [
      [p.email.toUpperCase(), 'email'],
      [p.externalId, 'extern_uid'],
      [username, 'username'],
      [name.slice(4, -1), 'search'],
    ] as const) {
      const d = await diagnose(q);
      const person = d.people.find((x) => x.user?.id === p.userId);
      expect({ q, matched: person?.matched_on.includes(on) }).toEqual({ q, matched: true });
      expect(person!.verdict.status).toBe('can_sign_in');
      expect(person!.verdict.summary).toMatch(/^Can sign in \(last SAML sign-in /);
    }
    const person = (await diagnose(p.externalId)).people[0];
    expect(person).toEqual(
      expect.objectContaining({
        member: expect.objectContaining({ access_level: expect.any(Number) }),
        scim_identity: { extern_uid: p.externalId, active: true },
        saml_identity: { extern_uid: p.externalId },
        last_sign_in: expect.objectContaining({ name_id: p.externalId, outcome: 'signed_in' }),
      }),
    );
    // The timeline merges the SCIM request, the audit events and the sign-in, newest first.
    const sources = new Set(person.timeline.map((e) => e.source));
    expect([...sources].sort()).toEqual(['audit', 'scim_request', 'sign_in']);
    expect(person.timeline.map((e) => e.summary)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^POST \/api\/scim\/v2\/groups\/diagnosed\/Users → 201/), expect.stringMatching(/^User provisioned by SCIM/)]),
    );
  });

  it('finds a removed person (deprovisioned, refused at sign-in) and says why they cannot sign in', async () => {
    const p = await provision(t, g);
    await t
      .http()
      .patch(`${g.base}/Users/${p.externalId}`)
      .set('Authorization', `Bearer ${g.scimToken}`)
      .set('Content-Type', SCIM_JSON)
      .send({ Operations: [{ op: 'replace', path: 'active', value: false }] })
      .expect(204);
    await signInWithSaml(t, g, { nameId: p.externalId, email: p.email }).expect(403);
    const [person] = (await diagnose(p.email)).people;
    expect(person.member).toBeNull();
    expect(person.scim_identity).toEqual({ extern_uid: p.externalId, active: false });
    expect(person.last_sign_in).toEqual(expect.objectContaining({ outcome: 'refused_inactive_scim_identity' }));
    expect(person.verdict.status).toBe('cannot_sign_in');
    expect(person.verdict.summary).toMatch(/deprovisioned them .* SSO is enforced/);
    expect(person.verdict.fix.join(' ')).toMatch(/Re-assign the person/);
  });

  it('answers for a NameID that matched nobody', async () => {
    await signInWithSaml(t, g, { nameId: 'ghost-name-id@nowhere.test', email: 'ghost-name-id@nowhere.test' }).expect(403);
    const d = await diagnose('ghost-name-id@nowhere.test');
    expect(d.people).toEqual([
      expect.objectContaining({
        user: null,
        name_id: 'ghost-name-id@nowhere.test',
        matched_on: ['name_id'],
        verdict: expect.objectContaining({ status: 'cannot_sign_in', summary: expect.stringMatching(/no Roster account/) }),
      }),
    ]);
    expect(d.people[0].timeline).toEqual([expect.objectContaining({ source: 'sign_in', summary: expect.stringMatching(/refused \(no_account\)/) })]);
  });

  it('warns about the scope’s SAML responses refused before anyone could be named (last 24 hours, this group only)', async () => {
    const broken = await setUpGroup(t, 'diagnosed-rotated-cert');
    const quiet = await setUpGroup(t, 'diagnosed-quiet');
    const person = await provision(t, broken);
    // As after an IdP certificate rotation nobody told Roster about: the signature does not verify.
    await signInWithSaml(t, broken, { nameId: person.externalId, key: 'other' }).expect(400);
    await signInWithSaml(t, broken, { nameId: person.externalId, key: 'other' }).expect(400);
    await signInWithSaml(t, broken, { nameId: person.externalId, audience: 'https://elsewhere.test/sp' }).expect(400);

    const d = await diagnose(person.externalId, undefined, broken);
    expect(d.people).toHaveLength(1);
    expect(d.scope_warnings).toEqual([
      expect.stringMatching(
        /^In the last 24 hours Roster refused 3 SAML responses for this scope before it could tell whom they were for\. The newest \([^)]+, wrong_audience\): .*Also: invalid_signature ×2\./,
      ),
    ]);
    // Another group's troubleshooter says nothing of it.
    expect((await diagnose('anyone', undefined, quiet)).scope_warnings).toEqual([]);

    // Older than the window: no longer mentioned.
    const dayAndMore = new Date(Date.now() - 25 * 3600_000).toISOString();
    await t.sql("UPDATE audit_events SET created_at = ? WHERE group_id = ? AND event_name = 'saml_sign_in_refused'", [dayAndMore, broken.id]);
    expect((await diagnose(person.externalId, undefined, broken)).scope_warnings).toEqual([]);
  });

  it('shows no one outside the group, and only to Owners and admins', async () => {
    const outsider = await createPerson(t, 'outsider');
    expect((await diagnose(outsider.email)).people).toEqual([]);
    expect((await diagnose(outsider.username)).people).toEqual([]);
    const owner = await createPerson(t, 'diag-owner');
    const developer = await createPerson(t, 'diag-dev');
    await addMember(t, g.id, owner.id, 50);
    await addMember(t, g.id, developer.id, 30);
    expect((await diagnose(owner.username, owner.token)).people.map((p) => p.user?.id)).toEqual([owner.id]);
    await t.http().get(`/api/v4/groups/${g.id}/sign_in_diagnosis`).query({ q: 'x' }).set(auth(developer.token)).expect(403);
    await t.http().get(`/api/v4/groups/${g.id}/sign_in_diagnosis`).query({ q: 'x' }).set(auth(outsider.token)).expect(404);
    await t.http().get('/api/v4/application/sign_in_diagnosis').query({ q: 'x' }).set(auth(owner.token)).expect(403);
  });

  it('refuses a missing, empty or oversized query with GitLab’s error shapes', async () => {
    expect((await t.http().get(`/api/v4/groups/${g.id}/sign_in_diagnosis`).set(adminAuth).expect(400)).body).toEqual({ error: 'q is missing' });
    expect((await t.http().get(`/api/v4/groups/${g.id}/sign_in_diagnosis`).query({ q: '   ' }).set(adminAuth).expect(400)).body).toEqual({ error: 'q is missing' });
    await t
      .http()
      .get(`/api/v4/groups/${g.id}/sign_in_diagnosis`)
      .query({ q: 'x'.repeat(256) })
      .set(adminAuth)
      .expect(400);
  });

  it('answers for the instance scope to admins', async () => {
    const res = await t.http().get('/api/v4/application/sign_in_diagnosis').query({ q: 'nobody-at-all' }).set(adminAuth).expect(200);
    expect(res.body).toEqual({ query: 'nobody-at-all', people: [], truncated: false, scope_warnings: [] });
  });
});
