import { adminAuth, auth, setUpGroup } from '../support/fixtures.js';
import { addMember, createPerson } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/** GET /api/v4/groups/:id tells the caller what they may do there, so the UI shows only that. */
describe('group permissions of the caller', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('says each caller’s access level, admin flag and whether they manage the group', async () => {
    const g = await setUpGroup(t, 'permissions');
    const owner = await createPerson(t, 'perm-owner');
    const maintainer = await createPerson(t, 'perm-maintainer');
    const developer = await createPerson(t, 'perm-developer');
    const outsider = await createPerson(t, 'perm-outsider');
    await addMember(t, g.id, owner.id, 50);
    await addMember(t, g.id, maintainer.id, 40);
    await addMember(t, g.id, developer.id, 30);
    const permissionsOf = async (token: string) => (await t.http().get(`/api/v4/groups/${g.id}`).set(auth(token)).expect(200)).body.permissions;

    expect(await permissionsOf(owner.token)).toEqual({ group_access: { access_level: 50 }, is_admin: false, can_manage: true });
    expect(await permissionsOf(maintainer.token)).toEqual({ group_access: { access_level: 40 }, is_admin: false, can_manage: false });
    expect(await permissionsOf(developer.token)).toEqual({ group_access: { access_level: 30 }, is_admin: false, can_manage: false });
    // The admin created the group and is its first Owner; an admin who is not a member manages it too.
    expect((await t.http().get(`/api/v4/groups/${g.id}`).set(adminAuth).expect(200)).body.permissions).toEqual({ group_access: { access_level: 50 }, is_admin: true, can_manage: true });
    await t.http().delete(`/api/v4/groups/${g.id}/members/1`).set(adminAuth).expect(204);
    expect((await t.http().get(`/api/v4/groups/${g.id}`).set(adminAuth).expect(200)).body.permissions).toEqual({ group_access: null, is_admin: true, can_manage: true });
    await t.http().get(`/api/v4/groups/${g.id}`).set(auth(outsider.token)).expect(404);
  });
});
