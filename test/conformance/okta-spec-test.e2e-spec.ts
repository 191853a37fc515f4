import type { Test } from 'supertest';
import { setUpGroup, setUpInstance } from '../support/fixtures.js';
import { Prng } from '../support/prng.js';
import { ERROR_SCHEMA, LIST_RESPONSE, scimClient, USER_SCHEMA } from '../support/scim-protocol-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * Okta's "SCIM 2.0 SPEC Test" (Okta-SCIM-20-SPEC-Test.json, the May 2024 export), re-implemented
 * step by step from idp-clients.md §1.8–1.9: the same requests, headers and assertions, in order,
 * with the variables of Okta's Initial Script drawn from a seeded generator. The optional discovery
 * steps of the 2016 export follow.
 */

/** Runscope's `not_empty`: present, and not "", null, [] or {}. */
function notEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value as object).length > 0;
  return true;
}

function expectNotEmpty(body: Record<string, any>, ...paths: string[]): void {
  for (const path of paths) {
    const value = path.split('.').reduce<any>((v, key) => (v === undefined || v === null ? undefined : v[/^\d+$/.test(key) ? Number(key) : key]), body);
    if (!notEmpty(value)) throw new Error(`${path} is empty in ${JSON.stringify(body)}`);
  }
}

/** Okta's Initial_Script_Spec.txt variables. */
function initialScript(seed: number) {
  const prng = new Prng(seed);
  const digits = (n: number) => prng.string('0123456789', n);
  const randomGivenName = `Runscope${digits(3)}`;
  const randomFamilyName = `${prng.string('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 1)}${prng.string('abcdefghijklmnopqrstuvwxyz', 8)}${digits(3)}`;
  const randomUsername = `${randomGivenName}${randomFamilyName}@atko.com`;
  return {
    randomGivenName,
    randomFamilyName,
    randomUsername,
    randomEmail: randomUsername,
    randomUsernameCaps: randomUsername.toUpperCase(),
    InvalidUserEmail: 'abcdefgh@atko.com',
    UserIdThatDoesNotExist: '010101001010101011001010101011',
  };
}

const SCOPES = [
  ['group scope', (t: TestApp) => setUpGroup(t, 'okta-spec')],
  ['instance scope', (t: TestApp) => setUpInstance(t)],
] as const;

describe.each(SCOPES)('Okta SCIM 2.0 SPEC Test at %s', (_scope, setUp) => {
  let t: TestApp;
  let base: string;
  let auth: string;
  const vars = initialScript(20240501);
  const saved: { ISVUserid?: string; idUserOne?: string; randomUserEmail?: string } = {};

  /** The headers every step sends unless it says otherwise. */
  const spec = (req: Test, authorization = auth) =>
    req
      .set('Accept', 'application/scim+json')
      .set('Accept-Charset', 'utf-8')
      .set('Content-Type', 'application/scim+json; charset=utf-8')
      .set('Authorization', authorization)
      .set('User-Agent', 'OKTA SCIM Integration');

  /** Steps 6 and 8: application/json, a charset on Accept, no User-Agent. */
  const createRequest = (email: string) =>
    t
      .http()
      .post(`${base}/Users`)
      .set('Content-Type', 'application/json')
      .set('Accept', 'application/scim+json; charset=utf-8')
      .set('Authorization', auth)
      .send(
        JSON.stringify({
          schemas: [USER_SCHEMA],
          userName: vars.randomUsername,
          name: { givenName: vars.randomGivenName, familyName: vars.randomFamilyName },
          emails: [{ primary: true, value: email, type: 'work' }],
          displayName: `${vars.randomGivenName} ${vars.randomFamilyName}`,
          active: true,
        }),
      );

  beforeAll(async () => {
    t = await startTestApp();
    const s = await setUp(t);
    base = s.base;
    // The prepare guide: at least one (active) user must exist before the suite runs.
    auth = `Bearer ${s.scimToken}`;
    await scimClient(t, s.base, s.scimToken).create({
      schemas: [USER_SCHEMA],
      userName: 'existing.person@atko.com',
      name: { givenName: 'Existing', familyName: 'Person' },
      emails: [{ primary: true, value: 'existing.person@atko.com', type: 'work' }],
      active: true,
    });
  });
  afterAll(async () => t.close());

  it('1. Required: Test Users endpoint', async () => {
    const res = await spec(t.http().get(`${base}/Users?count=1&startIndex=1`));
    expect(res.status).toBe(200);
    expectNotEmpty(res.body, 'Resources');
    expect(res.body.schemas).toContain(LIST_RESPONSE);
    for (const counter of ['itemsPerPage', 'startIndex', 'totalResults']) expect(typeof res.body[counter]).toBe('number');
    expectNotEmpty(res.body, 'Resources.0.id', 'Resources.0.name.familyName', 'Resources.0.name.givenName', 'Resources.0.userName', 'Resources.0.active', 'Resources.0.emails.0.value');
    saved.ISVUserid = res.body.Resources[0].id;
  });

  it('2. Required: Get Users/{{id}}', async () => {
    const res = await spec(t.http().get(`${base}/Users/${saved.ISVUserid}`));
    expect(res.status).toBe(200);
    expectNotEmpty(res.body, 'id', 'name.familyName', 'name.givenName', 'userName', 'active', 'emails.0.value');
    expect(res.body.id).toBe(saved.ISVUserid);
  });

  it('3. Required: Test invalid User by username', async () => {
    const res = await spec(
      t
        .http()
        .get(`${base}/Users`)
        .query({ filter: `userName eq "${vars.InvalidUserEmail}"` }),
    );
    expect(res.status).toBe(200);
    expect(res.body.schemas).toContain(LIST_RESPONSE);
    expect(res.body.totalResults).toBe(0);
  });

  it('4. Required: Test invalid User by ID', async () => {
    const res = await spec(t.http().get(`${base}/Users/${vars.UserIdThatDoesNotExist}`));
    expect(res.status).toBe(404);
    expectNotEmpty(res.body, 'detail');
    expect(res.body.schemas).toContain(ERROR_SCHEMA);
  });

  it("5. Required: Make sure random user doesn't exist", async () => {
    const res = await spec(
      t
        .http()
        .get(`${base}/Users`)
        .query({ filter: `userName eq "${vars.randomEmail}"` }),
    );
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(0);
    expect(res.body.schemas).toContain(LIST_RESPONSE);
  });

  it('6. Required: Create Okta user with realistic values', async () => {
    const res = await createRequest(vars.randomEmail);
    expect(res.status).toBe(201);
    expect(res.body.active).toBe(true);
    expectNotEmpty(res.body, 'id');
    expect(res.body.name.familyName).toBe(vars.randomFamilyName);
    expect(res.body.name.givenName).toBe(vars.randomGivenName);
    expect(res.body.schemas).toContain(USER_SCHEMA);
    expect(res.body.userName).toBe(vars.randomUsername);
    saved.idUserOne = res.body.id;
    saved.randomUserEmail = res.body.emails[0].value;
  });

  it('7. Required: Verify that user was created', async () => {
    const res = await spec(t.http().get(`${base}/Users/${saved.idUserOne}`));
    expect(res.status).toBe(200);
    expect(res.body.userName).toBe(vars.randomUsername);
    expect(res.body.name.familyName).toBe(vars.randomFamilyName);
    expect(res.body.name.givenName).toBe(vars.randomGivenName);
  });

  it('8. Required: Expect failure when recreating user with same values', async () => {
    const res = await createRequest(vars.randomUsername);
    expect(res.status).toBe(409);
  });

  it('9. Required: Username Case Sensitivity Check', async () => {
    const res = await spec(
      t
        .http()
        .get(`${base}/Users`)
        .query({ filter: `userName eq "${vars.randomUsernameCaps}"` }),
    );
    expect(res.status).toBe(200);
    // Beyond the suite: userName is caseExact false (RFC 7643), so the lookup finds the user.
    expect(res.body.totalResults).toBe(1);
    expect(res.body.Resources[0].id).toBe(saved.idUserOne);
  });

  it('10. Optional: Verify Groups endpoint', async () => {
    const started = Date.now();
    const res = await spec(t.http().get(`${base}/Groups`));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(600);
    // The step's script: no groups is reported, not failed; otherwise Resources must be an array.
    if (res.body.totalResults !== 0) expect(Array.isArray(res.body.Resources)).toBe(true);
    expect(res.body.Resources).toEqual([]);
  });

  it('11. Required: Check status 401', async () => {
    const res = await spec(
      t
        .http()
        .get(`${base}/Users`)
        .query({ filter: `userName eq "${vars.randomUsernameCaps}"` }),
      'non-token',
    );
    expect(res.status).toBe(401);
    expectNotEmpty(res.body, 'detail');
    expect(res.body.status).toBe('401');
    expect(res.text).toContain(ERROR_SCHEMA);
  });

  it('12. Required: Check status 404', async () => {
    const res = await spec(t.http().get(`${base}/Users/00919288221112222`));
    expect(res.status).toBe(404);
    expectNotEmpty(res.body, 'detail');
    expect(res.body.status).toBe('404');
    expect(res.body.schemas).toContain(ERROR_SCHEMA);
  });

  describe('optional steps of the 2016 export', () => {
    it('GET /ServiceProviderConfig: every capability present, answered quickly', async () => {
      const started = Date.now();
      const res = await spec(t.http().get(`${base}/ServiceProviderConfig`));
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(400);
      expect(res.body.schemas).toContain('urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig');
      // Runscope's not_empty on a boolean `false` is unconfirmed (idp-clients.md §6), so presence is checked for those.
      expectNotEmpty(res.body, 'patch', 'bulk', 'filter', 'changePassword', 'sort', 'etag', 'authenticationSchemes', 'authenticationSchemes.0.type', 'authenticationSchemes.0.description');
      expectNotEmpty(res.body, 'etag.supported', 'sort.supported', 'filter.maxResults', 'filter.supported', 'bulk.maxPayloadSize', 'patch.supported');
      for (const path of ['changePassword.supported', 'bulk.supported', 'bulk.maxOperations']) {
        expect(path.split('.').reduce<any>((v, k) => v[k], res.body)).toBeDefined();
      }
    });

    it.each(['ServiceProviderConfig', 'ResourceTypes', 'Schemas'])('POST /%s (body "test") → 405', async (endpoint) => {
      const res = await spec(t.http().post(`${base}/${endpoint}`)).send('test');
      expect(res.status).toBe(405);
      expect(res.body.schemas).toContain(ERROR_SCHEMA);
    });

    it('GET /ResourceTypes and /Schemas: ListResponses with names, endpoints, schemas and attributes', async () => {
      const types = await spec(t.http().get(`${base}/ResourceTypes`));
      expect(types.status).toBe(200);
      expect(types.body.schemas).toContain(LIST_RESPONSE);
      expectNotEmpty(types.body, 'Resources.0.name', 'Resources.0.endpoint', 'Resources.0.schema');
      const schemas = await spec(t.http().get(`${base}/Schemas`));
      expect(schemas.status).toBe(200);
      expect(schemas.body.schemas).toContain(LIST_RESPONSE);
      expectNotEmpty(schemas.body, 'Resources.0.id', 'Resources.0.attributes');
    });

    it('GET /Users?filter={{randomUsernameCaps}} (not a filter) → 400', async () => {
      const res = await spec(t.http().get(`${base}/Users`).query({ filter: vars.randomUsernameCaps }));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ status: '400', scimType: 'invalidFilter' });
    });
  });
});
