import { jest } from '@jest/globals';
import { addMember, createPerson, provision } from '../support/admin-people.js';
import { adminAuth, setUpGroup, setUpInstance } from '../support/fixtures.js';
import { addLink, GROUP_SCHEMA, roleOf, roles, scimGroups } from '../support/scim-groups-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const ENTRA_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const GUEST = 10;
const DEVELOPER = 30;
const MAINTAINER = 40;
const OWNER = 50;

async function auditNames(t: TestApp, since: number): Promise<string[]> {
  const rows = await t.sql<{ event_name: string }>('SELECT event_name FROM audit_events WHERE id > ? ORDER BY id', [since]);
  return rows.map((r) => r.event_name);
}

async function lastAudit(t: TestApp): Promise<number> {
  const [row] = await t.sql<{ id: number | null }>('SELECT MAX(id) AS id FROM audit_events');
  return Number(row.id ?? 0);
}

describe('group sync through SCIM /Groups', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('replays Okta Group Push in the group scope: create empty, exists check, PATCH remove+add, full replace, PUT, rename, delete — roles follow', async () => {
    const g = await setUpGroup(t, 'okta-push', { default_membership_role: GUEST });
    const groups = scimGroups(t, g.base, g.scimToken);
    const alice = await provision(t, g);
    const bob = await provision(t, g);
    const carol = await provision(t, g);
    const ids = { alice: alice.doc.externalId as string, bob: bob.doc.externalId as string, carol: carol.doc.externalId as string };
    await addLink(t, g.id, 'Engineering', DEVELOPER);
    await addLink(t, g.id, 'Eng-Leads', MAINTAINER);
    // SCIM provisioning gave everyone the default role.
    expect(await roleOf(t, g.id, alice.userId)).toBe(GUEST);

    // 1. Create with members: [].
    const before = await lastAudit(t);
    const created = await groups.create({ schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [] }).expect(201);
    expect(created.body).toMatchObject({ schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [], meta: { resourceType: 'Group' } });
    expect(created.headers.location).toBe(`http://roster.test${g.base}/Groups/${created.body.id}`);
    expect(created.headers['content-type']).toMatch(/^application\/scim\+json/);
    const gid = created.body.id as string;
    expect(await auditNames(t, before)).toEqual(['scim_group_created']);

    // 2-3. List and exists check by displayName.
    const listed = await groups.list({ startIndex: 1, count: 100 }).expect(200);
    expect(listed.body).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    const exists = await groups.list({ filter: 'displayName eq "Engineering"', startIndex: 1, count: 100 }).expect(200);
    expect(exists.body.Resources.map((r: { id: string }) => r.id)).toEqual([gid]);
    expect((await groups.list({ filter: 'displayName eq "Nope"' }).expect(200)).body).toMatchObject({ totalResults: 0, Resources: [] });

    // 5-6. Okta's rename-with-id and a remove+add PATCH.
    await groups.patch(gid, [{ op: 'replace', value: { id: gid, displayName: 'Engineering' } }]).expect(204);
    await groups
      .patch(gid, [
        {
          op: 'add',
          path: 'members',
          value: [
            { value: ids.alice, display: 'alice' },
            { value: ids.bob, display: 'bob' },
          ],
        },
      ])
      .expect(204);
    expect(await roleOf(t, g.id, alice.userId)).toBe(DEVELOPER);
    expect(await roleOf(t, g.id, bob.userId)).toBe(DEVELOPER);
    expect((await roles(t, g.id)).get(alice.userId)).toEqual([DEVELOPER, 'group_sync', ['Engineering']]);
    await groups
      .patch(gid, [
        { op: 'remove', path: `members[value eq "${ids.alice}"]` },
        { op: 'add', path: 'members', value: [{ value: ids.carol, display: 'carol' }] },
      ])
      .expect(204);
    // Alice had the provider's default role without sync: she goes back to it.
    expect(await roleOf(t, g.id, alice.userId)).toBe(GUEST);
    expect((await roles(t, g.id)).get(alice.userId)).toEqual([GUEST, 'scim_provisioning', []]);
    expect(await roleOf(t, g.id, carol.userId)).toBe(DEVELOPER);
    const read = await groups.get(gid).expect(200);
    expect(read.body.members.map((m: { value: string }) => m.value).sort()).toEqual([ids.bob, ids.carol].sort());

    // 7. Full push with replace.
    await groups.patch(gid, [{ op: 'replace', path: 'members', value: [{ value: ids.alice }] }]).expect(204);
    expect([await roleOf(t, g.id, alice.userId), await roleOf(t, g.id, bob.userId), await roleOf(t, g.id, carol.userId)]).toEqual([DEVELOPER, GUEST, GUEST]);

    // A second pushed group with a higher link: the highest grant wins.
    const leads = await groups.create({ schemas: [GROUP_SCHEMA], displayName: 'Eng-Leads', members: [{ value: ids.alice }] }).expect(201);
    expect(await roleOf(t, g.id, alice.userId)).toBe(MAINTAINER);
    expect((await roles(t, g.id)).get(alice.userId)).toEqual([MAINTAINER, 'group_sync', ['Eng-Leads']]);

    // 8. AIW apps: PUT with the full list.
    const put = await groups.put(gid, { schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [{ value: ids.bob, display: 'bob' }] }).expect(200);
    expect(put.body.members.map((m: { value: string }) => m.value)).toEqual([ids.bob]);
    expect(await roleOf(t, g.id, bob.userId)).toBe(DEVELOPER);
    expect(await roleOf(t, g.id, alice.userId)).toBe(MAINTAINER);

    // Rename away from the link: its members lose the grant; renaming back restores it.
    await groups.patch(gid, [{ op: 'replace', value: { id: gid, displayName: 'Engineering (old)' } }]).expect(204);
    expect(await roleOf(t, g.id, bob.userId)).toBe(GUEST);
    await groups.patch(gid, [{ op: 'replace', path: 'displayName', value: 'Engineering' }]).expect(204);
    expect(await roleOf(t, g.id, bob.userId)).toBe(DEVELOPER);

    // 9. Delete: 204, then 404; members back to what they had without sync.
    const beforeDelete = await lastAudit(t);
    await groups.delete(leads.body.id).expect(204);
    expect(await auditNames(t, beforeDelete)).toEqual(['scim_group_deleted', 'member_role_updated_by_group_sync']);
    expect(await roleOf(t, g.id, alice.userId)).toBe(GUEST);
    await groups.get(leads.body.id).expect(404);
    const second = await groups.delete(leads.body.id).expect(404);
    expect(second.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
  });

  it('replays Entra group provisioning in the instance scope: POST with members, excludedAttributes=members, Add/Remove value arrays, validator multi-member PATCH, rename, delete', async () => {
    const instance = await setUpInstance(t);
    const groups = scimGroups(t, instance.base, instance.scimToken);
    const g1 = await setUpGroup(t, 'entra-one');
    const g2 = await setUpGroup(t, 'entra-two');
    await addLink(t, g1.id, 'Sales', DEVELOPER);
    await addLink(t, g2.id, 'Sales', MAINTAINER);
    const dana = await provision(t, instance);
    const eve = await provision(t, instance);
    const finn = await provision(t, instance);
    const ids = { dana: dana.doc.externalId as string, eve: eve.doc.externalId as string, finn: finn.doc.externalId as string };
    // Instance-scope SCIM users are not members of any group until a link grants them a role.
    expect(await roleOf(t, g1.id, dana.userId)).toBeNull();

    const created = await groups
      .create({ schemas: [GROUP_SCHEMA, ENTRA_GROUP_SCHEMA], externalId: 'f0a1-obj', displayName: 'Sales', meta: { resourceType: 'Group' }, members: [{ value: ids.dana }] })
      .expect(201);
    expect(created.body).toMatchObject({ externalId: 'f0a1-obj', displayName: 'Sales' });
    const gid = created.body.id as string;
    // In every Roster group with a link of that name.
    expect((await roles(t, g1.id)).get(dana.userId)).toEqual([DEVELOPER, 'group_sync', ['Sales']]);
    expect((await roles(t, g2.id)).get(dana.userId)).toEqual([MAINTAINER, 'group_sync', ['Sales']]);

    // Uniqueness of displayName (case-insensitive) within the scope: 409 uniqueness.
    const dup = await groups.create({ schemas: [GROUP_SCHEMA], displayName: 'sales' }).expect(409);
    expect(dup.body).toMatchObject({ status: '409', scimType: 'uniqueness' });

    const one = await groups.get(gid, { excludedAttributes: 'members' }).expect(200);
    expect(one.body).not.toHaveProperty('members');
    expect(one.body.displayName).toBe('Sales');
    const found = await groups.list({ excludedAttributes: 'members', filter: 'displayName eq "Sales"' }).expect(200);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0]).not.toHaveProperty('members');
    expect((await groups.list({ filter: 'externalId eq "f0a1-obj"' }).expect(200)).body.Resources[0].id).toBe(gid);

    // The validator's multi-member Add.
    await groups.patch(gid, [{ op: 'Add', path: 'members', value: [{ $ref: null, value: ids.eve }, { value: ids.finn }] }]).expect(204);
    expect([await roleOf(t, g1.id, eve.userId), await roleOf(t, g1.id, finn.userId), await roleOf(t, g2.id, finn.userId)]).toEqual([DEVELOPER, DEVELOPER, MAINTAINER]);
    // Default Entra removal removes only the member named.
    await groups.patch(gid, [{ op: 'Remove', path: 'members', value: [{ value: ids.eve }] }]).expect(204);
    expect(await roleOf(t, g1.id, eve.userId)).toBeNull();
    expect(await roleOf(t, g1.id, finn.userId)).toBe(DEVELOPER);
    // Flagged removal.
    await groups.patch(gid, [{ op: 'remove', path: `members[value eq "${ids.finn}"]` }]).expect(204);
    expect(await roleOf(t, g2.id, finn.userId)).toBeNull();
    // Idempotence: adding a member twice, removing a non-member.
    await groups
      .patch(gid, [
        { op: 'add', path: 'members', value: [{ value: ids.dana }] },
        { op: 'remove', path: 'members', value: [{ value: ids.eve }] },
      ])
      .expect(204);
    expect((await groups.get(gid).expect(200)).body.members.map((m: { value: string }) => m.value)).toEqual([ids.dana]);
    // An id that is no User of the scope: 400 invalidValue, nothing applied.
    const bad = await groups.patch(gid, [{ op: 'add', path: 'members', value: [{ value: ids.eve }, { value: 'no-such-user' }] }]).expect(400);
    expect(bad.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(bad.body.detail).toContain('no-such-user');
    expect(await roleOf(t, g1.id, eve.userId)).toBeNull();

    // Rename: the link no longer matches.
    await groups.patch(gid, [{ op: 'Replace', path: 'displayName', value: 'Sales EMEA' }]).expect(204);
    expect(await roleOf(t, g1.id, dana.userId)).toBeNull();
    expect((await groups.get(gid).expect(200)).body.displayName).toBe('Sales EMEA');
    await groups.patch(gid, [{ op: 'Replace', path: 'displayName', value: 'Sales' }]).expect(204);
    expect(await roleOf(t, g1.id, dana.userId)).toBe(DEVELOPER);
    // Remove all members (no value).
    await groups.patch(gid, [{ op: 'remove', path: 'members' }]).expect(204);
    expect(await roleOf(t, g1.id, dana.userId)).toBeNull();
    await groups.patch(gid, [{ op: 'add', path: 'members', value: [{ value: ids.dana }] }]).expect(204);

    await groups.delete(gid).expect(204);
    expect(await roleOf(t, g1.id, dana.userId)).toBeNull();
    expect(await roleOf(t, g2.id, dana.userId)).toBeNull();
    expect((await groups.list().expect(200)).body.totalResults).toBe(0);
  });

  it('never demotes or removes the last Owner, and refuses manual changes to a synced member with an explanation', async () => {
    const g = await setUpGroup(t, 'sync-owner');
    const groups = scimGroups(t, g.base, g.scimToken);
    const owner = await provision(t, g);
    const other = await provision(t, g);
    // Make the provisioned person the only Owner of the group.
    const owners = await t.sql<{ user_id: number }>('SELECT user_id FROM members WHERE group_id = ? AND access_level = 50', [g.id]);
    await t.http().put(`/api/v4/groups/${g.id}/members/${owner.userId}`).set(adminAuth).send({ access_level: OWNER }).expect(200);
    for (const { user_id } of owners) await t.http().delete(`/api/v4/groups/${g.id}/members/${user_id}`).set(adminAuth).expect(204);
    expect(await t.sql('SELECT user_id FROM members WHERE group_id = ? AND access_level = 50', [g.id])).toEqual([{ user_id: owner.userId }]);
    await addLink(t, g.id, 'Staff', DEVELOPER);
    const staff = await groups.create({ schemas: [GROUP_SCHEMA], displayName: 'Staff', members: [{ value: owner.doc.externalId }, { value: other.doc.externalId }] }).expect(201);
    expect(await roleOf(t, g.id, owner.userId)).toBe(OWNER);
    expect(await roleOf(t, g.id, other.userId)).toBe(DEVELOPER);
    await groups.delete(staff.body.id).expect(204);
    expect(await roleOf(t, g.id, owner.userId)).toBe(OWNER);

    const again = await groups.create({ schemas: [GROUP_SCHEMA], displayName: 'Staff', members: [{ value: other.doc.externalId }] }).expect(201);
    const refused = await t.http().put(`/api/v4/groups/${g.id}/members/${other.userId}`).set(adminAuth).send({ access_level: MAINTAINER }).expect(409);
    expect(refused.body.message).toMatch(/managed by group sync via Staff/);
    const notRemoved = await t.http().delete(`/api/v4/groups/${g.id}/members/${other.userId}`).set(adminAuth).expect(409);
    expect(notRemoved.body.message).toMatch(/SAML group link/);
    expect(await roleOf(t, g.id, other.userId)).toBe(DEVELOPER);
    await groups.delete(again.body.id).expect(204);
    // Once sync no longer holds the role, it can be changed by hand.
    await t.http().put(`/api/v4/groups/${g.id}/members/${other.userId}`).set(adminAuth).send({ access_level: MAINTAINER }).expect(200);
  });

  it('removes members that were only there through sync, and keeps a manual member at the manual role', async () => {
    const g = await setUpGroup(t, 'sync-only');
    const instance = { base: '/api/scim/v2/application', scimToken: (await t.http().post('/api/v4/application/scim_token').set(adminAuth).expect(201)).body.scim_token as string };
    const groups = scimGroups(t, instance.base, instance.scimToken);
    await addLink(t, g.id, 'Ops', MAINTAINER);
    const p = await provision(t, instance);
    const manual = await createPerson(t, 'manual');
    await addMember(t, g.id, manual.id, GUEST);
    const ops = await groups.create({ schemas: [GROUP_SCHEMA], displayName: 'Ops', members: [{ value: p.doc.externalId }] }).expect(201);
    expect(await roleOf(t, g.id, p.userId)).toBe(MAINTAINER);
    await groups.patch(ops.body.id, [{ op: 'remove', path: 'members', value: [{ value: p.doc.externalId }] }]).expect(204);
    expect(await roleOf(t, g.id, p.userId)).toBeNull();
    expect((await roles(t, g.id)).get(manual.id)).toEqual([GUEST, 'manual', []]);
  });

  it('gives a person SCIM adds back the role their SCIM groups grant at once, by PATCH and by POST', async () => {
    const g = await setUpGroup(t, 'added-back', { default_membership_role: GUEST });
    const groups = scimGroups(t, g.base, g.scimToken);
    const dana = await provision(t, g);
    const uid = dana.doc.externalId as string;
    await addLink(t, g.id, 'Engineering', DEVELOPER);
    await groups.create({ schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [{ value: uid }] }).expect(201);
    expect(await roleOf(t, g.id, dana.userId)).toBe(DEVELOPER);
    const setActive = (active: boolean) =>
      t
        .http()
        .patch(`${g.base}/Users/${encodeURIComponent(uid)}`)
        .set('Authorization', `Bearer ${g.scimToken}`)
        .set('Content-Type', 'application/scim+json')
        .send(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false === active ? 'False' : 'True' }] }));

    // Deprovisioned: out of the group. Reactivated: back at the group's grant, not the default.
    await setActive(false).expect(204);
    expect(await roleOf(t, g.id, dana.userId)).toBeNull();
    await setActive(true).expect(204);
    expect((await roles(t, g.id)).get(dana.userId)).toEqual([DEVELOPER, 'group_sync', ['Engineering']]);

    // The same when the IdP POSTs the person again (the decision table's "inactive identity" row).
    await setActive(false).expect(204);
    await t.http().post(`${g.base}/Users`).set('Authorization', `Bearer ${g.scimToken}`).set('Content-Type', 'application/scim+json').send(JSON.stringify(dana.doc)).expect(201);
    expect(await roleOf(t, g.id, dana.userId)).toBe(DEVELOPER);
  });

  it('an admin deleting a SCIM identity takes it out of its SCIM groups: counts stay right and the role loses those grants', async () => {
    const g = await setUpGroup(t, 'identity-deleted', { default_membership_role: GUEST });
    const groups = scimGroups(t, g.base, g.scimToken);
    const erin = await provision(t, g);
    const frank = await provision(t, g);
    const uid = erin.doc.externalId as string;
    await addLink(t, g.id, 'Engineering', DEVELOPER);
    await groups.create({ schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [{ value: uid }, { value: frank.doc.externalId }] }).expect(201);
    expect(await roleOf(t, g.id, erin.userId)).toBe(DEVELOPER);
    const overview = async () => (await t.http().get(`/api/v4/groups/${g.id}/scim_groups`).set(adminAuth).expect(200)).body as { display_name: string; members: number }[];
    expect((await overview()).map((o) => [o.display_name, o.members])).toEqual([['Engineering', 2]]);

    await t
      .http()
      .delete(`/api/v4/groups/${g.id}/scim/${encodeURIComponent(uid)}`)
      .set(adminAuth)
      .expect(204);
    expect((await overview()).map((o) => [o.display_name, o.members])).toEqual([['Engineering', 1]]);
    // The SCIM group itself lists only the remaining member.
    const [listed] = (await groups.list({ filter: 'displayName eq "Engineering"' }).expect(200)).body.Resources as { members: { value: string }[] }[];
    expect(listed.members.map((m) => m.value)).toEqual([frank.doc.externalId]);
    // No grant left: back to the role SCIM provisioning gave; Frank keeps his.
    expect(await roleOf(t, g.id, erin.userId)).toBe(GUEST);
    expect(await roleOf(t, g.id, frank.userId)).toBe(DEVELOPER);
  });

  it('answers bad requests with SCIM errors, never 500', async () => {
    const g = await setUpGroup(t, 'sync-errors');
    const groups = scimGroups(t, g.base, g.scimToken);
    expect((await groups.create({ schemas: [GROUP_SCHEMA] }).expect(400)).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect((await groups.create({ displayName: 'x'.repeat(300) }).expect(400)).body.status).toBe('400');
    const created = await groups.create({ displayName: 'Errors' }).expect(201);
    expect((await groups.patch(created.body.id, [{ op: 'move', path: 'members' }]).expect(400)).body.scimType).toBe('invalidSyntax');
    expect((await groups.patch(created.body.id, [{ op: 'remove', path: 'members[display co "x"]' }]).expect(400)).body.scimType).toBe('invalidFilter');
    expect((await groups.patch(created.body.id, [{ op: 'replace', path: 'title', value: 'x' }]).expect(400)).body.scimType).toBe('invalidPath');
    expect((await groups.patch(created.body.id, [{ op: 'replace', value: { id: 'other', displayName: 'y' } }]).expect(400)).body.scimType).toBe('mutability');
    expect((await groups.patch('00000000-0000-0000-0000-000000000000', [{ op: 'replace', path: 'displayName', value: 'z' }]).expect(404)).body.status).toBe('404');
    expect((await groups.list({ filter: 'displayName eq' }).expect(400)).body.scimType).toBe('invalidFilter');
  });

  it('discovery lists the Group resource type and schema; ServiceProviderConfig is unchanged', async () => {
    const g = await setUpGroup(t, 'sync-discovery');
    const get = (path: string) => t.http().get(`${g.base}${path}`).set('Authorization', `Bearer ${g.scimToken}`);
    const types = (await get('/ResourceTypes').expect(200)).body.Resources.map((r: { id: string; endpoint: string }) => [r.id, r.endpoint]);
    expect(types).toEqual([
      ['User', '/Users'],
      ['Group', '/Groups'],
    ]);
    expect((await get('/ResourceTypes/Group').expect(200)).body.schema).toBe(GROUP_SCHEMA);
    const schemas = (await get('/Schemas').expect(200)).body.Resources.map((s: { id: string }) => s.id);
    expect(schemas).toContain(GROUP_SCHEMA);
    expect((await get(`/Schemas/${GROUP_SCHEMA}`).expect(200)).body.attributes.map((a: { name: string }) => a.name)).toEqual(['displayName', 'members']);
  });
});
