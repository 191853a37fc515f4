import type { Test } from 'supertest';
import { setUpGroup, setUpInstance } from '../support/fixtures.js';
import { Prng } from '../support/prng.js';
import { ENTERPRISE_SCHEMA, LIST_RESPONSE, PATCH_OP, USER_SCHEMA } from '../support/scim-protocol-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * The checks of Microsoft's validators that talk to the SCIM endpoint directly (idp-clients.md §2.6,
 * §4.1): the Logic App template's direct tests (schema discoverability, create, update of every
 * single-valued attribute, null update, pagination, manager, credentials; group tests answered by
 * the honest 501) and the cases of the reference code's Postman collection.
 */

const SCOPES = [
  ['group scope', (t: TestApp) => setUpGroup(t, 'fabrikam')],
  ['instance scope', (t: TestApp) => setUpInstance(t)],
] as const;

/** Reads `emails[type eq "work"].value`, `name.givenName`, `urn:…:User:department` from a resource, any case. */
function valueAt(resource: Record<string, any>, path: string): unknown {
  let target: any = resource;
  let rest = path;
  if (path.toLowerCase().startsWith(`${ENTERPRISE_SCHEMA.toLowerCase()}:`)) {
    target = resource[ENTERPRISE_SCHEMA];
    rest = path.slice(ENTERPRISE_SCHEMA.length + 1);
  }
  const m = /^(\w+)(?:\[type eq "(\w+)"\])?(?:\.(\w+))?$/.exec(rest);
  if (!m || target === undefined) return undefined;
  const [, attr, type, sub] = m;
  const key = (obj: Record<string, unknown>, name: string) => Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  let value = target[key(target, attr) ?? attr];
  if (type !== undefined) value = Array.isArray(value) ? value.find((e) => String(e.type).toLowerCase() === type) : undefined;
  if (sub !== undefined) value = value === undefined ? undefined : value[key(value, sub) ?? sub];
  return value;
}

/** Every single-valued attribute a validator run PATCHes, with the value it sends (template examples). */
const UPDATABLE: [path: string, value: string][] = [
  ['displayName', 'Updated Display'],
  ['nickName', 'Nick'],
  ['title', 'Principal'],
  ['userType', 'Employee'],
  ['preferredLanguage', 'en-GB'],
  ['locale', 'en-GB'],
  ['timezone', 'Europe/London'],
  ['profileUrl', 'https://profiles.example/u'],
  ['name.givenName', 'Given'],
  ['name.familyName', 'Family'],
  ['name.middleName', 'Middle'],
  ['name.formatted', 'Given Middle Family'],
  ['name.honorificPrefix', 'Dr.'],
  ['name.honorificSuffix', 'III'],
  ['emails[type eq "work"].value', 'updated.work@fabrikam.test'],
  ['emails[type eq "other"].value', 'other@fabrikam.test'],
  ['phoneNumbers[type eq "work"].value', '+44 20 7946 0000'],
  ['phoneNumbers[type eq "mobile"].value', '+44 7700 900000'],
  ['phoneNumbers[type eq "fax"].value', '+44 20 7946 0001'],
  ['addresses[type eq "work"].streetAddress', '1 Microsoft Way'],
  ['addresses[type eq "work"].locality', 'Redmond'],
  ['addresses[type eq "work"].region', 'WA'],
  ['addresses[type eq "work"].postalCode', '98052'],
  ['addresses[type eq "work"].country', 'US'],
  ['addresses[type eq "other"].formatted', '1 Other Rd, Elsewhere'],
  [`${ENTERPRISE_SCHEMA}:employeeNumber`, '701984'],
  [`${ENTERPRISE_SCHEMA}:costCenter`, '4130'],
  [`${ENTERPRISE_SCHEMA}:organization`, 'Universal Studios'],
  [`${ENTERPRISE_SCHEMA}:division`, 'Theme Park'],
  [`${ENTERPRISE_SCHEMA}:department`, 'Tour Operations'],
];

describe.each(SCOPES)("Microsoft's SCIM validators at %s", (_scope, setUp) => {
  let t: TestApp;
  let base: string;
  let token: string;
  const prng = new Prng(25);

  const ms = (req: Test) => req.set('Authorization', `Bearer ${token}`);
  const json = (req: Test, body: unknown) => ms(req).set('Content-Type', 'application/json').send(JSON.stringify(body));
  const get = (path: string) => ms(t.http().get(`${base}${path}`));
  const patch = (id: string, operations: unknown[]) => json(t.http().patch(`${base}/Users/${encodeURIComponent(id)}`), { schemas: [PATCH_OP], Operations: operations });
  const newUser = (extra: Record<string, unknown> = {}) => {
    const id = `v${prng.string('abcdefghijklmnopqrstuvwxyz0123456789', 6)}`;
    return {
      schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
      userName: `${id}@contoso.com`,
      externalId: id,
      active: true,
      emails: [{ type: 'work', value: `${id}@contoso.com`, primary: true }],
      name: { givenName: 'Val', familyName: id },
      ...extra,
    };
  };
  const create = async (body: Record<string, unknown>) => (await json(t.http().post(`${base}/Users`), body).expect(201)).body as Record<string, any>;

  beforeAll(async () => {
    t = await startTestApp();
    const s = await setUp(t);
    base = s.base;
    token = s.scimToken;
  });
  afterAll(async () => t.close());

  describe('Logic App validation template: direct tests', () => {
    it('Validate_Credentials_Test: the bearer token works, anything else is 401', async () => {
      await get('/Users?count=1').expect(200);
      expect((await t.http().get(`${base}/Users`).set('Authorization', 'Bearer not-the-token')).status).toBe(401);
    });

    it('Schema_Discoverability_Test: GET /Schemas lists every mapped attribute, compared case-insensitively', async () => {
      const res = await get('/Schemas').expect(200);
      expect(Array.isArray(res.body.Resources)).toBe(true);
      const known = new Set<string>();
      for (const schema of res.body.Resources as { id: string; attributes: { name: string; subAttributes?: { name: string }[] }[] }[]) {
        const prefix = schema.id === USER_SCHEMA ? '' : `${schema.id}:`;
        for (const a of schema.attributes) {
          known.add(`${prefix}${a.name}`.toLowerCase());
          for (const s of a.subAttributes ?? []) known.add(`${prefix}${a.name}.${s.name}`.toLowerCase());
        }
      }
      for (const [path] of [...UPDATABLE, ['userName', ''], ['active', ''], [`${ENTERPRISE_SCHEMA}:manager`, '']]) {
        expect(known).toContain(path.replace(/\[[^\]]*\]/, '').toLowerCase());
      }
    });

    it('SCIM_User_Create_Test: POST /Users → 201 with an id and userName echoed', async () => {
      const body = newUser();
      const created = await create(body);
      expect(created.id).toEqual(expect.any(String));
      expect(created.id.length).toBeGreaterThan(0);
      expect(created.userName).toBe(body.userName);
    });

    it('SCIM_User_Update_Test: PATCH of every single-valued attribute reads back the same value', async () => {
      const user = await create(newUser());
      for (const [path, value] of UPDATABLE) {
        const res = await patch(user.id, [{ op: 'Replace', path, value }]);
        expect([200, 204]).toContain(res.status);
        const read = (await get(`/Users/${user.id}`).expect(200)).body;
        if (valueAt(read, path) !== value) throw new Error(`${path}: sent ${value}, read ${JSON.stringify(valueAt(read, path))}`);
      }
      // And with the path names in the capitalisation Entra's mapping table uses.
      await patch(user.id, [
        { op: 'Replace', path: 'addresses[type eq "other"].Formatted', value: 'Cased' },
        { op: 'Replace', path: 'name.FamilyName', value: 'CasedFamily' },
      ]).expect(204);
      const read = (await get(`/Users/${user.id}`).expect(200)).body;
      expect(valueAt(read, 'addresses[type eq "other"].formatted')).toBe('Cased');
      expect(read.name.familyName).toBe('CasedFamily');
    });

    it('SCIM_Null_Update_Test: optional attributes set to "" and then null read back empty', async () => {
      const user = await create(newUser({ title: 'T', nickName: 'N', [ENTERPRISE_SCHEMA]: { department: 'D' } }));
      const optional = ['title', 'nickName', `${ENTERPRISE_SCHEMA}:department`, 'name.givenName'];
      for (const value of ['', null]) {
        const res = await patch(
          user.id,
          optional.map((path) => ({ op: 'Replace', path, value })),
        );
        expect([200, 204]).toContain(res.status);
        const read = (await get(`/Users/${user.id}`).expect(200)).body;
        for (const path of optional) expect(valueAt(read, path) ?? '').toBe('');
      }
    });

    it('SCIM_Update_Manager_Test: set with Add, change with Replace, remove with an empty Replace', async () => {
      const user = await create(newUser());
      const steps: [Record<string, unknown>, unknown][] = [
        [{ op: 'Add', path: 'manager', value: [{ $ref: `${base}/Users/mgr-1`, value: 'mgr-1' }] }, 'mgr-1'],
        [{ op: 'Replace', path: `${ENTERPRISE_SCHEMA}:manager`, value: 'mgr-2' }, 'mgr-2'],
        [{ op: 'Replace', path: `${ENTERPRISE_SCHEMA}:manager`, value: '' }, undefined],
      ];
      for (const [operation, expected] of steps) {
        expect([200, 204]).toContain((await patch(user.id, [operation])).status);
        const read = (await get(`/Users/${user.id}`).expect(200)).body;
        expect(read[ENTERPRISE_SCHEMA]?.manager?.value).toBe(expected);
      }
    });

    it('SCIM_User_Pagination_Test: with at least 11 users, pages of count=5 echo startIndex = page*5+1', async () => {
      for (let i = 0; i < 11; i++) await create(newUser());
      const total = (await get('/Users?count=0').expect(200)).body.totalResults;
      expect(total).toBeGreaterThanOrEqual(11);
      const ids: string[] = [];
      for (let page = 0; page < 3; page++) {
        const res = await get(`/Users?startIndex=${page * 5 + 1}&count=5`).expect(200);
        expect(res.body.startIndex).toBe(page * 5 + 1);
        expect(res.body.Resources.length).toBe(Math.min(5, total - page * 5));
        ids.push(...res.body.Resources.map((r: { id: string }) => r.id));
      }
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('SCIM_Group_Create_Test and SCIM_Group_Update_Test: a group is created, renamed and read back (members excluded)', async () => {
      const externalId = prng.guid();
      const created = await json(t.http().post(`${base}/Groups`), {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
        externalId,
        displayName: 'Validator Group',
        meta: { resourceType: 'Group' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ externalId, displayName: 'Validator Group', members: [] });
      const updated = await json(t.http().patch(`${base}/Groups/${created.body.id}`), { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: 'X' }] });
      expect(updated.status).toBe(204);
      const read = await get(`/Groups/${created.body.id}?excludedAttributes=members`).expect(200);
      expect(read.body.displayName).toBe('X');
      expect(read.body).not.toHaveProperty('members');
    });

    it('SCIM_Group_Pagination_Test: GET /Groups pages answer 200 with startIndex echoed', async () => {
      for (const startIndex of [1, 6]) {
        const res = await get(`/Groups?startIndex=${startIndex}&count=5`).expect(200);
        expect(res.body).toMatchObject({ schemas: [LIST_RESPONSE], startIndex });
        expect(Array.isArray(res.body.Resources)).toBe(true);
      }
    });
  });

  describe("reference code's Postman collection", () => {
    it('endpoint tests: Users, Groups and ResourceTypes answer; patch is supported; Schemas say "User Account"', async () => {
      await get('/Users').expect(200);
      await get('/Groups').expect(200);
      expect((await get('/ResourceTypes').expect(200)).body.Resources[0].endpoint).toBe('/Users');
      expect((await get('/ServiceProviderConfig').expect(200)).body.patch.supported).toBe(true);
      expect((await get('/Schemas').expect(200)).text).toContain('User Account');
    });

    it('user tests: create with a capitalised "Primary", enterprise data with capitalised keys, get, attributes, DisplayName filter', async () => {
      const bob = await create({
        schemas: [USER_SCHEMA],
        userName: 'UserName123@contoso.test',
        externalId: 'ext-bob',
        displayName: 'BobIsAmazing',
        emails: [{ Primary: true, type: 'work', value: 'bob.amazing@contoso.test' }],
      });
      expect(bob.emails[0].primary).toBe(true);
      const ent = await create({
        schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
        userName: 'UserName222@contoso.test',
        externalId: 'ext-ent',
        [ENTERPRISE_SCHEMA]: { Department: 'Sales', Manager: { Value: 'SuzzyQ' } },
      });
      expect(ent[ENTERPRISE_SCHEMA]).toEqual({ department: 'Sales', manager: { value: 'SuzzyQ' } });
      expect((await get(`/Users/${bob.id}`).expect(200)).body.id).toBe(bob.id);
      const projected = await get('/Users?attributes=userName,emails').expect(200);
      expect(projected.text).toContain(bob.id);
      expect(projected.body.Resources.every((r: Record<string, unknown>) => r.name === undefined)).toBe(true);
      const filtered = await get('/Users/?filter=DisplayName+eq+%22BobIsAmazing%22').expect(200);
      expect(filtered.body.Resources.map((r: { id: string }) => r.id)).toEqual([bob.id]);
    });

    it('garbage tests: string "True", nulls and meta in a create; missing userName; malformed JSON; a duplicate', async () => {
      const created = await create({
        schemas: [USER_SCHEMA],
        userName: 'garbage1@contoso.test',
        externalId: 'garbage1',
        active: 'True',
        addresses: [{ type: 'work', streetAddress: null, locality: 'X' }],
        nickName: null,
        meta: { resourceType: 'User', created: 'yesterday' },
      });
      expect(created.active).toBe(true);
      expect(created.addresses).toEqual([{ type: 'work', locality: 'X' }]);
      expect((await json(t.http().post(`${base}/Users`), { schemas: [USER_SCHEMA], displayName: 'no userName' })).status).toBe(400);
      expect(
        (
          await ms(t.http().post(`${base}/Users`))
            .set('Content-Type', 'application/json')
            .send('{"userName": "x"')
        ).status,
      ).toBe(400);
      const duplicate = await json(t.http().post(`${base}/Users`), { schemas: [USER_SCHEMA], userName: 'garbage1@contoso.test', externalId: 'garbage1' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.detail).toBe('User has already been taken');
    });

    it('garbage tests: PUT without userName is 400; a misspelled attribute is kept aside, not refused', async () => {
      const user = await create(newUser());
      expect((await json(t.http().put(`${base}/Users/${user.id}`), { schemas: [USER_SCHEMA], displayName: 'x' })).status).toBe(400);
      const put = await json(t.http().put(`${base}/Users/${user.id}`), { schemas: [USER_SCHEMA], userName: user.userName, adreses: [{ streetAddress: '1 Way' }] }).expect(200);
      expect(put.body.addresses).toBeUndefined();
    });

    it('garbage tests: PATCH Replace userName and active (boolean) answer 204, and a PUT back restores', async () => {
      const user = await create(newUser({ addresses: [{ type: 'work', streetAddress: '1 Way' }] }));
      expect((await patch(user.id, [{ op: 'Replace', path: 'userName', value: `changed.${user.userName}` }])).status).toBe(204);
      expect((await patch(user.id, [{ op: 'Replace', path: 'active', value: false }])).status).toBe(204);
      const read = (await get(`/Users/${user.id}`).expect(200)).body;
      expect(read).toMatchObject({ userName: `changed.${user.userName}`, active: false });
      const put = await json(t.http().put(`${base}/Users/${user.id}`), read).expect(200);
      expect(put.body).toMatchObject({ userName: `changed.${user.userName}`, active: false, addresses: [{ type: 'work', streetAddress: '1 Way' }] });
    });

    it('filter tests: a parenthesised or of emails.Value co, userName sw, meta.Created gt with an unquoted value', async () => {
      await create({ schemas: [USER_SCHEMA], userName: 'OEmployee@contoso.test', externalId: 'emp-1', name: { familyName: 'Employee' }, emails: [{ type: 'work', value: 'emp1@example.com' }] });
      await create({ schemas: [USER_SCHEMA], userName: 'emp2@contoso.test', externalId: 'emp-2', name: { familyName: 'Employee' }, emails: [{ type: 'work', value: 'emp2@example.org' }] });
      const both = await get(`/Users?filter=${encodeURIComponent('name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)')}`).expect(200);
      expect(both.body.Resources.map((r: { id: string }) => r.id).sort()).toEqual(['emp-1', 'emp-2']);
      expect((await get(`/Users?filter=${encodeURIComponent('userName sw O')}`).expect(200)).body.Resources.map((r: { id: string }) => r.id)).toEqual(['emp-1']);
      const after2015 = await get(`/Users?filter=${encodeURIComponent('meta.Created gt 2015-10-10T14:38:21.8617979-07:00')}`).expect(200);
      expect(after2015.body.totalResults).toBe((await get('/Users?count=0').expect(200)).body.totalResults);
    });
  });
});
