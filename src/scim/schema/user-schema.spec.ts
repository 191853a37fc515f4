import { CORE_USER, CORE_USER_SCHEMA, ENTERPRISE_USER, ENTERPRISE_USER_SCHEMA, findAttribute, resolveAttribute, type AttributeDefinition } from './user-schema.js';

const names = (attrs: readonly AttributeDefinition[]) => attrs.map((a) => a.name);

describe('User schema definitions', () => {
  it('lists every RFC 7643 §4.1 core User attribute', () => {
    expect(names(CORE_USER.attributes)).toEqual([
      'userName',
      'name',
      'displayName',
      'nickName',
      'profileUrl',
      'title',
      'userType',
      'preferredLanguage',
      'locale',
      'timezone',
      'active',
      'password',
      'emails',
      'phoneNumbers',
      'ims',
      'photos',
      'addresses',
      'groups',
      'entitlements',
      'roles',
      'x509Certificates',
    ]);
  });

  it('lists every RFC 7643 §4.3 enterprise attribute, manager with value/$ref/displayName', () => {
    expect(names(ENTERPRISE_USER.attributes)).toEqual(['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager']);
    expect(names(findAttribute('manager')!.attribute.subAttributes!)).toEqual(['value', '$ref', 'displayName']);
  });

  it('gives name all six sub-attributes', () => {
    expect(names(findAttribute('name')!.attribute.subAttributes!)).toEqual(['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix']);
  });

  it('marks userName required, caseExact false, unique on the server', () => {
    const userName = findAttribute('userName')!.attribute;
    expect(userName).toMatchObject({ required: true, caseExact: false, uniqueness: 'server', mutability: 'readWrite' });
  });

  it('marks password writeOnly and never returned, groups and id readOnly', () => {
    expect(findAttribute('password')!.attribute).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(findAttribute('groups')!.attribute.mutability).toBe('readOnly');
    expect(findAttribute('groups')!.attribute.subAttributes!.every((s) => s.mutability === 'readOnly')).toBe(true);
    expect(findAttribute('id')!.attribute).toMatchObject({ mutability: 'readOnly', returned: 'always' });
  });

  it('makes emails.value and externalId case-insensitive (Roster compares them ignoring case)', () => {
    expect(resolveAttribute('emails.value')!.definition.caseExact).toBe(false);
    expect(findAttribute('externalId')!.attribute.caseExact).toBe(false);
  });

  it('types emails.primary and active as boolean, photos.value as reference', () => {
    expect(resolveAttribute('emails.primary')!.definition.type).toBe('boolean');
    expect(resolveAttribute('active')!.definition.type).toBe('boolean');
    expect(resolveAttribute('photos.value')!.definition).toMatchObject({ type: 'reference', referenceTypes: ['external'] });
  });

  it('gives typed multi-valued attributes their RFC canonical type values', () => {
    expect(resolveAttribute('emails.type')!.definition.canonicalValues).toEqual(['work', 'home', 'other']);
    expect(resolveAttribute('phoneNumbers.type')!.definition.canonicalValues).toContain('mobile');
    expect(resolveAttribute('addresses.type')!.definition.canonicalValues).toEqual(['work', 'home', 'other']);
  });

  it('makes manager.displayName readOnly (RFC 7643 §4.3)', () => {
    expect(resolveAttribute('manager.displayName')!.definition.mutability).toBe('readOnly');
  });
});

describe('resolveAttribute', () => {
  it.each([
    ['userName', 'userName', CORE_USER_SCHEMA],
    ['USERNAME', 'userName', CORE_USER_SCHEMA],
    ['name.givenName', 'name.givenName', CORE_USER_SCHEMA],
    ['Name.GivenName', 'name.givenName', CORE_USER_SCHEMA],
    ['emails.Value', 'emails.value', CORE_USER_SCHEMA],
    ['externalid', 'externalId', CORE_USER_SCHEMA],
    [`${CORE_USER_SCHEMA}:displayName`, 'displayName', CORE_USER_SCHEMA],
    [`${CORE_USER_SCHEMA.toUpperCase()}:DISPLAYNAME`, 'displayName', CORE_USER_SCHEMA],
    [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`, 'employeeNumber', ENTERPRISE_USER_SCHEMA],
    [`${ENTERPRISE_USER_SCHEMA}:manager.value`, 'manager.value', ENTERPRISE_USER_SCHEMA],
    [`${ENTERPRISE_USER_SCHEMA.toLowerCase()}:Manager.$ref`, 'manager.$ref', ENTERPRISE_USER_SCHEMA],
    // Unqualified extension names resolve too (RFC 7644 §3.10 only says SHOULD qualify).
    ['department', 'department', ENTERPRISE_USER_SCHEMA],
    ['manager', 'manager', ENTERPRISE_USER_SCHEMA],
  ])('%s → %s in %s', (path, canonicalName, schema) => {
    const resolved = resolveAttribute(path)!;
    expect(resolved.canonicalName).toBe(canonicalName);
    expect(resolved.schema.id).toBe(schema);
    expect(resolved.qualifiedName).toBe(`${schema}:${canonicalName}`);
  });

  it('returns both the attribute and the sub-attribute for a dotted path', () => {
    const resolved = resolveAttribute('name.familyName')!;
    expect(resolved.attribute.name).toBe('name');
    expect(resolved.subAttribute!.name).toBe('familyName');
    expect(resolved.definition).toBe(resolved.subAttribute);
  });

  it.each([
    'nope',
    'name.nope',
    'userName.x',
    'name.givenName.x',
    'name.',
    `${ENTERPRISE_USER_SCHEMA}:userName`, // userName is not an enterprise attribute
    `${CORE_USER_SCHEMA}:department`, // nor department a core one
    'urn:example:unknown:1.0:User:foo',
  ])('does not resolve %s', (path) => {
    expect(resolveAttribute(path)).toBeUndefined();
  });
});
