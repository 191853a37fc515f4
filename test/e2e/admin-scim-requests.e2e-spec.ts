import { adminAuth, auth, GroupSetup, oktaUser, SCIM_JSON, setUpGroup, setUpInstance } from '../support/fixtures.js';
import { addMember, createPerson } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const ROW_KEYS = ['body', 'created_at', 'duration_ms', 'error_detail', 'external_id', 'id', 'method', 'path', 'query', 'request_id', 'resource_id', 'status', 'user_name'];

describe('admin API SCIM request log', () => {
  let t: TestApp;
  let g: GroupSetup;
  let other: GroupSetup;
  let instance: { scimToken: string; base: string };

  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'log-acme');
    other = await setUpGroup(t, 'log-other');
    instance = await setUpInstance(t);
    const post = (scope: { base: string; scimToken: string }, doc: unknown) =>
      t.http().post(`${scope.base}/Users`).set(auth(scope.scimToken)).set('Content-Type', SCIM_JSON).send(JSON.stringify(doc));
    expect((await post(g, oktaUser({ externalId: 'Log-Alice', userName: 'alice@log.test', emails: [{ value: 'alice@log.test', primary: true }], password: 'hunter2' }))).status).toBe(201);
    expect((await post(g, oktaUser({ externalId: 'Log-Alice', userName: 'alice@log.test', emails: [{ value: 'alice@log.test', primary: true }] }))).status).toBe(409);
    await t.http().get(`${g.base}/Users`).query({ filter: 'externalId eq "Log-Alice"' }).set(auth(g.scimToken)).expect(200);
    await t.http().delete(`${g.base}/Users/Log-Alice`).set(auth(g.scimToken)).expect(204);
    expect((await post(other, oktaUser({ externalId: 'other-person' }))).status).toBe(201);
    expect((await post(instance, oktaUser({ externalId: 'instance-person' }))).status).toBe(201);
  });
  afterAll(async () => t.close());

  it("lists a group's SCIM requests newest first, with what they concerned and the body redacted", async () => {
    const res = await t.http().get(`/api/v4/groups/${g.id}/scim_requests`).set(adminAuth).expect(200);
    expect(res.headers['x-total']).toBe('4');
    for (const row of res.body) expect(Object.keys(row).sort()).toEqual(ROW_KEYS);
    expect(res.body.map((r: { method: string; status: number }) => `${r.method} ${r.status}`)).toEqual(['DELETE 204', 'GET 200', 'POST 409', 'POST 201']);
    const [deleted, lookup, conflict, created] = res.body;
    expect(deleted).toEqual(expect.objectContaining({ path: '/api/scim/v2/groups/log-acme/Users/Log-Alice', resource_id: 'Log-Alice', external_id: 'Log-Alice', body: null }));
    expect(lookup).toEqual(expect.objectContaining({ external_id: 'Log-Alice', query: expect.stringContaining('filter=') }));
    expect(conflict.error_detail).toBe('User has already been taken');
    expect(created).toEqual(expect.objectContaining({ external_id: 'Log-Alice', user_name: 'alice@log.test', error_detail: null, duration_ms: expect.any(Number) }));
    expect(created.body).toEqual(expect.objectContaining({ externalId: 'Log-Alice', password: '[FILTERED]' }));
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    const stored = await t.sql<{ id: number }>('SELECT id FROM scim_requests WHERE group_id = ? ORDER BY created_at DESC, id DESC', [g.id]);
    expect(res.body.map((r: { id: number }) => r.id)).toEqual(stored.map((r) => Number(r.id)));
  });

  it('filters by external_id (any case), status and method, and pages', async () => {
    const get = async (query: Record<string, string>) => (await t.http().get(`/api/v4/groups/${g.id}/scim_requests`).query(query).set(adminAuth).expect(200)).body;
    expect((await get({ external_id: 'log-alice' })).length).toBe(4);
    expect((await get({ status: '409' })).map((r: { method: string }) => r.method)).toEqual(['POST']);
    expect((await get({ method: 'post' })).map((r: { status: number }) => r.status)).toEqual([409, 201]);
    expect(await get({ method: 'POST', status: '204' })).toEqual([]);
    expect(await get({ external_id: 'other-person' })).toEqual([]);
    const page = await t.http().get(`/api/v4/groups/${g.id}/scim_requests`).query({ per_page: '3', page: '2' }).set(adminAuth).expect(200);
    expect(page.body.map((r: { status: number }) => r.status)).toEqual([201]);
    expect(page.headers).toEqual(expect.objectContaining({ 'x-total': '4', 'x-page': '2', 'x-per-page': '3', 'x-next-page': '' }));
  });

  it('answers invalid filters with 400', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ status: 'ok' }, 'status'],
      [{ status: '1000' }, 'status'],
      [{ method: 'TRACE' }, 'method'],
    ];
    for (const [query, field] of cases) {
      const res = await t.http().get(`/api/v4/groups/${g.id}/scim_requests`).query(query).set(adminAuth).expect(400);
      expect(Object.keys(res.body.message)).toEqual([field]);
    }
  });

  it("admins read the instance SCIM API's log; group requests are not in it", async () => {
    const res = await t.http().get('/api/v4/application/scim_requests').set(adminAuth).expect(200);
    const externalIds = res.body.map((r: { external_id: string }) => r.external_id);
    expect(externalIds).toContain('instance-person');
    expect(externalIds).not.toContain('Log-Alice');
    expect(externalIds).not.toContain('other-person');
    const filtered = await t.http().get('/api/v4/application/scim_requests').query({ external_id: 'INSTANCE-PERSON', status: '201' }).set(adminAuth).expect(200);
    expect(filtered.body).toHaveLength(1);
  });

  it('only Owners read a group log and only admins the instance log', async () => {
    const maintainer = await createPerson(t, 'logmaint');
    await addMember(t, g.id, maintainer.id, 40);
    await t.http().get(`/api/v4/groups/${g.id}/scim_requests`).set(auth(maintainer.token)).expect(403);
    const owner = await createPerson(t, 'logowner');
    await addMember(t, g.id, owner.id, 50);
    expect((await t.http().get(`/api/v4/groups/${g.id}/scim_requests`).set(auth(owner.token)).expect(200)).body).toHaveLength(4);
    await t.http().get('/api/v4/application/scim_requests').set(auth(owner.token)).expect(403);
    await t.http().get(`/api/v4/groups/${other.id}/scim_requests`).set(auth(owner.token)).expect(404);
  });
});
