import type { Test } from 'supertest';
import { setUpGroup, setUpInstance } from '../support/fixtures.js';
import { LIST_RESPONSE, USER_SCHEMA } from '../support/scim-protocol-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * What a SCIM server sees from Okta (idp-clients.md §1.2–1.5, §1.10): the "Test API Credentials"
 * requests, the assignment (lookup, then create), profile pushes as GET then full PUT, deactivation
 * and reactivation — PATCH for OIN integrations, PUT for App Integration Wizard ones — the checks of
 * Okta's "SCIM 2.0 CRUD Test" after each step, and an import that pages through every user.
 */

const SCOPES = [
  ['group scope', (t: TestApp) => setUpGroup(t, 'okta-crud')],
  ['instance scope', (t: TestApp) => setUpInstance(t)],
] as const;

const FLAVOURS = ['OIN (PATCH for activation)', 'AIW (PUT for everything)'] as const;

describe.each(SCOPES)('Okta provisioning wire sequence at %s', (_scope, setUp) => {
  let t: TestApp;
  let base: string;
  let token: string;

  /** The headers of Okta's SCIM client (older Okta reference samples). */
  const okta = (req: Test) =>
    req
      .set('Authorization', `Bearer ${token}`)
      .set('Accept', 'application/scim+json')
      .set('Accept-Charset', 'utf-8')
      .set('User-Agent', 'Okta SCIM Client 1.0.0')
      .set('Accept-Encoding', 'gzip,deflate');
  const withBody = (req: Test, body: unknown) => okta(req).set('Content-Type', 'application/scim+json; charset=utf-8').send(JSON.stringify(body));
  const lookup = (userName: string) => okta(t.http().get(`${base}/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`));
  const getUser = (id: string) => okta(t.http().get(`${base}/Users/${encodeURIComponent(id)}`));

  beforeAll(async () => {
    t = await startTestApp();
    const s = await setUp(t);
    base = s.base;
    token = s.scimToken;
  });
  afterAll(async () => t.close());

  it('passes "Test API Credentials": GET /Users?startIndex=1&count=2 and GET /Groups?startIndex=1&count=100', async () => {
    const users = await okta(t.http().get(`${base}/Users?startIndex=1&count=2`)).expect(200);
    expect(users.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(users.body).toMatchObject({ schemas: [LIST_RESPONSE], startIndex: 1 });
    for (const counter of ['totalResults', 'startIndex', 'itemsPerPage']) expect(Number.isInteger(users.body[counter])).toBe(true);
    expect(users.body.Resources.length).toBeLessThanOrEqual(2);
    const groups = await okta(t.http().get(`${base}/Groups?startIndex=1&count=100`)).expect(200);
    expect(groups.body).toEqual({ schemas: [LIST_RESPONSE], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  describe.each(FLAVOURS)('%s', (flavour) => {
    const aiw = flavour.startsWith('AIW');
    const n = aiw ? 2 : 1;
    const email = `crud.user${n}@okta.local`;
    const oktaId = `00ujl29u0le5T6Aj10h${n}`;
    let scimId = '';

    /** Okta pushes a profile change as GET, edit, full PUT of what it read. */
    async function pushProfile(edit: (user: Record<string, any>) => void): Promise<Record<string, any>> {
      const current = (await getUser(scimId).expect(200)).body;
      edit(current);
      const res = await withBody(t.http().put(`${base}/Users/${encodeURIComponent(scimId)}`), { ...current, groups: [], password: 'pl4ceh0lder' }).expect(200);
      expect(res.body.password).toBeUndefined();
      return res.body;
    }

    async function setActive(active: boolean): Promise<void> {
      if (aiw) {
        const body = await pushProfile((user) => (user.active = active));
        expect(body.active).toBe(active);
      } else {
        const res = await withBody(t.http().patch(`${base}/Users/${encodeURIComponent(scimId)}`), {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', value: { active } }],
        });
        expect([200, 204]).toContain(res.status);
      }
    }

    it('assigns: the lookup finds nothing (200, empty), so Okta creates the user and gets it back in full', async () => {
      const none = await lookup(email).expect(200);
      expect(none.body).toEqual({ schemas: [LIST_RESPONSE], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
      const created = await withBody(t.http().post(`${base}/Users`), {
        schemas: [USER_SCHEMA],
        userName: email,
        name: { givenName: 'Test', familyName: 'User' },
        emails: [{ primary: true, value: email, type: 'work' }],
        displayName: 'Test User',
        locale: 'en-US',
        externalId: oktaId,
        groups: [],
        password: '1mz050nq',
        active: true,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: oktaId, externalId: oktaId, userName: email, locale: 'en-US', active: true });
      expect(created.body.password).toBeUndefined();
      expect(created.body.groups).toBeUndefined();
      expect(created.headers.location).toBe(created.body.meta.location);
      scimId = created.body.id;
    });

    it('CRUD step 4: the user is found by userName with its email and name', async () => {
      const res = await lookup(email).expect(200);
      expect(res.body.totalResults).toBe(1);
      const user = res.body.Resources[0];
      expect(user.userName).toBe(email);
      expect(user.emails[0].value).toBe(email);
      expect(user.name).toMatchObject({ givenName: 'Test', familyName: 'User' });
      expect(user.id).toBe(scimId);
    });

    it('refuses a second create of the same person with 409 (also with userName in another case)', async () => {
      for (const userName of [email, email.toUpperCase()]) {
        const res = await withBody(t.http().post(`${base}/Users`), { schemas: [USER_SCHEMA], userName, externalId: oktaId, emails: [{ value: email, type: 'work' }] });
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
      }
    });

    it('CRUD steps 5–6: a firstName change arrives as GET then full PUT and reads back', async () => {
      const before = (await getUser(scimId).expect(200)).body;
      const put = await pushProfile((user) => {
        user.name.givenName = 'Changed';
        user.name.middleName = 'M';
      });
      expect(put.name).toEqual({ givenName: 'Changed', familyName: 'User', middleName: 'M' });
      const after = (await getUser(scimId).expect(200)).body;
      expect(after.name.givenName).toBe('Changed');
      // The round trip loses nothing: only the name and the modification stamps moved.
      const strip = (u: Record<string, any>) => ({ ...u, name: undefined, meta: { ...u.meta, lastModified: undefined, version: undefined } });
      expect(strip(after)).toEqual(strip(before));
    });

    it('CRUD steps 7–8: deactivation; the user stays readable by id (200, not 404) and by filter', async () => {
      await setActive(false);
      const byId = await getUser(scimId).expect(200);
      expect(byId.body.active).toBe(false);
      const byFilter = await lookup(email).expect(200);
      expect(byFilter.body.Resources.map((u: { id: string; active: boolean }) => [u.id, u.active])).toEqual([[scimId, false]]);
    });

    it('CRUD steps 9–11: reactivation and reassignment give active true again', async () => {
      await setActive(true);
      expect((await getUser(scimId).expect(200)).body.active).toBe(true);
    });

    it('CRUD steps 12–13: unassignment deactivates, and the user is still readable', async () => {
      await setActive(false);
      expect((await getUser(scimId).expect(200)).body.active).toBe(false);
      expect((await lookup(email).expect(200)).body.totalResults).toBe(1);
    });
  });

  it('imports every user page by page with integer counters and a stable order', async () => {
    for (let i = 0; i < 5; i++) {
      await withBody(t.http().post(`${base}/Users`), { schemas: [USER_SCHEMA], userName: `import${i}@okta.local`, name: { givenName: 'Im', familyName: `Port${i}` } }).expect(201);
    }
    const first = await okta(t.http().get(`${base}/Users?startIndex=1&count=100`)).expect(200);
    const total = first.body.totalResults;
    const seen: string[] = [];
    for (let startIndex = 1; startIndex <= total; startIndex += 3) {
      const page = await okta(t.http().get(`${base}/Users?startIndex=${startIndex}&count=3`)).expect(200);
      expect(page.body.totalResults).toBe(total);
      expect(page.body.startIndex).toBe(startIndex);
      expect(page.body.itemsPerPage).toBe(page.body.Resources.length);
      seen.push(...page.body.Resources.map((u: { id: string }) => u.id));
    }
    expect(seen).toEqual(first.body.Resources.map((u: { id: string }) => u.id));
    expect(new Set(seen).size).toBe(total);
  });
});
