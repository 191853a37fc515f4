import { discoveryListResponse, findResourceType, findSchemaResource, renderResourceTypes, renderSchemas, renderServiceProviderConfig, type RenderedAttribute } from './schemas-document.js';
import { DEFAULT_COUNT, MAX_COUNT } from '../list-request.js';
import { CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA } from './user-schema.js';

const BASE = 'https://roster.example/api/scim/v2/groups/acme';

/** Every path in `value` whose value is null or undefined. */
function nullPaths(value: unknown, path = '$'): string[] {
  if (value === null || value === undefined) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nullPaths(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => nullPaths(v, `${path}.${k}`));
  }
  return [];
}

function allAttributes(attrs: RenderedAttribute[]): RenderedAttribute[] {
  return attrs.flatMap((a) => [a, ...allAttributes(a.subAttributes ?? [])]);
}

describe('/Schemas', () => {
  const schemas = renderSchemas(BASE);
  const attributes = schemas.flatMap((s) => allAttributes(s.attributes));

  it('contains no null anywhere (Entra gallery checklist)', () => {
    const json = JSON.parse(JSON.stringify(discoveryListResponse(schemas))) as unknown;
    expect(nullPaths(json)).toEqual([]);
    expect(nullPaths(schemas)).toEqual([]);
  });

  it('renders the core User, the enterprise extension and the core Group in RFC 7643 §7 shape', () => {
    expect(schemas.map((s) => s.id)).toEqual([CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA, 'urn:ietf:params:scim:schemas:core:2.0:Group']);
    for (const s of schemas) {
      expect(s).toEqual({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
        id: expect.any(String),
        name: expect.any(String),
        description: expect.any(String),
        attributes: expect.any(Array),
        meta: { resourceType: 'Schema', location: `${BASE}/Schemas/${s.id}` },
      });
    }
  });

  it('gives every attribute and sub-attribute every characteristic', () => {
    expect(attributes.length).toBeGreaterThan(70);
    for (const a of attributes) {
      expect(typeof a.name).toBe('string');
      expect(['string', 'boolean', 'decimal', 'integer', 'dateTime', 'binary', 'reference', 'complex']).toContain(a.type);
      expect(typeof a.multiValued).toBe('boolean');
      expect(typeof a.required).toBe('boolean');
      expect(typeof a.caseExact).toBe('boolean');
      expect(a.description.length).toBeGreaterThan(0);
      expect(['readOnly', 'readWrite', 'immutable', 'writeOnly']).toContain(a.mutability);
      expect(['always', 'never', 'default', 'request']).toContain(a.returned);
      expect(['none', 'server', 'global']).toContain(a.uniqueness);
      if (a.type === 'complex') expect(a.subAttributes!.length).toBeGreaterThan(0);
      else expect(a.subAttributes).toBeUndefined();
      if (a.type === 'reference') expect(a.referenceTypes!.length).toBeGreaterThan(0);
    }
  });

  it('uses camelCase characteristic values', () => {
    const values = new Set(attributes.flatMap((a) => [a.mutability, a.returned, a.uniqueness]));
    expect([...values].sort()).toEqual(expect.arrayContaining(['default', 'never', 'none', 'readOnly', 'readWrite', 'server', 'writeOnly']));
    for (const v of values) expect(v).toMatch(/^[a-z][a-zA-Z]*$/);
  });

  it('advertises userName as caseExact false and unique on the server', () => {
    const userName = schemas[0].attributes.find((a) => a.name === 'userName')!;
    expect(userName).toMatchObject({ caseExact: false, uniqueness: 'server', required: true });
  });

  it('finds one schema by URN, ignoring case, and nothing for an unknown URN', () => {
    expect(findSchemaResource(ENTERPRISE_USER_SCHEMA.toUpperCase(), BASE)!.id).toBe(ENTERPRISE_USER_SCHEMA);
    expect(findSchemaResource('urn:example:nope', BASE)).toBeUndefined();
  });

  it('builds meta.location without a doubled slash when baseUrl ends with one', () => {
    expect(renderSchemas(`${BASE}/`)[0].meta.location).toBe(`${BASE}/Schemas/${CORE_USER_SCHEMA}`);
  });
});

describe('/ResourceTypes', () => {
  it('lists User with the enterprise extension as an optional schema extension, and Group', () => {
    expect(renderResourceTypes(BASE).map((r) => r.id)).toEqual(['User', 'Group']);
    expect(renderResourceTypes(BASE).slice(0, 1)).toEqual([
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        description: 'User Account',
        schema: CORE_USER_SCHEMA,
        schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
        meta: { resourceType: 'ResourceType', location: `${BASE}/ResourceTypes/User` },
      },
    ]);
  });

  it('finds User and Group by name, ignoring case', () => {
    expect(findResourceType('user', BASE)!.id).toBe('User');
    expect(findResourceType('group', BASE)!.endpoint).toBe('/Groups');
    expect(findResourceType('Team', BASE)).toBeUndefined();
  });
});

describe('/ServiceProviderConfig', () => {
  const config = renderServiceProviderConfig(BASE);

  it('tells the truth about what Roster supports', () => {
    expect(config).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 1000 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      meta: { resourceType: 'ServiceProviderConfig', location: `${BASE}/ServiceProviderConfig` },
    });
  });

  it('advertises index and cursor paging with the page sizes list requests use (RFC 9865 §4)', () => {
    expect(config.pagination).toEqual({ cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: DEFAULT_COUNT, maxPageSize: MAX_COUNT });
  });

  it('declares the bearer token as the primary authentication scheme', () => {
    expect(config.authenticationSchemes).toEqual([expect.objectContaining({ type: 'oauthbearertoken', name: 'OAuth Bearer Token', primary: true })]);
    expect(config.authenticationSchemes[0].description.length).toBeGreaterThan(0);
  });

  it('contains no null anywhere', () => {
    expect(nullPaths(config)).toEqual([]);
    expect(nullPaths(discoveryListResponse(renderResourceTypes(BASE)))).toEqual([]);
  });
});

describe('discoveryListResponse', () => {
  it('wraps resources in an unpaged ListResponse with integer counters', () => {
    expect(discoveryListResponse(['a', 'b'])).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 2,
      startIndex: 1,
      itemsPerPage: 2,
      Resources: ['a', 'b'],
    });
  });
});
