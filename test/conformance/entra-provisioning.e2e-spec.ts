import type { Test } from 'supertest';
import { setUpGroup, setUpInstance } from '../support/fixtures.js';
import { Prng } from '../support/prng.js';
import { ENTERPRISE_SCHEMA, LIST_RESPONSE, PATCH_OP, USER_SCHEMA } from '../support/scim-protocol-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * Microsoft Entra ID's provisioning cycle as a SCIM server sees it (idp-clients.md §2.2–2.5), in
 * both PATCH dialects: the default one (capitalised ops, "True"/"False" strings, one op per
 * attribute) and the `aadOptscim062020` one (lower-case ops, booleans, a pathless replace with
 * dotted and URN-qualified keys), each at group and at instance scope.
 */

interface Dialect {
  name: string;
  /** The flag rides on the Tenant URL; whether it reaches the server is unconfirmed, so it is sent. */
  query: string;
  op(name: 'add' | 'replace' | 'remove'): string;
  bool(value: boolean): boolean | string;
  /** The multi-attribute update of the known-issues article, in this dialect's shape. */
  update(values: { displayName: string; email: string; given: string; family: string; externalId: string; employeeNumber: string }): Record<string, unknown>[];
}

const DEFAULT_DIALECT: Dialect = {
  name: 'default dialect',
  query: '',
  op: (name) => name[0].toUpperCase() + name.slice(1),
  bool: (value) => (value ? 'True' : 'False'),
  update: (v) => [
    { op: 'Replace', path: 'displayName', value: v.displayName },
    { op: 'Replace', path: 'emails[type eq "work"].value', value: v.email },
    { op: 'Replace', path: 'name.givenName', value: v.given },
    { op: 'Replace', path: 'name.familyName', value: v.family },
    { op: 'Replace', path: 'externalId', value: v.externalId },
    { op: 'Replace', path: `${ENTERPRISE_SCHEMA}:employeeNumber`, value: v.employeeNumber },
  ],
};

const FLAGGED_DIALECT: Dialect = {
  name: 'aadOptscim062020',
  query: 'aadOptscim062020',
  op: (name) => name,
  bool: (value) => value,
  update: (v) => [
    { op: 'replace', path: 'emails[type eq "work"].value', value: v.email },
    {
      op: 'replace',
      value: {
        displayName: v.displayName,
        'name.givenName': v.given,
        'name.familyName': v.family,
        externalId: v.externalId,
        [`${ENTERPRISE_SCHEMA}:employeeNumber`]: v.employeeNumber,
      },
    },
  ],
};

const SCOPES = [
  ['group scope', (t: TestApp) => setUpGroup(t, 'contoso')],
  ['instance scope', (t: TestApp) => setUpInstance(t)],
] as const;
const CASES = SCOPES.flatMap(([scope, setUp]) => [DEFAULT_DIALECT, FLAGGED_DIALECT].map((dialect) => [`${dialect.name} at ${scope}`, dialect, setUp] as const));

describe.each(CASES)('Entra provisioning, %s', (_label, dialect, setUp) => {
  let t: TestApp;
  let base: string;
  let token: string;
  const prng = new Prng(dialect === DEFAULT_DIALECT ? 2017 : 2020);

  const entra = (req: Test) => req.set('Authorization', `Bearer ${token}`).set('Accept', 'application/scim+json');
  const url = (path: string, query: Record<string, string> = {}) => {
    const params = new URLSearchParams(query).toString().replace(/\+/g, '%20');
    const all = [dialect.query, params].filter((p) => p !== '').join('&');
    return `${base}${path}${all ? `?${all}` : ''}`;
  };
  const query = (filter: string, extra: Record<string, string> = {}) => entra(t.http().get(url('/Users', { filter, ...extra })));
  const get = (id: string) => entra(t.http().get(url(`/Users/${encodeURIComponent(id)}`)));
  const patch = (id: string, operations: Record<string, unknown>[]) =>
    entra(t.http().patch(url(`/Users/${encodeURIComponent(id)}`)))
      .set('Content-Type', 'application/scim+json')
      .send(JSON.stringify({ schemas: [PATCH_OP], Operations: operations }));
  const create = (body: Record<string, unknown>) =>
    entra(t.http().post(url('/Users')))
      .set('Content-Type', 'application/scim+json')
      .send(JSON.stringify(body));

  /** The create body of the tutorial (§2.4): core and enterprise schemas, a GUID externalId, roles []. */
  function entraUser(guid = prng.guid()) {
    const userName = `Test_User_${guid}@testuser.com`;
    return {
      schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
      externalId: guid,
      userName,
      active: true,
      emails: [{ primary: true, type: 'work', value: userName }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    };
  }

  beforeAll(async () => {
    t = await startTestApp();
    const s = await setUp(t);
    base = s.base;
    token = s.scimToken;
  });
  afterAll(async () => t.close());

  it('passes Test Connection: a random GUID as userName finds nothing, with 200 and an empty ListResponse', async () => {
    const res = await query(`userName eq "${prng.guid()}"`).expect(200);
    expect(res.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(res.body).toEqual({ schemas: [LIST_RESPONSE], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
    const groups = await entra(t.http().get(url('/Groups', { excludedAttributes: 'members', filter: `displayName eq "${prng.guid()}"` }))).expect(200);
    expect(groups.body.Resources).toEqual([]);
  });

  it('matches by userName, externalId and emails[type eq "work"].value; no match is an empty 200', async () => {
    const user = entraUser();
    for (const filter of [`userName eq "${user.userName}"`, `externalId eq "${user.externalId}"`, `emails[type eq "work"].value eq "${user.userName}"`]) {
      expect((await query(filter).expect(200)).body.totalResults).toBe(0);
    }
    const created = await create(user).expect(201);
    for (const filter of [
      `userName eq "${user.userName}"`,
      `externalId eq "${user.externalId}"`,
      `emails[type eq "work"].value eq "${user.userName}"`,
      `userName eq "${user.userName}" and externalId eq "${user.externalId}"`,
    ]) {
      const res = await query(filter).expect(200);
      expect(res.body.Resources.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
    }
  });

  it('creates from the tutorial body: 201 with id, externalId and the values as sent', async () => {
    const user = entraUser();
    const res = await create(user).expect(201);
    expect(res.body).toMatchObject({
      id: user.externalId,
      externalId: user.externalId,
      userName: user.userName,
      active: true,
      emails: user.emails,
      name: user.name,
      meta: { resourceType: 'User' },
    });
    expect(res.body.meta.created).toEqual(expect.any(String));
    expect(res.body.meta.lastModified).toEqual(expect.any(String));
    expect(res.body.roles).toBeUndefined();
  });

  it('creates from the older body with null attributes and a malformed enterprise URN', async () => {
    const res = await create({
      schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
      externalId: `jyoung-${dialect.query || 'default'}`,
      userName: `jyoung.${dialect.query || 'default'}@contoso.com`,
      name: { familyName: 'Young', givenName: 'Jason' },
      displayName: 'Jason Young',
      emails: [{ primary: true, type: 'work', value: `jyoung.${dialect.query || 'default'}@contoso.com` }],
      addresses: null,
      phoneNumbers: null,
      preferredLanguage: null,
      title: null,
      department: null,
      manager: null,
      active: true,
    }).expect(201);
    for (const attribute of ['addresses', 'phoneNumbers', 'preferredLanguage', 'title', 'department', 'manager']) expect(res.body[attribute]).toBeUndefined();
    expect(res.body.schemas).toContain(USER_SCHEMA);
    // Microsoft's docs write the value unquoted.
    const unquoted = await query(`externalId eq jyoung-${dialect.query || 'default'}`).expect(200);
    expect(unquoted.body.Resources.map((r: { id: string }) => r.id)).toEqual([res.body.id]);
  });

  it('updates several attributes in one PATCH and reads them back', async () => {
    const user = entraUser();
    await create(user).expect(201);
    const res = await patch(user.externalId, dialect.update({ displayName: 'D', email: `new.${user.userName}`, given: 'G', family: 'F', externalId: user.externalId, employeeNumber: '42' }));
    expect(res.status).toBe(204);
    const after = (await get(user.externalId).expect(200)).body;
    expect(after).toMatchObject({ displayName: 'D', name: { givenName: 'G', familyName: 'F', formatted: 'givenName familyName' } });
    expect(after.emails).toEqual([{ primary: true, type: 'work', value: `new.${user.userName}` }]);
    expect(after[ENTERPRISE_SCHEMA]).toEqual({ employeeNumber: '42' });
    expect((await query(`emails[type eq "work"].value eq "new.${user.userName}"`).expect(200)).body.totalResults).toBe(1);
  });

  it('adds a single-valued attribute, and replaces userName so that the new name finds the user', async () => {
    const user = entraUser();
    await create(user).expect(201);
    await patch(user.externalId, [{ op: dialect.op('add'), path: 'nickName', value: 'Babs' }]).expect(204);
    await patch(user.externalId, [{ op: dialect.op('replace'), path: 'userName', value: `renamed.${user.userName}` }]).expect(204);
    expect((await get(user.externalId).expect(200)).body).toMatchObject({ nickName: 'Babs', userName: `renamed.${user.userName}` });
    expect((await query(`userName eq "renamed.${user.userName}"`).expect(200)).body.totalResults).toBe(1);
    // The old name is no SCIM userName any more; scim-api.md's fallback may still find the person through
    // the platform account's email, which stays the old address unless the IdP changes the email too.
    const old = await query(`userName eq "${user.userName}"`).expect(200);
    for (const found of old.body.Resources) expect(found.userName).toBe(`renamed.${user.userName}`);
    expect((await query(`userName eq "${user.userName}" and emails.value ne "${user.userName}"`).expect(200)).body.totalResults).toBe(0);
  });

  it('disables and enables the user with active, which stays a boolean and readable while disabled', async () => {
    const user = entraUser();
    await create(user).expect(201);
    await patch(user.externalId, [{ op: dialect.op('replace'), path: 'active', value: dialect.bool(false) }]).expect(204);
    expect((await get(user.externalId).expect(200)).body.active).toBe(false);
    const disabled = await query(`userName eq "${user.userName}"`).expect(200);
    expect(disabled.body.Resources[0].active).toBe(false);
    await patch(user.externalId, [{ op: dialect.op('replace'), path: 'active', value: dialect.bool(true) }]).expect(204);
    expect((await get(user.externalId).expect(200)).body.active).toBe(true);
  });

  it('passes the null-update test: "" then null leave an optional attribute empty', async () => {
    const user = entraUser();
    await create({ ...user, title: 'Engineer', preferredLanguage: 'en-US' }).expect(201);
    await patch(user.externalId, [
      { op: dialect.op('replace'), path: 'title', value: '' },
      { op: dialect.op('replace'), path: 'preferredLanguage', value: '' },
    ]).expect(204);
    let after = (await get(user.externalId).expect(200)).body;
    expect(after.title ?? '').toBe('');
    expect(after.preferredLanguage ?? '').toBe('');
    await patch(user.externalId, [{ op: dialect.op('replace'), path: 'title', value: null }]).expect(204);
    after = (await get(user.externalId).expect(200)).body;
    expect(after.title ?? '').toBe('');
  });

  it('sets, changes and clears the manager', async () => {
    const user = entraUser();
    await create(user).expect(201);
    await patch(user.externalId, [{ op: dialect.op('add'), path: 'manager', value: [{ $ref: `${base}/Users/m1`, value: 'm1' }] }]).expect(204);
    expect((await get(user.externalId).expect(200)).body[ENTERPRISE_SCHEMA].manager.value).toBe('m1');
    await patch(user.externalId, [{ op: dialect.op('replace'), path: `${ENTERPRISE_SCHEMA}:manager`, value: 'm2' }]).expect(204);
    expect((await get(user.externalId).expect(200)).body[ENTERPRISE_SCHEMA].manager.value).toBe('m2');
    await patch(user.externalId, [{ op: dialect.op('replace'), path: `${ENTERPRISE_SCHEMA}:manager`, value: '' }]).expect(204);
    expect((await get(user.externalId).expect(200)).body[ENTERPRISE_SCHEMA]?.manager).toBeUndefined();
  });

  it('pages with count=5 over 11 users: startIndex echoed, totalResults constant, each user once', async () => {
    const users = Array.from({ length: 11 }, () => entraUser());
    for (const user of users) await create(user).expect(201);
    const filter = 'userName sw "Test_User_"';
    const total = (await query(filter, { count: '0' }).expect(200)).body.totalResults;
    expect(total).toBeGreaterThanOrEqual(11);
    const seen: string[] = [];
    for (let page = 0; page * 5 < total; page++) {
      const startIndex = page * 5 + 1;
      const res = await query(filter, { startIndex: String(startIndex), count: '5' }).expect(200);
      expect(res.body).toMatchObject({ totalResults: total, startIndex, itemsPerPage: Math.min(5, total - page * 5) });
      seen.push(...res.body.Resources.map((r: { id: string }) => r.id));
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    for (const user of users) expect(seen).toContain(user.externalId);
  });

  it('deletes with DELETE (204, empty body); the resource stays readable as inactive and a second DELETE is 204', async () => {
    const user = entraUser();
    await create(user).expect(201);
    const res = await entra(t.http().delete(url(`/Users/${user.externalId}`)));
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await get(user.externalId).expect(200)).body.active).toBe(false);
    expect((await entra(t.http().delete(url(`/Users/${user.externalId}`)))).status).toBe(204);
  });
});
