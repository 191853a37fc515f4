import { adminAuth, auth, GroupSetup, setUpGroup } from '../support/fixtures.js';
import { addMember, createPerson, provision } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { seedIdentities } from '../support/seed-identities.js';

const NOT_FOUND = { message: '404 Identity Not Found' };
const TAKEN = { message: 'Extern uid has already been taken' };
const enc = encodeURIComponent;

describe('admin API SAML and SCIM identities (GitLab paths and shapes)', () => {
  let t: TestApp;
  let g: GroupSetup;
  let other: GroupSetup;
  const users: Record<string, number> = {};

  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'ids-acme');
    other = await setUpGroup(t, 'ids-other');
    for (const uid of ['alice.smith@acme.test', 'bob+tag@acme.test', 'Carol/Slash Ü', 'Mixed.Case', 'deprovisioned', 'holder']) {
      users[uid] = (await provision(t, g, { externalId: uid })).userId;
    }
    await t.http().delete(`${g.base}/Users/deprovisioned`).set(auth(g.scimToken)).expect(204);
    await provision(t, other, { externalId: 'other-group-uid' });
  });
  afterAll(async () => t.close());

  async function events(name: string, targetId: number) {
    const rows = await t.sql<{ author_id: number | null; group_id: number; details: string }>(
      'SELECT author_id, group_id, details FROM audit_events WHERE event_name = ? AND target_id = ? ORDER BY id',
      [name, targetId],
    );
    return rows.map((r) => ({ author_id: r.author_id, group_id: Number(r.group_id), details: JSON.parse(r.details) as unknown }));
  }

  const samlRow = async (uid: string) => t.sql<{ user_id: number }>('SELECT user_id FROM saml_identities WHERE group_id = ? AND extern_uid = ?', [g.id, uid]);
  const scimRow = async (uid: string) =>
    t.sql<{ user_id: number; active: unknown; attributes: string }>('SELECT user_id, active, attributes FROM scim_identities WHERE group_id = ? AND extern_uid = ?', [g.id, uid]);

  describe('SAML', () => {
    it('lists every SAML identity of the group as [{extern_uid, user_id}] in one answer, as GitLab (no paging)', async () => {
      const res = await t.http().get(`/api/v4/groups/${g.id}/saml/identities`).set(adminAuth).expect(200);
      expect(res.headers['content-type']).toBe('application/json');
      const stored = await t.sql<{ extern_uid: string; user_id: number }>('SELECT extern_uid, user_id FROM saml_identities WHERE group_id = ? ORDER BY id', [g.id]);
      expect(res.body).toEqual(stored.map((s) => ({ extern_uid: s.extern_uid, user_id: Number(s.user_id) })));
      expect(res.body).toContainEqual({ extern_uid: 'alice.smith@acme.test', user_id: users['alice.smith@acme.test'] });
      expect(res.headers['x-total']).toBeUndefined();
      const paged = await t.http().get(`/api/v4/groups/ids-acme/saml/identities`).query({ per_page: '2', page: '2' }).set(adminAuth).expect(200);
      expect(paged.body).toEqual(res.body);
    });

    it('answers the SAML identity list of a group without SAML settings with 400, as GitLab does', async () => {
      const bare = await t.http().post('/api/v4/groups').set(adminAuth).send({ name: 'Bare', path: 'ids-bare' }).expect(201);
      expect((await t.http().get(`/api/v4/groups/${bare.body.id}/saml/identities`).set(adminAuth).expect(400)).body).toEqual({ message: '400 Bad request' });
    });

    it('gets one identity by its exact, URL-encoded extern_uid (dots, @, +, slash, non-ASCII)', async () => {
      for (const uid of ['alice.smith@acme.test', 'bob+tag@acme.test', 'Carol/Slash Ü']) {
        const res = await t
          .http()
          .get(`/api/v4/groups/${g.id}/saml/${enc(uid)}`)
          .set(adminAuth)
          .expect(200);
        expect(res.body).toEqual({ extern_uid: uid, user_id: users[uid] });
      }
      // '+' in a path is a plus, not a space.
      expect((await t.http().get(`/api/v4/groups/${g.id}/saml/bob+tag@acme.test`).set(adminAuth).expect(200)).body.extern_uid).toBe('bob+tag@acme.test');
    });

    it('matches SAML uids exactly: another case, another group or an unknown uid is 404 Identity Not Found', async () => {
      for (const uid of ['mixed.case', 'MIXED.CASE', 'other-group-uid', 'nobody', 'Mixed.Case ']) {
        expect(
          (
            await t
              .http()
              .get(`/api/v4/groups/${g.id}/saml/${enc(uid)}`)
              .set(adminAuth)
              .expect(404)
          ).body,
        ).toEqual(NOT_FOUND);
      }
      expect((await t.http().patch(`/api/v4/groups/${g.id}/saml/nobody`).set(adminAuth).send({ extern_uid: 'x' }).expect(404)).body).toEqual(NOT_FOUND);
      expect((await t.http().delete(`/api/v4/groups/${g.id}/saml/nobody`).set(adminAuth).expect(404)).body).toEqual(NOT_FOUND);
    });

    it('PATCH sets a new extern_uid: 200 with the identity, stored, audited with old and new values', async () => {
      const owner = await createPerson(t, 'samlowner');
      await addMember(t, g.id, owner.id, 50);
      const userId = users['Mixed.Case'];
      const res = await t.http().patch(`/api/v4/groups/${g.id}/saml/Mixed.Case`).set(auth(owner.token)).send({ extern_uid: 'mixed.case@acme.test' }).expect(200);
      expect(res.body).toEqual({ extern_uid: 'mixed.case@acme.test', user_id: userId });
      expect(await samlRow('Mixed.Case')).toEqual([]);
      expect((await samlRow('mixed.case@acme.test')).map((r) => Number(r.user_id))).toEqual([userId]);
      expect(await events('saml_identity_updated', userId)).toEqual([{ author_id: owner.id, group_id: g.id, details: { from: 'Mixed.Case', to: 'mixed.case@acme.test' } }]);
      await t.http().get(`/api/v4/groups/${g.id}/saml/Mixed.Case`).set(adminAuth).expect(404);
      // The SCIM identity is a separate record and keeps its value.
      expect(await scimRow('Mixed.Case')).toHaveLength(1);
    });

    it("PATCH to a value another identity of the group holds is 400 'Extern uid has already been taken' and changes nothing", async () => {
      const userId = users['holder'];
      const res = await t.http().patch(`/api/v4/groups/${g.id}/saml/holder`).set(adminAuth).send({ extern_uid: 'alice.smith@acme.test' }).expect(400);
      expect(res.body).toEqual(TAKEN);
      expect((await samlRow('holder')).map((r) => Number(r.user_id))).toEqual([userId]);
      expect(await events('saml_identity_updated', userId)).toEqual([]);
      // Exact match: another case of the same text is a different NameID and is free.
      await t.http().patch(`/api/v4/groups/${g.id}/saml/holder`).set(adminAuth).send({ extern_uid: 'ALICE.SMITH@acme.test' }).expect(200);
      await t
        .http()
        .patch(`/api/v4/groups/${g.id}/saml/${enc('ALICE.SMITH@acme.test')}`)
        .set(adminAuth)
        .send({ extern_uid: 'holder' })
        .expect(200);
      // A value used only in another group is free here.
      await t.http().patch(`/api/v4/groups/${g.id}/saml/holder`).set(adminAuth).send({ extern_uid: 'other-group-uid' }).expect(200);
      await t.http().patch(`/api/v4/groups/${g.id}/saml/other-group-uid`).set(adminAuth).send({ extern_uid: 'holder' }).expect(200);
    });

    it('PATCH without a usable extern_uid is 400', async () => {
      expect((await t.http().patch(`/api/v4/groups/${g.id}/saml/holder`).set(adminAuth).send({}).expect(400)).body).toEqual({ error: 'extern_uid is missing' });
      for (const body of [{ extern_uid: '' }, { extern_uid: '   ' }]) {
        expect((await t.http().patch(`/api/v4/groups/${g.id}/saml/holder`).set(adminAuth).send(body).expect(400)).body).toEqual({ message: { extern_uid: ['is missing'] } });
      }
      const listed = await t
        .http()
        .patch(`/api/v4/groups/${g.id}/saml/holder`)
        .set(adminAuth)
        .send({ extern_uid: ['a'] })
        .expect(400);
      expect(listed.body).toEqual({ message: { extern_uid: ['must be given once, as text'] } });
      const long = await t
        .http()
        .patch(`/api/v4/groups/${g.id}/saml/holder`)
        .set(adminAuth)
        .send({ extern_uid: 'x'.repeat(256) })
        .expect(400);
      expect(long.body).toEqual({ message: { extern_uid: ['must be at most 255 characters'] } });
      await t.http().patch(`/api/v4/groups/${g.id}/saml/holder`).set(adminAuth).set('Content-Type', 'application/json').send('"holder2"').expect(400);
      expect(await samlRow('holder')).toHaveLength(1);
    });

    it('DELETE removes the identity: 204, gone, audited; a second DELETE is 404', async () => {
      const userId = users['bob+tag@acme.test'];
      const res = await t
        .http()
        .delete(`/api/v4/groups/${g.id}/saml/${enc('bob+tag@acme.test')}`)
        .set(adminAuth)
        .expect(204);
      expect(res.text).toBe('');
      expect(await samlRow('bob+tag@acme.test')).toEqual([]);
      expect(await events('saml_identity_deleted', userId)).toEqual([{ author_id: 1, group_id: g.id, details: { from: 'bob+tag@acme.test', to: null } }]);
      expect(
        (
          await t
            .http()
            .delete(`/api/v4/groups/${g.id}/saml/${enc('bob+tag@acme.test')}`)
            .set(adminAuth)
            .expect(404)
        ).body,
      ).toEqual(NOT_FOUND);
      // The account, its membership and its SCIM identity stay.
      expect(await scimRow('bob+tag@acme.test')).toHaveLength(1);
      expect(await t.sql('SELECT id FROM members WHERE group_id = ? AND user_id = ?', [g.id, userId])).toHaveLength(1);
    });
  });

  describe('SCIM', () => {
    it('lists the group SCIM identities, inactive ones included, as [{extern_uid, user_id, active}]', async () => {
      const res = await t.http().get(`/api/v4/groups/${g.id}/scim/identities`).query({ per_page: '100' }).set(adminAuth).expect(200);
      const stored = await t.sql<{ extern_uid: string; user_id: number; active: unknown }>('SELECT extern_uid, user_id, active FROM scim_identities WHERE group_id = ? ORDER BY id', [g.id]);
      expect(res.body).toEqual(stored.map((s) => ({ extern_uid: s.extern_uid, user_id: Number(s.user_id), active: Boolean(s.active) })));
      expect(res.body).toContainEqual({ extern_uid: 'deprovisioned', user_id: users['deprovisioned'], active: false });
      expect(res.body.map((r: { extern_uid: string }) => r.extern_uid)).not.toContain('other-group-uid');
      const paged = await t.http().get(`/api/v4/groups/${g.id}/scim/identities`).query({ per_page: '2', page: '3' }).set(adminAuth).expect(200);
      expect(paged.body).toEqual(res.body);
    });

    it('streams a list longer than one database read whole and in order', async () => {
      const big = await setUpGroup(t, 'ids-big');
      await seedIdentities(t, big.id, 2_345, 'streamed');
      const res = await t.http().get(`/api/v4/groups/${big.id}/scim/identities`).set(adminAuth).expect(200);
      expect(res.headers['content-type']).toBe('application/json');
      const stored = await t.sql<{ extern_uid: string; user_id: number }>('SELECT extern_uid, user_id FROM scim_identities WHERE group_id = ? ORDER BY id', [big.id]);
      expect(stored).toHaveLength(2_345);
      expect(res.body).toEqual(stored.map((s) => ({ extern_uid: s.extern_uid, user_id: Number(s.user_id), active: true })));
      const empty = await setUpGroup(t, 'ids-empty');
      expect((await t.http().get(`/api/v4/groups/${empty.id}/scim/identities`).set(adminAuth).expect(200)).body).toEqual([]);
      expect((await t.http().get(`/api/v4/groups/${empty.id}/saml/identities`).set(adminAuth).expect(200)).body).toEqual([]);
    });

    it('gets one identity case-insensitively, inactive ones too', async () => {
      expect(
        (
          await t
            .http()
            .get(`/api/v4/groups/${g.id}/scim/${enc('ALICE.SMITH@ACME.TEST')}`)
            .set(adminAuth)
            .expect(200)
        ).body,
      ).toEqual({
        extern_uid: 'alice.smith@acme.test',
        user_id: users['alice.smith@acme.test'],
        active: true,
      });
      expect(
        (
          await t
            .http()
            .get(`/api/v4/groups/${g.id}/scim/${enc('carol/slash ü')}`)
            .set(adminAuth)
            .expect(200)
        ).body.extern_uid,
      ).toBe('Carol/Slash Ü');
      expect((await t.http().get(`/api/v4/groups/${g.id}/scim/deprovisioned`).set(adminAuth).expect(200)).body.active).toBe(false);
      for (const uid of ['nobody', 'other-group-uid']) {
        expect((await t.http().get(`/api/v4/groups/${g.id}/scim/${uid}`).set(adminAuth).expect(404)).body).toEqual(NOT_FOUND);
      }
      expect((await t.http().patch(`/api/v4/groups/${g.id}/scim/nobody`).set(adminAuth).send({ extern_uid: 'x' }).expect(404)).body).toEqual(NOT_FOUND);
      expect((await t.http().delete(`/api/v4/groups/${g.id}/scim/nobody`).set(adminAuth).expect(404)).body).toEqual(NOT_FOUND);
    });

    it('PATCH sets a new extern_uid (and the stored externalId): 200, stored, audited with old and new values', async () => {
      const userId = users['Carol/Slash Ü'];
      const res = await t
        .http()
        .patch(`/api/v4/groups/${g.id}/scim/${enc('CAROL/SLASH Ü')}`)
        .set(adminAuth)
        .send({ extern_uid: 'carol@acme.test' })
        .expect(200);
      expect(res.body).toEqual({ extern_uid: 'carol@acme.test', user_id: userId, active: true });
      const [row] = await scimRow('carol@acme.test');
      expect(Number(row.user_id)).toBe(userId);
      expect(JSON.parse(row.attributes).externalId).toBe('carol@acme.test');
      expect(await scimRow('Carol/Slash Ü')).toEqual([]);
      expect(await events('scim_identity_updated', userId)).toEqual([{ author_id: 1, group_id: g.id, details: { from: 'Carol/Slash Ü', to: 'carol@acme.test' } }]);
      // The SCIM API now serves the person under the new id.
      await t.http().get(`${g.base}/Users/carol@acme.test`).set(auth(g.scimToken)).expect(200);
    });

    it("PATCH to a value another SCIM identity holds (in any case) is 400 'Extern uid has already been taken'", async () => {
      const userId = users['holder'];
      const res = await t.http().patch(`/api/v4/groups/${g.id}/scim/holder`).set(adminAuth).send({ extern_uid: 'Alice.Smith@ACME.test' }).expect(400);
      expect(res.body).toEqual(TAKEN);
      expect(await scimRow('holder')).toHaveLength(1);
      expect(await events('scim_identity_updated', userId)).toEqual([]);
      await t.http().patch(`/api/v4/groups/${g.id}/scim/holder`).set(adminAuth).send({}).expect(400);
      await t
        .http()
        .patch(`/api/v4/groups/${g.id}/scim/holder`)
        .set(adminAuth)
        .send({ extern_uid: 'x'.repeat(256) })
        .expect(400);
      expect(await scimRow('holder')).toHaveLength(1);
    });

    it('DELETE removes the SCIM identity: 204, gone, audited; a second DELETE is 404', async () => {
      const userId = users['deprovisioned'];
      await t.http().delete(`/api/v4/groups/${g.id}/scim/DEPROVISIONED`).set(adminAuth).expect(204);
      expect(await scimRow('deprovisioned')).toEqual([]);
      expect(await events('scim_identity_deleted', userId)).toEqual([{ author_id: 1, group_id: g.id, details: { extern_uid: 'deprovisioned', active: false } }]);
      await t.http().delete(`/api/v4/groups/${g.id}/scim/deprovisioned`).set(adminAuth).expect(404);
      expect(await t.sql('SELECT id FROM users WHERE id = ?', [userId])).toHaveLength(1);
    });
  });
});
