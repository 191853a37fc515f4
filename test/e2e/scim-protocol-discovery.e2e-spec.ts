import { setUpGroup, setUpInstance } from '../support/fixtures.js';
import { ENTERPRISE_SCHEMA, expectScimError, LIST_RESPONSE, ScimClient, scimClient, USER_SCHEMA } from '../support/scim-protocol-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/**
 * Discovery that tells the truth (scim-api.md "Discovery", RFC 7644 §4), the endpoints Roster does
 * not offer (Bulk, Me: 501). Groups (group sync) are listed; their behaviour is in group-sync-scim.e2e-spec.ts.
 */

const SCOPES = [
  ['group scope', async (t: TestApp) => setUpGroup(t, 'acme.eu')],
  ['instance scope', async (t: TestApp) => setUpInstance(t)],
] as const;

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;
const CHARACTERISTICS = {
  type: ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'binary', 'reference', 'complex'],
  mutability: ['readOnly', 'readWrite', 'immutable', 'writeOnly'],
  returned: ['always', 'never', 'default', 'request'],
  uniqueness: ['none', 'server', 'global'],
};

/** Every path in a JSON document whose value is null (Entra rejects /Schemas with nulls). */
function nullPaths(value: unknown, path = '$'): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nullPaths(v, `${path}[${i}]`));
  if (typeof value === 'object') return Object.entries(value as object).flatMap(([k, v]) => nullPaths(v, `${path}.${k}`));
  return [];
}

interface SchemaAttribute {
  name: string;
  type: string;
  multiValued: boolean;
  required: boolean;
  caseExact: boolean;
  mutability: string;
  returned: string;
  uniqueness: string;
  description: string;
  subAttributes?: SchemaAttribute[];
}

describe.each(SCOPES)('SCIM discovery at %s', (_scope, setUp) => {
  let t: TestApp;
  let scim: ScimClient;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp();
    const s = await setUp(t);
    base = s.base;
    scim = scimClient(t, s.base, s.scimToken);
  });
  afterAll(async () => t.close());

  it('ServiceProviderConfig states what Roster supports', async () => {
    const res = await scim.get('/ServiceProviderConfig').expect(200);
    expect(res.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(res.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 1000 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      pagination: { cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: 100, maxPageSize: 1000 },
      meta: { resourceType: 'ServiceProviderConfig', location: `http://roster.test${base}/ServiceProviderConfig` },
    });
    expect(res.body.authenticationSchemes).toHaveLength(1);
    expect(res.body.authenticationSchemes[0]).toMatchObject({ type: 'oauthbearertoken', primary: true });
    expect(res.body.authenticationSchemes[0].description.length).toBeGreaterThan(0);
    expect(nullPaths(res.body)).toEqual([]);
  });

  it('ResourceTypes lists User with its endpoint, schema and the enterprise extension, and Group', async () => {
    const res = await scim.get('/ResourceTypes').expect(200);
    expect(res.body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 2, startIndex: 1, itemsPerPage: 2 });
    expect(res.body.Resources).toEqual([
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        description: 'User Account',
        schema: USER_SCHEMA,
        schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
        meta: { resourceType: 'ResourceType', location: `http://roster.test${base}/ResourceTypes/User` },
      },
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'Group',
        name: 'Group',
        endpoint: '/Groups',
        description: 'Group (group sync: its displayName matches SAML Group Links)',
        schema: GROUP_SCHEMA,
        schemaExtensions: [],
        meta: { resourceType: 'ResourceType', location: `http://roster.test${base}/ResourceTypes/Group` },
      },
    ]);
    expect((await scim.get('/ResourceTypes/User').expect(200)).body).toEqual(res.body.Resources[0]);
    expect((await scim.get('/ResourceTypes/user').expect(200)).body.id).toBe('User');
    expect((await scim.get('/ResourceTypes/group').expect(200)).body).toEqual(res.body.Resources[1]);
    expectScimError(await scim.get('/ResourceTypes/3f2a9c'), 404);
  });

  it('Schemas lists the core User, the enterprise extension and the core Group, without nulls and with camelCase characteristics', async () => {
    const res = await scim.get('/Schemas').expect(200);
    expect(res.body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 3, itemsPerPage: 3, startIndex: 1 });
    expect(res.body.Resources.map((r: { id: string }) => r.id)).toEqual([USER_SCHEMA, ENTERPRISE_SCHEMA, GROUP_SCHEMA]);
    expect(nullPaths(res.body)).toEqual([]);
    const walk = (attributes: SchemaAttribute[]): SchemaAttribute[] => attributes.flatMap((a) => [a, ...walk(a.subAttributes ?? [])]);
    for (const schema of res.body.Resources) {
      expect(schema.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Schema']);
      expect(schema.meta).toEqual({ resourceType: 'Schema', location: `http://roster.test${base}/Schemas/${schema.id}` });
      for (const attribute of walk(schema.attributes)) {
        for (const [key, allowed] of Object.entries(CHARACTERISTICS)) expect(allowed).toContain(attribute[key as keyof typeof CHARACTERISTICS]);
        for (const key of ['multiValued', 'required', 'caseExact'] as const) expect(typeof attribute[key]).toBe('boolean');
        expect(attribute.description.length).toBeGreaterThan(0);
      }
    }
    const user = res.body.Resources[0] as { attributes: SchemaAttribute[] };
    expect(user.attributes.find((a) => a.name === 'userName')).toMatchObject({ type: 'string', required: true, caseExact: false, uniqueness: 'server', mutability: 'readWrite' });
    expect(user.attributes.find((a) => a.name === 'password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(user.attributes.find((a) => a.name === 'groups')).toMatchObject({ mutability: 'readOnly' });
  });

  it('makes every attribute an IdP maps discoverable, as Microsoft’s validator flattens them', async () => {
    const res = await scim.get('/Schemas').expect(200);
    const names = new Set<string>();
    for (const schema of res.body.Resources as { id: string; attributes: SchemaAttribute[] }[]) {
      const prefix = schema.id === USER_SCHEMA ? '' : `${schema.id}:`;
      for (const a of schema.attributes) {
        names.add(`${prefix}${a.name}`.toLowerCase());
        for (const sub of a.subAttributes ?? []) names.add(`${prefix}${a.name}.${sub.name}`.toLowerCase());
      }
    }
    const mapped = [
      'userName',
      'active',
      'displayName',
      'title',
      'preferredLanguage',
      'locale',
      'timezone',
      'userType',
      'nickName',
      'externalId',
      'name.givenName',
      'name.familyName',
      'name.formatted',
      'emails[type eq "work"].value',
      'emails[type eq "other"].Value',
      'phoneNumbers[type eq "mobile"].value',
      'phoneNumbers[type eq "fax"].value',
      'addresses[type eq "work"].streetAddress',
      'addresses[type eq "work"].locality',
      'addresses[type eq "work"].postalCode',
      'addresses[type eq "other"].Formatted',
      `${ENTERPRISE_SCHEMA}:employeeNumber`,
      `${ENTERPRISE_SCHEMA}:department`,
      `${ENTERPRISE_SCHEMA}:manager`,
    ];
    for (const attribute of mapped) {
      const flattened = attribute.replace(/\[[^\]]*\]/, '').toLowerCase();
      if (!names.has(flattened) && flattened !== 'externalid') throw new Error(`${attribute} is not discoverable`);
    }
    const one = await scim.get(`/Schemas/${USER_SCHEMA}`).expect(200);
    expect(one.body).toEqual(res.body.Resources[0]);
    expect((await scim.get(`/Schemas/${ENTERPRISE_SCHEMA.toUpperCase()}`).expect(200)).body.id).toBe(ENTERPRISE_SCHEMA);
    expectScimError(await scim.get('/Schemas/urn:example:unknown'), 404);
  });

  it.each(['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/User', '/Schemas', `/Schemas/${USER_SCHEMA}`])(
    'answers POST, PUT, PATCH and DELETE on %s with 405, whatever the body',
    async (path) => {
      for (const method of WRITE_METHODS) {
        expectScimError(await t.http()[method](`${base}${path}`).set('Authorization', `Bearer ${scim.token}`), 405);
        // Okta's 2016 suite POSTs the text "test" here.
        const withBody = await t.http()[method](`${base}${path}`).set('Authorization', `Bearer ${scim.token}`).set('Content-Type', 'application/json').send('test');
        expectScimError(withBody, 405);
      }
    },
  );

  it.each(['/Bulk', '/Me', '/Me/anything'])('answers every method on %s with 501', async (path) => {
    for (const method of ['get', ...WRITE_METHODS] as const) {
      const res = await t.http()[method](`${base}${path}`).set('Authorization', `Bearer ${scim.token}`).set('Content-Type', 'application/scim+json').send('{"Operations":[]}');
      expectScimError(res, 501);
    }
  });

  it('answers GET Groups with a ListResponse even when no group was pushed (Okta, Entra)', async () => {
    for (const query of ['', '?startIndex=1&count=100', '?excludedAttributes=members&filter=displayName%20eq%20%22Test%20SCIMv2%22']) {
      const res = await scim.get(`/Groups${query}`).expect(200);
      expect(res.headers['content-type']).toBe('application/scim+json; charset=utf-8');
      expect(res.body).toEqual({ schemas: [LIST_RESPONSE], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
    }
  });

  it('answers an unknown endpoint under the base with a SCIM 404', async () => {
    expectScimError(await scim.get('/0b7a4c1e-2f64-4b07-9d1c-5e1c2b3a4d5f'), 404);
    expectScimError(await scim.get('/Users/a/b'), 404);
  });

  it('authenticates before anything else, on discovery endpoints too', async () => {
    for (const path of ['/ServiceProviderConfig', '/Schemas', '/Groups', '/Bulk', '/Users', '/Users/x']) {
      expectScimError(await t.http().get(`${base}${path}`), 401);
    }
    for (const path of ['/ServiceProviderConfig', '/Schemas', '/Groups', '/Bulk', '/Users', '/Users/.search']) {
      expectScimError(await t.http().post(`${base}${path}`).set('Authorization', 'Bearer wrong').set('Content-Type', 'application/json').send('{}'), 401);
    }
  });
});
