import { applyProjection, parseProjection } from './projection.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const user = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
  id: 'a1',
  externalId: 'a1',
  userName: 'alice@acme.com',
  name: { givenName: 'Alice', familyName: 'Liddell' },
  emails: [
    { value: 'alice@acme.com', type: 'work', primary: true },
    { value: 'a@home.io', type: 'home' },
  ],
  active: true,
  [ENT]: { employeeNumber: '42', department: 'R&D' },
  meta: { resourceType: 'User', version: 'W/"1"' },
};

describe('attributes / excludedAttributes', () => {
  it('returns everything without a projection', () => {
    expect(applyProjection(user, parseProjection(undefined, undefined))).toBe(user);
  });

  it('keeps only the named attributes plus id and schemas', () => {
    const out = applyProjection(user, parseProjection('userName,active', undefined));
    expect(out).toEqual({ schemas: user.schemas, id: 'a1', userName: 'alice@acme.com', active: true });
  });

  it('selects sub-attributes, of every element of a multi-valued attribute, case-insensitively', () => {
    const out = applyProjection(user, parseProjection('NAME.givenName, emails.value', undefined));
    expect(out).toEqual({ schemas: user.schemas, id: 'a1', name: { givenName: 'Alice' }, emails: [{ value: 'alice@acme.com' }, { value: 'a@home.io' }] });
  });

  it('understands URN-prefixed names, core and extension', () => {
    const out = applyProjection(user, parseProjection(`urn:ietf:params:scim:schemas:core:2.0:User:userName,${ENT}:employeeNumber`, undefined));
    expect(out).toEqual({ schemas: user.schemas, id: 'a1', userName: 'alice@acme.com', [ENT]: { employeeNumber: '42' } });
  });

  it('excludes named attributes but never id or schemas', () => {
    const out = applyProjection(user, parseProjection(undefined, 'emails,meta,id,schemas,name.familyName'));
    expect(out.emails).toBeUndefined();
    expect(out.meta).toBeUndefined();
    expect(out.id).toBe('a1');
    expect(out.schemas).toEqual(user.schemas);
    expect(out.name).toEqual({ givenName: 'Alice' });
    expect(user.name).toEqual({ givenName: 'Alice', familyName: 'Liddell' });
  });

  it('ignores unknown attribute names', () => {
    expect(applyProjection(user, parseProjection('nickName', undefined))).toEqual({ schemas: user.schemas, id: 'a1' });
  });

  it('refuses a non-string list', () => {
    expect(() => parseProjection({ a: 1 }, undefined)).toThrow('attributes must be a comma-separated list');
  });
});
