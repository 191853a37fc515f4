import { adminAuth, oktaUser, SCIM_JSON, setUpGroup } from '../support/fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('answers /health', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'ok' });
  });

  it('provisions a user through a group SCIM token', async () => {
    const g = await setUpGroup(t, 'acme');
    const user = oktaUser();
    const res = await t.http().post(`${g.base}/Users`).set('Authorization', `Bearer ${g.scimToken}`).set('Content-Type', SCIM_JSON).send(JSON.stringify(user));
    expect(res.status).toBe(201);
    expect(res.body.id).toBe(user.externalId);
    const list = await t
      .http()
      .get(`${g.base}/Users`)
      .query({ filter: `userName eq "${user.userName}"` })
      .set('Authorization', `Bearer ${g.scimToken}`)
      .expect(200);
    expect(list.body.totalResults).toBe(1);
    const groups = await t.http().get('/api/v4/groups').set(adminAuth).expect(200);
    expect(groups.body).toHaveLength(1);
  });
});
