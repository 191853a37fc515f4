import { adminAuth, setUpGroup } from '../support/fixtures.js';
import { createPerson, provision } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * Bad input on every endpoint of the admin API this suite covers: wrong JSON shapes, wrong types,
 * repeated or nested query parameters. Always a 4xx with a `{"message"}` body, never a 5xx, and the
 * database is unchanged.
 */
describe('admin API input validation', () => {
  let t: TestApp;
  let groupId: number;
  let userId: number;

  beforeAll(async () => {
    t = await startTestApp();
    const g = await setUpGroup(t, 'valid-acme');
    groupId = g.id;
    userId = (await createPerson(t, 'valid')).id;
    await t.http().post(`/api/v4/groups/${groupId}/members`).set(adminAuth).send({ user_id: userId, access_level: 10 }).expect(201);
    await provision(t, g, { externalId: 'valid-uid' });
  });
  afterAll(async () => t.close());

  async function snapshot() {
    const out: Record<string, unknown> = {};
    for (const table of ['users', 'members', 'saml_identities', 'scim_identities', 'personal_access_tokens', 'sessions', 'audit_events']) {
      out[table] = (await t.sql<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY id`)).map(({ last_used_at: _used, ...row }) => row);
    }
    return out;
  }

  const rawBodies = ['null', '[]', '[{"user_id":1}]', '"text"', '42', 'true', '{"a":', '{}', '{"user_id":{"$gt":0},"access_level":[50]}', `{"x":${'['.repeat(500)}${']'.repeat(500)}}`];
  const writes: [string, () => string][] = [
    ['post', () => '/api/v4/session'],
    ['post', () => '/api/v4/users'],
    ['post', () => `/api/v4/users/${userId}/personal_access_tokens`],
    ['post', () => `/api/v4/groups/${groupId}/members`],
    ['put', () => `/api/v4/groups/${groupId}/members/${userId}`],
    ['patch', () => `/api/v4/groups/${groupId}/saml/valid-uid`],
    ['patch', () => `/api/v4/groups/${groupId}/scim/valid-uid`],
  ];

  it('answers malformed bodies on every write with 400 and a message, changing nothing', async () => {
    const before = await snapshot();
    for (const [method, path] of writes) {
      for (const body of rawBodies) {
        const res = await (t.http() as unknown as Record<string, (p: string) => import('supertest').Test>)[method](path()).set(adminAuth).set('Content-Type', 'application/json').send(body);
        // GitLab's two shapes: {"error": "<param> is missing"} and {"message": …}.
        const explained = res.body?.message !== undefined || typeof res.body?.error === 'string';
        expect({ method, path: path(), body, status: res.status, explained }).toEqual({ method, path: path(), body, status: 400, explained: true });
      }
      const wrongType = await (t.http() as unknown as Record<string, (p: string) => import('supertest').Test>)[method](path()).set(adminAuth).set('Content-Type', 'text/plain').send('x');
      expect({ path: path(), status: wrongType.status }).toEqual({ path: path(), status: 415 });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('answers repeated, nested or malformed query parameters on every list with 400', async () => {
    const lists = [
      '/api/v4/users',
      `/api/v4/groups/${groupId}/members`,
      `/api/v4/groups/${groupId}/audit_events`,
      '/api/v4/audit_events',
      `/api/v4/groups/${groupId}/scim_requests`,
      '/api/v4/application/scim_requests',
    ];
    const queries = ['page=abc', 'per_page=-5', 'page[]=1', 'per_page[x]=2', 'page=1e3'];
    const specific: Record<string, string[]> = {
      '/api/v4/users': ['search[]=a&search[]=b', 'search[x]=1', `search=${'a'.repeat(300)}`],
      members: ['search[]=a', 'search[$ne]=x'],
      audit_events: ['created_after[]=2025-01-01', 'target_id=-1', 'target_id=1.5', 'event_name[x]=a', 'created_before=2025-01-01T25:00:00Z'],
      scim_requests: ['status=abc', 'status[]=200', 'method=get&method=post', 'external_id[a]=b'],
    };
    for (const list of lists) {
      const extra = Object.entries(specific)
        .filter(([key]) => list.endsWith(key))
        .flatMap(([, qs]) => qs);
      for (const query of [...queries, ...extra]) {
        const res = await t.http().get(`${list}?${query}`).set(adminAuth);
        expect({ list, query, status: res.status, hasMessage: res.body?.message !== undefined }).toEqual({ list, query, status: 400, hasMessage: true });
      }
    }
  });

  it('answers malformed path parameters with 400 or 404, never 500', async () => {
    const paths: [string, string, number][] = [
      ['get', '/api/v4/users/0', 400],
      ['get', '/api/v4/users/-1', 400],
      ['get', '/api/v4/users/1.5', 400],
      ['get', '/api/v4/users/2147483648', 404],
      ['post', '/api/v4/users/abc/personal_access_tokens', 400],
      ['put', `/api/v4/groups/${groupId}/members/2147483648`, 404],
      ['delete', `/api/v4/groups/${groupId}/members/abc`, 400],
      ['get', `/api/v4/groups/${groupId}/saml/%E0%A4%A`, 400],
      ['get', `/api/v4/groups/${groupId}/scim/${'x'.repeat(5000)}`, 404],
      ['get', `/api/v4/groups/${groupId}/saml/${encodeURIComponent("' OR 1=1 --")}`, 404],
      ['delete', `/api/v4/groups/${groupId}/scim/%25`, 404],
    ];
    for (const [method, path, status] of paths) {
      const res = await (t.http() as unknown as Record<string, (p: string) => import('supertest').Test>)
        [method](path)
        .set(adminAuth)
        .send(method === 'get' || method === 'delete' ? undefined : { name: 'x', access_level: 10 });
      expect({ path: path.slice(0, 80), status: res.status, hasMessage: res.body?.message !== undefined }).toEqual({ path: path.slice(0, 80), status, hasMessage: true });
    }
  });

  it('reports every bad field of a write in one answer, not one at a time', async () => {
    const before = await snapshot();
    const saml = await t
      .http()
      .put(`/api/v4/groups/${groupId}/saml_provider`)
      .set(adminAuth)
      .send({ enabled: 'maybe', sso_url: 'ftp://idp.example', certificate: 'not a certificate', default_membership_role: 99, welcome_email: 'x' })
      .expect(400);
    expect(Object.keys(saml.body.message).sort()).toEqual(['certificate', 'default_membership_role', 'enabled', 'sso_url', 'welcome_email']);
    expect(saml.body.message.default_membership_role[0]).toMatch(/^must be one of 5 \(Minimal Access\)/);
    const group = await t
      .http()
      .put(`/api/v4/groups/${groupId}`)
      .set(adminAuth)
      .send({ name: ' ', allowed_email_domains: ['not a domain'], verified_domains: ['@@'] })
      .expect(400);
    expect(Object.keys(group.body.message).sort()).toEqual(['allowed_email_domains', 'name', 'verified_domains']);
    const user = await t.http().put(`/api/v4/users/${userId}`).set(adminAuth).send({ name: '', email: 'not-an-email' }).expect(400);
    expect(user.body).toEqual({ message: { name: ['must be a non-empty string of at most 255 characters'], email: ['must be a valid email address'] } });
    expect(await snapshot()).toEqual(before);
  });

  it('treats a token far too long to be real as a wrong token', async () => {
    const res = await t
      .http()
      .post('/api/v4/session')
      .send({ token: 'roster_pat_' + 'x'.repeat(100_000) })
      .expect(401);
    expect(res.body).toEqual({ message: '401 Unauthorized' });
    await t.http().get('/api/v4/user').set('PRIVATE-TOKEN', 'x'.repeat(10_000)).expect(401);
  });
});
