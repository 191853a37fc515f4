import { adminAuth, auth, setUpGroup, setUpInstance } from '../support/fixtures.js';
import { addMember, createPerson, Person, provision } from '../support/admin-people.js';
import { linkSamlIdentity } from '../support/platform-users.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const ids = (body: { id: number }[]) => body.map((row) => row.id);

/**
 * Every filter GitLab documents for these lists narrows the answer, and none widens it: a "find by
 * extern_uid, then block" script acts on the first row it gets, so a filter that was ignored would
 * make it act on the wrong person.
 */
describe('admin API list filters', () => {
  let t: TestApp;
  let g: Awaited<ReturnType<typeof setUpGroup>>;
  let provisioned: number;
  let instanceUser: number;
  let blocked: Person;
  let dev: Person;
  let owner: Person;

  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'filters-acme');
    const instance = await setUpInstance(t);
    provisioned = (await provision(t, g, { externalId: 'Filter-Uid-1' })).userId;
    instanceUser = (await provision(t, instance, { externalId: 'instance-uid-1' })).userId;
    blocked = await createPerson(t, 'blockedone');
    await t.sql("UPDATE users SET state = 'blocked' WHERE id = ?", [blocked.id]);
    dev = await createPerson(t, 'filterdev', { name: 'Dana Developer' });
    owner = await createPerson(t, 'filterowner');
    await addMember(t, g.id, dev.id, 30);
    await addMember(t, g.id, owner.id, 50);
    await addMember(t, g.id, blocked.id, 10);
  });
  afterAll(async () => t.close());

  describe('GET /users', () => {
    const users = (query: Record<string, string>, token = adminAuth) => t.http().get('/api/v4/users').query(query).set(token);

    it('finds exactly the holder of an extern_uid for a provider, and nobody for another or unknown provider', async () => {
      expect(ids((await users({ extern_uid: 'Filter-Uid-1', provider: 'group_saml' }).expect(200)).body)).toEqual([provisioned]);
      expect((await users({ extern_uid: 'filter-uid-1', provider: 'group_saml' }).expect(200)).body).toEqual([]);
      expect(ids((await users({ extern_uid: 'instance-uid-1', provider: 'saml' }).expect(200)).body)).toEqual([instanceUser]);
      expect((await users({ extern_uid: 'Filter-Uid-1', provider: 'saml' }).expect(200)).body).toEqual([]);
      // GitLab documents provider=scim for SCIM identities, compared as SCIM ids are (any case).
      expect(ids((await users({ extern_uid: 'filter-uid-1', provider: 'scim' }).expect(200)).body)).toEqual([provisioned]);
      expect(ids((await users({ extern_uid: 'instance-uid-1', provider: 'scim' }).expect(200)).body)).toEqual([instanceUser]);
      expect((await users({ extern_uid: 'no-such-uid', provider: 'scim' }).expect(200)).body).toEqual([]);
      const unknown = await users({ extern_uid: 'Filter-Uid-1', provider: 'ldapmain' }).expect(200);
      expect(unknown.body).toEqual([]);
      expect(unknown.headers['x-total']).toBe('0');
    });

    it('refuses extern_uid without provider (and the reverse) as GitLab does', async () => {
      expect((await users({ extern_uid: 'Filter-Uid-1' }).expect(400)).body).toEqual({ error: 'extern_uid, provider provide all or none of parameters' });
      expect((await users({ provider: 'group_saml' }).expect(400)).body).toEqual({ error: 'extern_uid, provider provide all or none of parameters' });
    });

    it('matches username exactly, ignoring case', async () => {
      expect(ids((await users({ username: dev.username.toUpperCase() }).expect(200)).body)).toEqual([dev.id]);
      expect((await users({ username: dev.username.slice(0, -1) }).expect(200)).body).toEqual([]);
    });

    it('narrows by active and blocked, and treats false as no filter as GitLab does', async () => {
      const blockedOnly = ids((await users({ blocked: 'true', per_page: '100' }).expect(200)).body);
      expect(blockedOnly).toEqual([blocked.id]);
      const activeOnly = ids((await users({ active: 'true', per_page: '100' }).expect(200)).body);
      expect(activeOnly).toContain(dev.id);
      expect(activeOnly).not.toContain(blocked.id);
      expect(ids((await users({ active: 'false', per_page: '100' }).expect(200)).body)).toContain(blocked.id);
      expect((await users({ active: 'true', blocked: 'true' }).expect(200)).body).toEqual([]);
      expect((await users({ blocked: 'maybe' }).expect(400)).body).toEqual({ message: { blocked: ['must be true or false'] } });
    });

    it('searches, and answers filters for accounts Roster has none of with an empty list', async () => {
      expect(ids((await users({ search: 'Dana Dev' }).expect(200)).body)).toEqual([dev.id]);
      const nobody: Record<string, string>[] = [{ external: 'true' }, { auditors: 'true' }, { two_factor: 'enabled' }, { saml_provider_id: '999999' }];
      for (const query of nobody) {
        expect({ query, body: (await users(query).expect(200)).body }).toEqual({ query, body: [] });
      }
      expect(ids((await users({ admins: 'true', per_page: '100' }).expect(200)).body)).not.toContain(dev.id);
    });

    it('finds the users of one SAML provider by saml_provider_id', async () => {
      const [provider] = await t.sql<{ id: number }>('SELECT id FROM saml_providers WHERE group_id = ?', [g.id]);
      expect(ids((await users({ saml_provider_id: String(provider.id), per_page: '100' }).expect(200)).body)).toEqual([provisioned]);
    });

    it('keeps identity look-ups for admins', async () => {
      await users({ extern_uid: 'Filter-Uid-1', provider: 'group_saml' }, auth(dev.token)).expect(403);
    });
  });

  describe('GET /groups', () => {
    it('searches name and path, and narrows to owned groups or a minimum access level', async () => {
      const other = await setUpGroup(t, 'filters-other');
      const search = await t.http().get('/api/v4/groups').query({ search: 'FILTERS-' }).set(adminAuth).expect(200);
      expect(ids(search.body)).toEqual([g.id, other.id]);
      expect(ids((await t.http().get('/api/v4/groups').query({ search: 'nothing-like-it' }).set(adminAuth).expect(200)).body)).toEqual([]);
      expect(
        ids(
          (
            await t
              .http()
              .get('/api/v4/groups')
              .query({ search: 'filters', skip_groups: String(g.id) })
              .set(adminAuth)
              .expect(200)
          ).body,
        ),
      ).toEqual([other.id]);
      expect(ids((await t.http().get('/api/v4/groups').query({ owned: 'true' }).set(auth(owner.token)).expect(200)).body)).toEqual([g.id]);
      expect((await t.http().get('/api/v4/groups').query({ owned: 'true' }).set(auth(dev.token)).expect(200)).body).toEqual([]);
      expect(ids((await t.http().get('/api/v4/groups').query({ min_access_level: '30' }).set(auth(dev.token)).expect(200)).body)).toEqual([g.id]);
      expect((await t.http().get('/api/v4/groups').query({ min_access_level: '40' }).set(auth(dev.token)).expect(200)).body).toEqual([]);
      // owned is about the caller's own memberships, for an admin too: not every group.
      await t.sql('DELETE FROM members WHERE group_id = ? AND user_id = 1', [other.id]);
      expect(ids((await t.http().get('/api/v4/groups').query({ owned: 'true', search: 'filters' }).set(adminAuth).expect(200)).body)).toEqual([g.id]);
    });
  });

  describe('GET /groups/:id/members', () => {
    const members = (query: Record<string, string | string[]>) => t.http().get(`/api/v4/groups/${g.id}/members`).query(query).set(adminAuth);

    it('honours query (GitLab) and search (Roster), user_ids in every spelling, and skip_users', async () => {
      expect(ids((await members({ query: 'dana' }).expect(200)).body)).toEqual([dev.id]);
      expect(ids((await members({ search: 'dana' }).expect(200)).body)).toEqual([dev.id]);
      expect(ids((await members({ user_ids: `${dev.id},${owner.id}` }).expect(200)).body)).toEqual([dev.id, owner.id]);
      const bracketed = await t.http().get(`/api/v4/groups/${g.id}/members?user_ids[]=${owner.id}`).set(adminAuth).expect(200);
      expect(ids(bracketed.body)).toEqual([owner.id]);
      expect((await members({ user_ids: '999999' }).expect(200)).body).toEqual([]);
      const skipped = ids((await members({ skip_users: `${dev.id}`, per_page: '100' }).expect(200)).body);
      expect(skipped).toEqual(expect.arrayContaining([provisioned, owner.id, blocked.id]));
      expect(skipped).not.toContain(dev.id);
      expect((await members({ state: 'awaiting' }).expect(200)).body).toEqual([]);
      const keyset = await members({ user_ids: `${owner.id}`, pagination: 'keyset' }).expect(200);
      expect(ids(keyset.body)).toEqual([owner.id]);
      expect(keyset.headers['x-total']).toBe('1');
      expect((await members({ user_ids: 'abc' }).expect(400)).body).toEqual({ message: { user_ids: ['must be whole numbers from 1 to 2147483647'] } });
    });
  });

  describe('audit events', () => {
    it('narrows by entity_type and entity_id', async () => {
      const group = await t
        .http()
        .get('/api/v4/audit_events')
        .query({ entity_type: 'Group', entity_id: String(g.id), per_page: '100' })
        .set(adminAuth)
        .expect(200);
      expect(group.body.length).toBeGreaterThan(0);
      expect(group.body.every((e: { entity_type: string; entity_id: number }) => e.entity_type === 'Group' && e.entity_id === g.id)).toBe(true);
      const instance = await t.http().get('/api/v4/audit_events').query({ entity_type: 'Gitlab::Audit::InstanceScope', per_page: '100' }).set(adminAuth).expect(200);
      expect(instance.body.length).toBeGreaterThan(0);
      expect(instance.body.every((e: { entity_type: string }) => e.entity_type === 'Instance')).toBe(true);
      expect((await t.http().get('/api/v4/audit_events').query({ entity_type: 'Project' }).set(adminAuth).expect(200)).body).toEqual([]);
      expect((await t.http().get('/api/v4/audit_events').query({ entity_id: '999999' }).set(adminAuth).expect(200)).body).toEqual([]);
      await t.http().get('/api/v4/audit_events').query({ entity_type: 'Planet' }).set(adminAuth).expect(400);
    });

    it('narrows by created_after and created_before', async () => {
      const future = await t.http().get(`/api/v4/groups/${g.id}/audit_events`).query({ created_after: '2999-01-01' }).set(adminAuth).expect(200);
      expect(future.body).toEqual([]);
      const past = await t.http().get(`/api/v4/groups/${g.id}/audit_events`).query({ created_before: '2000-01-01' }).set(adminAuth).expect(200);
      expect(past.body).toEqual([]);
      const today = new Date().toISOString().slice(0, 10);
      const now = await t.http().get(`/api/v4/groups/${g.id}/audit_events`).query({ created_after: today, created_before: today }).set(adminAuth).expect(200);
      expect(now.body.length).toBeGreaterThan(0);
    });
  });

  it('linkSamlIdentity helper stays usable for identity filters', async () => {
    await linkSamlIdentity(t, g.id, dev.id, 'dev-linked');
    expect(ids((await t.http().get('/api/v4/users').query({ extern_uid: 'dev-linked', provider: 'group_saml' }).set(adminAuth).expect(200)).body)).toEqual([dev.id]);
  });
});
