import { adminAuth } from '../support/fixtures.js';
import { createPerson } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/** Every web_url the API returns leads a browser to the UI page of what it names. */
describe('web_url addresses open the UI', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const path = (url: string) => new URL(url).pathname;

  it("redirects a group's and a user's web_url into the UI, and leaves the API and SAML endpoints alone", async () => {
    const group = await t.http().post('/api/v4/groups').set(adminAuth).send({ name: 'Acme EU', path: 'acme.eu' }).expect(201);
    expect(group.body.web_url).toBe('http://roster.test/groups/acme.eu');
    const redirect = await t.http().get(path(group.body.web_url)).set('Accept', 'text/html').expect(302);
    expect(redirect.headers.location).toBe('/#/groups/acme.eu');

    const person = await createPerson(t, 'weburl');
    const user = await t.http().get(`/api/v4/users/${person.id}`).set(adminAuth).expect(200);
    expect(user.body.web_url).toBe(`http://roster.test/${person.username}`);
    expect((await t.http().get(path(user.body.web_url)).expect(302)).headers.location).toBe(`/#/admin/users?search=${person.username}`);
    const members = await t.http().get(`/api/v4/groups/${group.body.id}/members`).set(adminAuth).expect(200);
    for (const member of members.body as { web_url: string; username: string }[]) {
      expect((await t.http().get(path(member.web_url)).expect(302)).headers.location).toBe(`/#/admin/users?search=${member.username}`);
    }

    // JSON routes and the SAML endpoints keep answering as before.
    expect((await t.http().get(`/api/v4/groups/acme.eu`).set(adminAuth).expect(200)).body.path).toBe('acme.eu');
    expect((await t.http().get('/groups/acme.eu/-/saml/metadata').expect(200)).headers['content-type']).toMatch(/^application\/samlmetadata\+xml/);
    await t.http().get('/health/live').expect(200);
    const index = await t.http().get('/').expect(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    await t.http().get('/favicon.svg').expect(200);
    // Only reads are redirected.
    await t.http().post('/groups/acme.eu').expect(404);
  });
});
