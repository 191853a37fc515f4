import { adminAuth, setUpGroup } from '../support/fixtures.js';
import { addMember, createPerson } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * GitLab's response conventions that real clients depend on: python-gitlab compares Content-Type to
 * "application/json" verbatim, and both clients follow the Link header's URLs as given.
 */
describe('GitLab response conventions on /api/v4', () => {
  let t: TestApp;
  let groupId: number;
  beforeAll(async () => {
    t = await startTestApp();
    groupId = (await setUpGroup(t, 'conventions')).id;
  });
  afterAll(async () => t.close());

  it('answers objects, lists, creations and errors with exactly application/json', async () => {
    const responses = [
      await t.http().get('/api/v4/user').set(adminAuth).expect(200),
      await t.http().get('/api/v4/groups').set(adminAuth).expect(200),
      await t.http().post('/api/v4/groups').set(adminAuth).send({ name: 'Typed', path: 'typed' }).expect(201),
      await t.http().get('/api/v4/groups/no-such-group').set(adminAuth).expect(404),
      await t.http().get('/api/v4/user').expect(401),
      await t.http().get('/api/v4/no/such/route').set(adminAuth).expect(404),
      await t.http().post('/api/v4/groups').set(adminAuth).set('Content-Type', 'application/json').send('{broken').expect(400),
    ];
    for (const res of responses) {
      expect(res.headers['content-type']).toBe('application/json');
      expect(() => JSON.parse(res.text)).not.toThrow();
    }
    expect(responses[2].body).toEqual(expect.objectContaining({ path: 'typed' }));
    expect(responses[3].body).toEqual({ message: '404 Group Not Found' });
  });

  it('sends absolute Link URLs on BASE_URL that lead to the next page', async () => {
    for (let i = 0; i < 3; i += 1) await addMember(t, groupId, (await createPerson(t, 'linked')).id, 30);
    const first = await t.http().get(`/api/v4/groups/${groupId}/members`).query({ per_page: '2' }).set(adminAuth).expect(200);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.link)?.[1];
    expect(next).toBe(`http://roster.test/api/v4/groups/${groupId}/members?per_page=2&page=2`);
    const url = new URL(next!);
    const second = await t.http().get(`${url.pathname}${url.search}`).set(adminAuth).expect(200);
    expect(second.headers['x-page']).toBe('2');
    const ids = [...first.body, ...second.body].map((m: { id: number }) => m.id);
    expect(new Set(ids).size).toBe(Number(first.headers['x-total']));
  });

  it('keeps keyset Link URLs absolute too', async () => {
    const res = await t.http().get('/api/v4/users').query({ pagination: 'keyset', per_page: '1' }).set(adminAuth).expect(200);
    for (const [, url] of res.headers.link.matchAll(/<([^>]+)>/g)) expect(url.startsWith('http://roster.test/api/v4/users?')).toBe(true);
  });
});
