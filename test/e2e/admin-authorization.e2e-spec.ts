import { adminAuth, auth, GroupSetup, IDP_CERT, IDP_SSO_URL, setUpGroup, setUpInstance } from '../support/fixtures.js';
import { addMember, createPerson, Person, provision } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';

type Actor = 'admin' | 'owner' | 'member' | 'otherOwner' | 'none' | 'scimToken';

interface Endpoint {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Path and body for one call; writes get a fresh target per allowed caller. */
  request: () => Promise<{ path: string; body?: Record<string, unknown> }>;
  /** Members may read it (else Owners only). */
  memberMayRead: boolean;
  success: number;
}

const REFUSED: Record<Exclude<Actor, 'admin' | 'owner'>, { status: number; body: unknown }> = {
  none: { status: 401, body: { message: '401 Unauthorized' } },
  scimToken: { status: 401, body: { message: '401 Unauthorized' } },
  otherOwner: { status: 404, body: { message: '404 Group Not Found' } },
  member: { status: 403, body: { message: '403 Forbidden' } },
};

/**
 * The authorization matrix of admin-api.md for every group endpoint: admins and the group's Owners
 * may do everything, other members only read the group and its members (403 otherwise), the Owner
 * of another group sees no such group (404), and no token or a SCIM token is 401. Refusals change
 * nothing in the database and carry no data.
 */
describe('admin API authorization matrix', () => {
  let t: TestApp;
  let g: GroupSetup;
  let other: GroupSetup;
  let instance: { scimToken: string };
  let owner: Person;
  let member: Person;
  let otherOwner: Person;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'matrix-acme');
    other = await setUpGroup(t, 'matrix-other');
    instance = await setUpInstance(t);
    owner = await createPerson(t, 'mxowner');
    member = await createPerson(t, 'mxmember');
    otherOwner = await createPerson(t, 'mxother');
    await addMember(t, g.id, owner.id, 50);
    await addMember(t, g.id, member.id, 40);
    await addMember(t, other.id, otherOwner.id, 50);
  });
  afterAll(async () => t.close());

  function headers(actor: Actor): Record<string, string> {
    switch (actor) {
      case 'admin':
        return adminAuth;
      case 'owner':
        return auth(owner.token);
      case 'member':
        return { 'PRIVATE-TOKEN': member.token };
      case 'otherOwner':
        return auth(otherOwner.token);
      case 'scimToken':
        return auth(g.scimToken);
      case 'none':
        return {};
    }
  }

  async function freshMember(level = 20): Promise<number> {
    const person = await createPerson(t, 'mxtarget');
    await addMember(t, g.id, person.id, level);
    return person.id;
  }

  async function freshIdentity(): Promise<string> {
    counter += 1;
    const uid = `matrix.uid+${counter}@acme.test`;
    await provision(t, g, { externalId: uid });
    return encodeURIComponent(uid);
  }

  async function snapshot() {
    const tables = ['groups', 'members', 'saml_providers', 'scim_tokens', 'saml_identities', 'scim_identities', 'users', 'personal_access_tokens', 'audit_events'];
    const out: Record<string, unknown> = {};
    for (const table of tables) {
      // last_used_at is bookkeeping written in the background when a token authenticates, not a change.
      out[table] = (await t.sql<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY id`)).map(({ last_used_at: _used, ...row }) => row);
    }
    return out;
  }

  const base = () => `/api/v4/groups/${g.id}`;
  const endpoints: Record<string, Endpoint> = {
    'GET group': { method: 'get', request: async () => ({ path: base() }), memberMayRead: true, success: 200 },
    'GET group by path': { method: 'get', request: async () => ({ path: '/api/v4/groups/matrix-acme' }), memberMayRead: true, success: 200 },
    'PUT group': { method: 'put', request: async () => ({ path: base(), body: { name: 'Group matrix-acme' } }), memberMayRead: false, success: 200 },
    'GET saml_provider': { method: 'get', request: async () => ({ path: `${base()}/saml_provider` }), memberMayRead: false, success: 200 },
    'PUT saml_provider': {
      method: 'put',
      request: async () => ({ path: `${base()}/saml_provider`, body: { enabled: true, sso_url: IDP_SSO_URL, certificate: IDP_CERT } }),
      memberMayRead: false,
      success: 200,
    },
    'GET scim_token': { method: 'get', request: async () => ({ path: `${base()}/scim_token` }), memberMayRead: false, success: 200 },
    'POST scim_token': { method: 'post', request: async () => ({ path: `${base()}/scim_token` }), memberMayRead: false, success: 201 },
    'GET members': { method: 'get', request: async () => ({ path: `${base()}/members` }), memberMayRead: true, success: 200 },
    'GET member': { method: 'get', request: async () => ({ path: `${base()}/members/${member.id}` }), memberMayRead: true, success: 200 },
    'POST members': {
      method: 'post',
      request: async () => ({ path: `${base()}/members`, body: { user_id: (await createPerson(t, 'mxnew')).id, access_level: 10 } }),
      memberMayRead: false,
      success: 201,
    },
    'PUT member': { method: 'put', request: async () => ({ path: `${base()}/members/${await freshMember()}`, body: { access_level: 30 } }), memberMayRead: false, success: 200 },
    'DELETE member': { method: 'delete', request: async () => ({ path: `${base()}/members/${await freshMember()}` }), memberMayRead: false, success: 204 },
    'GET saml identities': { method: 'get', request: async () => ({ path: `${base()}/saml/identities` }), memberMayRead: false, success: 200 },
    'GET saml identity': { method: 'get', request: async () => ({ path: `${base()}/saml/${await freshIdentity()}` }), memberMayRead: false, success: 200 },
    'PATCH saml identity': {
      method: 'patch',
      request: async () => ({ path: `${base()}/saml/${await freshIdentity()}`, body: { extern_uid: `patched-saml-${++counter}` } }),
      memberMayRead: false,
      success: 200,
    },
    'DELETE saml identity': { method: 'delete', request: async () => ({ path: `${base()}/saml/${await freshIdentity()}` }), memberMayRead: false, success: 204 },
    'GET scim identities': { method: 'get', request: async () => ({ path: `${base()}/scim/identities` }), memberMayRead: false, success: 200 },
    'GET scim identity': { method: 'get', request: async () => ({ path: `${base()}/scim/${await freshIdentity()}` }), memberMayRead: false, success: 200 },
    'PATCH scim identity': {
      method: 'patch',
      request: async () => ({ path: `${base()}/scim/${await freshIdentity()}`, body: { extern_uid: `patched-scim-${++counter}` } }),
      memberMayRead: false,
      success: 200,
    },
    'DELETE scim identity': { method: 'delete', request: async () => ({ path: `${base()}/scim/${await freshIdentity()}` }), memberMayRead: false, success: 204 },
    'GET audit_events': { method: 'get', request: async () => ({ path: `${base()}/audit_events` }), memberMayRead: false, success: 200 },
    'GET scim_requests': { method: 'get', request: async () => ({ path: `${base()}/scim_requests` }), memberMayRead: false, success: 200 },
  };

  async function call(endpoint: Endpoint, actor: Actor) {
    const { path, body } = await endpoint.request();
    let req = t.http()[endpoint.method](path).set(headers(actor));
    if (body !== undefined) req = req.send(body);
    return req;
  }

  describe.each(Object.entries(endpoints))('%s', (_name, endpoint) => {
    it('is allowed to admins and to the Owners of the group', async () => {
      for (const actor of ['admin', 'owner'] as const) {
        const res = await call(endpoint, actor);
        expect({ actor, status: res.status }).toEqual({ actor, status: endpoint.success });
        // A regenerated token is the group's token from now on.
        if (res.body?.scim_token) g.scimToken = res.body.scim_token;
      }
    });

    it('refuses everyone else with the right status, no data and no change', async () => {
      const refused: Exclude<Actor, 'admin' | 'owner'>[] = endpoint.memberMayRead ? ['none', 'scimToken', 'otherOwner'] : ['none', 'scimToken', 'otherOwner', 'member'];
      const requests = await Promise.all(refused.map(() => endpoint.request()));
      const before = await snapshot();
      for (const [i, actor] of refused.entries()) {
        const { path, body } = requests[i];
        let req = t.http()[endpoint.method](path).set(headers(actor));
        if (body !== undefined) req = req.send(body);
        const res = await req;
        expect({ actor, status: res.status, body: res.body }).toEqual({ actor, ...REFUSED[actor] });
      }
      expect(await snapshot()).toEqual(before);
      if (endpoint.memberMayRead) expect((await call(endpoint, 'member')).status).toBe(endpoint.success);
    });
  });

  it('a PAT of an unknown or revoked token, or a malformed Authorization header, is 401', async () => {
    for (const h of [auth('roster_pat_unknown'), { Authorization: 'Basic abc' }, { Authorization: 'Bearer' }, { 'PRIVATE-TOKEN': '' }, auth(instance.scimToken), auth(other.scimToken)]) {
      const res = await t.http().get(`/api/v4/groups/${g.id}/members`).set(h);
      expect({ h, status: res.status, body: res.body }).toEqual({ h, status: 401, body: { message: '401 Unauthorized' } });
    }
  });

  it('an unknown group is 404 for admins too, whether addressed by id or path', async () => {
    for (const path of [
      '/api/v4/groups/999999/members',
      '/api/v4/groups/99999999999999/members',
      '/api/v4/groups/no-such-group/members',
      '/api/v4/groups/no-such-group/saml/x',
      '/api/v4/groups/999999/audit_events',
    ]) {
      expect((await t.http().get(path).set(adminAuth).expect(404)).body).toEqual({ message: '404 Group Not Found' });
    }
  });

  describe.each([
    ['GET /users/:id', 'get', '/api/v4/users/1', 200],
    ['GET /audit_events', 'get', '/api/v4/audit_events', 200],
    ['GET /application/scim_requests', 'get', '/api/v4/application/scim_requests', 200],
    ['GET /application/saml_provider', 'get', '/api/v4/application/saml_provider', 200],
    ['GET /application/scim_token', 'get', '/api/v4/application/scim_token', 200],
  ] as const)('admin-only %s', (_name, method, path, success) => {
    it('is allowed to admins only: Owners 403, no token and SCIM tokens 401', async () => {
      expect((await t.http()[method](path).set(adminAuth)).status).toBe(success);
      expect((await t.http()[method](path).set(auth(owner.token)).expect(403)).body).toEqual({ message: '403 Forbidden' });
      expect((await t.http()[method](path).expect(401)).body).toEqual({ message: '401 Unauthorized' });
      expect((await t.http()[method](path).set(auth(instance.scimToken)).expect(401)).body).toEqual({ message: '401 Unauthorized' });
    });
  });
});
