import { adminAuth, auth, setUpGroup, GroupSetup } from '../support/fixtures.js';
import { addMember, createPerson, provision } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const PUBLIC_KEYS = ['access_level', 'avatar_url', 'created_at', 'expires_at', 'id', 'locked', 'name', 'state', 'username', 'web_url'];
const ROW_KEYS = [...PUBLIC_KEYS, 'email', 'enterprise', 'group_saml_identity', 'group_sync_links', 'identity_expected', 'last_saml_sign_in', 'role_source', 'scim_identity'].sort();
const memberFields = (username: string) => ({ locked: false, avatar_url: null, web_url: `http://roster.test/${username}`, created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });

describe('admin API group members', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  async function memberRow(groupId: number, userId: number) {
    const rows = await t.sql<{ access_level: number }>('SELECT access_level FROM members WHERE group_id = ? AND user_id = ?', [groupId, userId]);
    return rows.length === 0 ? null : Number(rows[0].access_level);
  }

  async function lastEvent(groupId: number, name: string) {
    const rows = await t.sql<{ author_id: number | null; target_id: number; details: string }>(
      'SELECT author_id, target_id, details FROM audit_events WHERE group_id = ? AND event_name = ? ORDER BY id DESC',
      [groupId, name],
    );
    return rows.length === 0 ? null : { author_id: rows[0].author_id, target_id: Number(rows[0].target_id), details: JSON.parse(rows[0].details) as unknown };
  }

  describe('the members view', () => {
    let g: GroupSetup;
    beforeAll(async () => {
      g = await setUpGroup(t, 'view-acme');
      await t
        .http()
        .put(`/api/v4/groups/${g.id}`)
        .set(adminAuth)
        .send({ verified_domains: ['verified.test'] })
        .expect(200);
    });

    it('shows each member with role, Enterprise flag, SCIM and SAML identities and the last SAML sign-in', async () => {
      const scim = await provision(t, g, { externalId: 'scim.person@view.test', userName: 'scim.person@view.test', emails: [{ value: 'scim.person@view.test', primary: true }] });
      const verified = await createPerson(t, 'verified', { email: 'someone@Verified.test' });
      const outsider = await createPerson(t, 'outsider');
      await addMember(t, g.id, verified.id, 30);
      await addMember(t, g.id, outsider.id, 10);
      await t.sql('INSERT INTO saml_sign_ins (group_id, name_id, email, user_id, outcome, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
        g.id,
        'old-name-id',
        null,
        scim.userId,
        'signed_in',
        '2025-01-01T00:00:00.000Z',
      ]);
      await t.sql('INSERT INTO saml_sign_ins (group_id, name_id, email, user_id, outcome, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
        g.id,
        'Other-NameID',
        'x@view.test',
        scim.userId,
        'refused',
        '2025-01-02T00:00:00.000Z',
      ]);

      const res = await t.http().get(`/api/v4/groups/${g.id}/members`).set(adminAuth).expect(200);
      const [provider] = await t.sql<{ id: number }>('SELECT id FROM saml_providers WHERE group_id = ?', [g.id]);
      expect(res.headers['x-total']).toBe('4');
      for (const row of res.body) expect(Object.keys(row).sort()).toEqual(ROW_KEYS);
      const [root, provisioned, verifiedRow, outsiderRow] = res.body;
      expect(root).toEqual({
        id: 1,
        username: 'root',
        name: 'Administrator',
        email: 'root@roster.invalid',
        state: 'active',
        access_level: 50,
        ...memberFields('root'),
        expires_at: null,
        enterprise: false,
        scim_identity: null,
        group_saml_identity: null,
        last_saml_sign_in: null,
        // An instance admin is not expected to sign in with SAML: no identity flag, no report row.
        identity_expected: 'admin',
        role_source: 'manual',
        group_sync_links: [],
      });
      expect(provisioned).toEqual({
        id: scim.userId,
        username: 'scim.person',
        name: 'Pat ' + (scim.doc.name as { familyName: string }).familyName,
        email: 'scim.person@view.test',
        state: 'active',
        access_level: 10,
        ...memberFields('scim.person'),
        expires_at: null,
        enterprise: true,
        scim_identity: { extern_uid: 'scim.person@view.test', active: true },
        group_saml_identity: { extern_uid: 'scim.person@view.test', provider: 'group_saml', saml_provider_id: provider.id },
        last_saml_sign_in: { name_id: 'Other-NameID', at: '2025-01-02T00:00:00.000Z', outcome: 'refused' },
        identity_expected: null,
        role_source: 'scim_provisioning',
        group_sync_links: [],
      });
      expect(verifiedRow).toEqual(expect.objectContaining({ id: verified.id, access_level: 30, enterprise: true, scim_identity: null, group_saml_identity: null }));
      expect(outsiderRow).toEqual(expect.objectContaining({ id: outsider.id, access_level: 10, enterprise: false }));
    });

    it('shows a deprovisioned SCIM identity as inactive and a blocked account as blocked', async () => {
      const scim = await provision(t, g, { externalId: 'to-deactivate' });
      await t.http().delete(`${g.base}/Users/to-deactivate`).set(auth(g.scimToken)).expect(204);
      // Deprovisioning removed the membership; an owner adds the person back by hand.
      expect(await memberRow(g.id, scim.userId)).toBeNull();
      await addMember(t, g.id, scim.userId, 10);
      await t.sql("UPDATE users SET state = 'blocked' WHERE id = ?", [scim.userId]);
      const res = await t.http().get(`/api/v4/groups/${g.id}/members/${scim.userId}`).set(adminAuth).expect(200);
      expect(res.body).toEqual(expect.objectContaining({ id: scim.userId, state: 'blocked', scim_identity: { extern_uid: 'to-deactivate', active: false } }));
    });

    it('searches username, name and email and pages with GitLab headers', async () => {
      const a = await createPerson(t, 'findme', { name: 'Needle Alpha' });
      const b = await createPerson(t, 'other', { email: 'needle@people.test' });
      const c = await createPerson(t, 'needle');
      for (const p of [a, b, c]) await addMember(t, g.id, p.id, 20);
      const all = await t.http().get(`/api/v4/groups/${g.id}/members`).query({ search: 'NEEDLE' }).set(adminAuth).expect(200);
      expect(all.body.map((r: { id: number }) => r.id)).toEqual([a.id, b.id, c.id]);

      const page2 = await t.http().get(`/api/v4/groups/view-acme/members`).query({ search: 'needle', per_page: '1', page: '2' }).set(adminAuth).expect(200);
      expect(page2.body.map((r: { id: number }) => r.id)).toEqual([b.id]);
      expect(page2.headers).toEqual(expect.objectContaining({ 'x-total': '3', 'x-page': '2', 'x-per-page': '1', 'x-next-page': '3', 'x-prev-page': '1' }));
      expect(page2.headers.link).toBe(
        [
          '<http://roster.test/api/v4/groups/view-acme/members?search=needle&per_page=1&page=1>; rel="prev"',
          '<http://roster.test/api/v4/groups/view-acme/members?search=needle&per_page=1&page=3>; rel="next"',
          '<http://roster.test/api/v4/groups/view-acme/members?search=needle&per_page=1&page=1>; rel="first"',
          '<http://roster.test/api/v4/groups/view-acme/members?search=needle&per_page=1&page=3>; rel="last"',
        ].join(', '),
      );
      const none = await t.http().get(`/api/v4/groups/${g.id}/members`).query({ search: '%' }).set(adminAuth).expect(200);
      expect(none.body).toEqual([]);
      expect(none.headers['x-total']).toBe('0');
    });

    it('pages a large group in SQL: every member appears exactly once across the pages', async () => {
      const big = await setUpGroup(t, 'view-big');
      const now = new Date().toISOString();
      for (let i = 0; i < 230; i++) {
        await t.sql('INSERT INTO users (username, username_lower, name, email, email_lower, state, is_admin, enterprise_group_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
          `bulk${i}`,
          `bulk${i}`,
          `Bulk ${i}`,
          `bulk${i}@bulk.test`,
          `bulk${i}@bulk.test`,
          'active',
          false,
          big.id,
          now,
          now,
        ]);
      }
      await t.sql("INSERT INTO members (group_id, user_id, access_level, created_at, updated_at) SELECT ?, id, 10, created_at, created_at FROM users WHERE username LIKE 'bulk%' ORDER BY id", [
        big.id,
      ]);
      const seen: number[] = [];
      for (let page = 1; page <= 3; page++) {
        const res = await t
          .http()
          .get(`/api/v4/groups/${big.id}/members`)
          .query({ per_page: '100', page: String(page) })
          .set(adminAuth)
          .expect(200);
        expect(res.headers['x-total']).toBe('231');
        seen.push(...res.body.map((r: { id: number }) => r.id));
        expect(res.headers['x-next-page']).toBe(page < 3 ? String(page + 1) : '');
      }
      expect(new Set(seen).size).toBe(231);
      const capped = await t.http().get(`/api/v4/groups/${big.id}/members`).query({ per_page: '1000' }).set(adminAuth).expect(200);
      expect(capped.body).toHaveLength(100);
      expect(capped.headers['x-per-page']).toBe('100');
      const beyond = await t.http().get(`/api/v4/groups/${big.id}/members`).query({ page: '99' }).set(adminAuth).expect(200);
      expect(beyond.body).toEqual([]);
    });
  });

  describe('membership changes', () => {
    let g: GroupSetup;
    beforeAll(async () => {
      g = await setUpGroup(t, 'change-acme');
    });

    it('an owner adds a member: 201 with the row, stored, audited', async () => {
      const owner = await createPerson(t, 'owner');
      await addMember(t, g.id, owner.id, 50);
      const person = await createPerson(t, 'newbie');
      const res = await t.http().post(`/api/v4/groups/${g.id}/members`).set(auth(owner.token)).send({ user_id: person.id, access_level: 30 }).expect(201);
      expect(res.body).toEqual({
        id: person.id,
        username: person.username,
        name: `Person ${person.username}`,
        email: person.email,
        state: 'active',
        access_level: 30,
        ...memberFields(person.username),
        expires_at: null,
        enterprise: false,
        scim_identity: null,
        group_saml_identity: null,
        last_saml_sign_in: null,
        identity_expected: null,
        role_source: 'manual',
        group_sync_links: [],
      });
      expect(await memberRow(g.id, person.id)).toBe(30);
      expect(await lastEvent(g.id, 'member_added')).toEqual({ author_id: owner.id, target_id: person.id, details: { access_level: 30 } });
    });

    it('refuses a duplicate member with 409, an unknown user with 404, and bad input with 400', async () => {
      const person = await createPerson(t, 'dup');
      await addMember(t, g.id, person.id, 10);
      expect((await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).send({ user_id: person.id, access_level: 40 }).expect(409)).body).toEqual({ message: 'Member already exists' });
      expect(await memberRow(g.id, person.id)).toBe(10);
      expect((await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).send({ user_id: 999999, access_level: 10 }).expect(404)).body).toEqual({ message: '404 User Not Found' });

      const other = await createPerson(t, 'badinput');
      const levelProblem = { access_level: ['must be one of 5 (Minimal Access), 10 (Guest), 15 (Planner), 20 (Reporter), 30 (Developer), 40 (Maintainer), 50 (Owner)'] };
      for (const level of [35, 'x', 60, 0]) {
        const res = await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).send({ user_id: other.id, access_level: level }).expect(400);
        expect(res.body).toEqual({ message: levelProblem });
      }
      expect((await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).send({ user_id: other.id, access_level: null }).expect(400)).body).toEqual({ error: 'access_level is missing' });
      expect((await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).send({ access_level: 10 }).expect(400)).body).toEqual({ error: 'user_id is missing' });
      for (const userId of ['abc', 1.5, -1, 99999999999, `${other.id},x`]) {
        const res = await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).send({ user_id: userId, access_level: 10 }).expect(400);
        expect(res.body).toEqual({ message: { user_id: ['must be whole numbers from 1 to 2147483647, separated by commas'] } });
      }
      for (const expiresAt of ['2025-02-30', 'tomorrow']) {
        const res = await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).send({ user_id: other.id, access_level: 10, expires_at: expiresAt }).expect(400);
        expect(Object.keys(res.body.message)).toEqual(['expires_at']);
      }
      await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).set('Content-Type', 'application/json').send('[1,2]').expect(400);
      expect(await memberRow(g.id, other.id)).toBeNull();
    });

    it("refuses to add someone outside the group's allowed email domains", async () => {
      const restricted = await setUpGroup(t, 'change-restricted');
      await t
        .http()
        .put(`/api/v4/groups/${restricted.id}`)
        .set(adminAuth)
        .send({ allowed_email_domains: ['acme.test'] })
        .expect(200);
      const outsider = await createPerson(t, 'outside');
      const res = await t.http().post(`/api/v4/groups/${restricted.id}/members`).set(adminAuth).send({ user_id: outsider.id, access_level: 10 }).expect(400);
      expect(res.body).toEqual({ message: { user_id: ['the email domain "people.test" is not one of the group\'s allowed email domains'] } });
      expect(await memberRow(restricted.id, outsider.id)).toBeNull();
      const insider = await createPerson(t, 'inside', { email: 'inside@ACME.test' });
      await t.http().post(`/api/v4/groups/${restricted.id}/members`).set(adminAuth).send({ user_id: insider.id, access_level: 10 }).expect(201);
    });

    it('an owner changes a role: 200 with the row, stored, audited with old and new level', async () => {
      const person = await createPerson(t, 'promote');
      await addMember(t, g.id, person.id, 10);
      const res = await t.http().put(`/api/v4/groups/${g.id}/members/${person.id}`).set(adminAuth).send({ access_level: 40 }).expect(200);
      expect(res.body).toEqual(expect.objectContaining({ id: person.id, access_level: 40 }));
      expect(await memberRow(g.id, person.id)).toBe(40);
      expect(await lastEvent(g.id, 'member_role_changed')).toEqual({ author_id: 1, target_id: person.id, details: { from: 10, to: 40 } });
      await t.http().put(`/api/v4/groups/${g.id}/members/${person.id}`).set(adminAuth).send({ access_level: 45 }).expect(400);
      await t.http().put(`/api/v4/groups/${g.id}/members/${person.id}`).set(adminAuth).send({}).expect(400);
      expect(await memberRow(g.id, person.id)).toBe(40);
    });

    it('answers a change or removal of a non-member with 404', async () => {
      const stranger = await createPerson(t, 'stranger');
      expect((await t.http().put(`/api/v4/groups/${g.id}/members/${stranger.id}`).set(adminAuth).send({ access_level: 10 }).expect(404)).body).toEqual({ message: '404 Member Not Found' });
      expect((await t.http().delete(`/api/v4/groups/${g.id}/members/${stranger.id}`).set(adminAuth).expect(404)).body).toEqual({ message: '404 Member Not Found' });
      await t.http().delete(`/api/v4/groups/${g.id}/members/999999`).set(adminAuth).expect(404);
      await t.http().get(`/api/v4/groups/${g.id}/members/${stranger.id}`).set(adminAuth).expect(404);
      expect((await t.http().delete(`/api/v4/groups/${g.id}/members/x1`).set(adminAuth).expect(400)).body).toEqual({ message: { user_id: ['must be a positive whole number'] } });
    });

    it('an owner removes a member: 204, gone, audited', async () => {
      const person = await createPerson(t, 'leaver');
      await addMember(t, g.id, person.id, 20);
      const res = await t.http().delete(`/api/v4/groups/${g.id}/members/${person.id}`).set(adminAuth).expect(204);
      expect(res.text).toBe('');
      expect(await memberRow(g.id, person.id)).toBeNull();
      expect(await lastEvent(g.id, 'member_removed')).toEqual({ author_id: 1, target_id: person.id, details: { access_level: 20 } });
    });

    it('never lets the last Owner be demoted or removed (412), and allows it once another Owner exists', async () => {
      const solo = await setUpGroup(t, 'change-solo');
      const demote = await t.http().put(`/api/v4/groups/${solo.id}/members/1`).set(adminAuth).send({ access_level: 40 }).expect(412);
      expect(demote.body).toEqual({ message: 'Could not change the role of Administrator in Group change-solo. Cannot demote last group owner.' });
      const remove = await t.http().delete(`/api/v4/groups/${solo.id}/members/1`).set(adminAuth).expect(412);
      expect(remove.body).toEqual({ message: 'Could not remove Administrator from Group change-solo. Cannot remove last group owner.' });
      expect(await memberRow(solo.id, 1)).toBe(50);
      expect(await lastEvent(solo.id, 'member_role_changed')).toBeNull();
      expect(await lastEvent(solo.id, 'member_removed')).toBeNull();

      const heir = await createPerson(t, 'heir');
      await addMember(t, solo.id, heir.id, 50);
      await t.http().delete(`/api/v4/groups/${solo.id}/members/1`).set(auth(heir.token)).expect(204);
      expect(await memberRow(solo.id, 1)).toBeNull();
      expect(await lastEvent(solo.id, 'member_removed')).toEqual({ author_id: heir.id, target_id: 1, details: { access_level: 50 } });
      // Now the heir is the last Owner: demoting themself is refused too.
      await t.http().put(`/api/v4/groups/${solo.id}/members/${heir.id}`).set(auth(heir.token)).send({ access_level: 10 }).expect(412);
      await t.http().delete(`/api/v4/groups/${solo.id}/members/${heir.id}`).set(auth(heir.token)).expect(412);
      expect(await memberRow(solo.id, heir.id)).toBe(50);
    });
  });
});
