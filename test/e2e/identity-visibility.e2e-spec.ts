import { adminAuth, auth, setUpGroup } from '../support/fixtures.js';
import { addMember, createPerson, provision } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const SECRET_EXTERN_UID = 'hidden-extern-uid-7f3a';
const SECRET_EMAIL = 'hidden.person.7f3a@acme.test';
const SECRET_NAME_ID = 'hidden-name-id-7f3a';
/** Field names that carry identity data: none may reach a Developer, whoever they describe. */
const IDENTITY_KEYS = /"(email|extern_uid|externalId|external_id|name_id|nameId|scim_identity|group_saml_identity|last_saml_sign_in|identities)"\s*:/;

/** Every GET route the app registered under /api/v4, found in the router itself: a new route is walked too. */
function getRoutes(t: TestApp): string[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> } };
  const express = t.app.getHttpAdapter().getInstance() as unknown as { router: { stack: Layer[] } };
  const paths = express.router.stack.filter((layer) => layer.route?.methods.get && layer.route.path.startsWith('/api/v4')).map((layer) => layer.route!.path);
  return [...new Set(paths)];
}

/**
 * Identity data (emails, SCIM externalIds, SAML extern_uids, NameIDs, sign-in observations) is for
 * a group's Owners and admins only (quality.md). A Developer of the group walks every GET route of
 * the admin API and none of the answers holds any of it.
 */
describe('identity data is for Owners and admins only', () => {
  let t: TestApp;
  let groupId: number;
  let hiddenUserId: number;
  let developer: Awaited<ReturnType<typeof createPerson>>;

  beforeAll(async () => {
    t = await startTestApp();
    const g = await setUpGroup(t, 'visibility-acme');
    groupId = g.id;
    hiddenUserId = (await provision(t, g, { externalId: SECRET_EXTERN_UID, userName: SECRET_EMAIL, emails: [{ value: SECRET_EMAIL, primary: true }] })).userId;
    await t.sql('INSERT INTO saml_sign_ins (group_id, name_id, email, user_id, outcome, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      g.id,
      SECRET_NAME_ID,
      SECRET_EMAIL,
      hiddenUserId,
      'refused',
      '2025-01-02T00:00:00.000Z',
    ]);
    developer = await createPerson(t, 'visdev');
    await addMember(t, g.id, developer.id, 30);
  });
  afterAll(async () => t.close());

  function concrete(path: string): string {
    return path
      .replace(':group', String(groupId))
      .replace(/:(user_id|userId|id)\b/g, String(hiddenUserId))
      .replace(':uid', SECRET_EXTERN_UID)
      .replace(/:[a-z_]+/gi, '1');
  }

  it('walks every GET route with a Developer token and finds no identity data of anyone', async () => {
    const routes = getRoutes(t);
    expect(routes.length).toBeGreaterThanOrEqual(15);
    const answered: Record<string, number> = {};
    for (const route of routes) {
      const path = concrete(route);
      const res = await t.http().get(path).set(auth(developer.token));
      answered[route] = res.status;
      expect({ route, status: res.status < 500 }).toEqual({ route, status: true });
      for (const secret of [SECRET_EXTERN_UID, SECRET_EMAIL, SECRET_NAME_ID]) expect({ route, leaks: res.text.includes(secret) }).toEqual({ route, leaks: false });
      // The caller's own account (GET /user, the session) is theirs to see, as on GitLab.
      if (route !== '/api/v4/user' && route !== '/api/v4/session') expect({ route, body: IDENTITY_KEYS.test(res.text) ? res.text.slice(0, 300) : 'clean' }).toEqual({ route, body: 'clean' });
    }
    // The walk read data, not only refusals: the group, its members and the user list answered.
    expect(answered).toEqual(expect.objectContaining({ '/api/v4/groups/:group': 200, '/api/v4/groups/:group/members': 200, '/api/v4/groups/:group/members/:user_id': 200, '/api/v4/users': 200 }));
  });

  it('still shows Owners and admins the identity data the Developer does not get', async () => {
    const members = await t.http().get(`/api/v4/groups/${groupId}/members/${hiddenUserId}`).set(adminAuth).expect(200);
    expect(members.body).toEqual(
      expect.objectContaining({
        email: SECRET_EMAIL,
        group_saml_identity: expect.objectContaining({ extern_uid: SECRET_EXTERN_UID }),
        last_saml_sign_in: expect.objectContaining({ name_id: SECRET_NAME_ID }),
      }),
    );
    const asDeveloper = await t.http().get(`/api/v4/groups/${groupId}/members/${hiddenUserId}`).set(auth(developer.token)).expect(200);
    expect(Object.keys(asDeveloper.body).sort()).toEqual(['access_level', 'avatar_url', 'created_at', 'expires_at', 'id', 'locked', 'name', 'state', 'username', 'web_url']);
  });
});
