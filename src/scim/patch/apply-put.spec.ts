import { applyPut } from './apply-put.js';
import { canonicalizeUserDoc } from './canonicalize-user-doc.js';
import { CORE, ENT, aliceDoc, deepFreeze, errorOf } from './patch-test-helpers.js';
import { stripNulls } from './user-doc.js';

/** What Okta's AIW apps send: the GET response back, with id, meta, groups and password (§1.4). */
function oktaPutBody(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const { externalId, ...rest } = aliceDoc();
  return {
    ...rest,
    id: externalId,
    externalId,
    groups: [],
    password: '1mz050nq',
    meta: { resourceType: 'User', created: '2026-11-22T10:00:00.000Z', location: 'https://roster.example/x' },
    ...changes,
  };
}

describe('applyPut', () => {
  it('accepts the resource read back with id, meta, groups and password, and changes nothing (E.54)', () => {
    const { doc } = applyPut(deepFreeze(aliceDoc()), oktaPutBody());
    expect(doc).toEqual(aliceDoc());
    expect(JSON.stringify(doc)).not.toContain('1mz050nq');
  });

  it('replaces the stored attributes with the body (E.55)', () => {
    const { doc } = applyPut(aliceDoc(), {
      schemas: [CORE],
      userName: 'alice@acme.com',
      name: { givenName: 'Alicia', middleName: 'P' },
      emails: [{ value: 'alice@acme.com', type: 'work', primary: true }],
    });
    expect(doc).toEqual({
      schemas: [CORE],
      userName: 'alice@acme.com',
      name: { givenName: 'Alicia', middleName: 'P' },
      emails: [{ value: 'alice@acme.com', type: 'work', primary: true }],
      active: true,
      externalId: 'a1b2c3',
    });
  });

  it('deactivates and reactivates through active in the body (E.56, E.57), string booleans included', () => {
    expect(applyPut(aliceDoc(), oktaPutBody({ active: false })).doc.active).toBe(false);
    expect(applyPut({ ...aliceDoc(), active: false }, oktaPutBody({ active: 'True' })).doc.active).toBe(true);
  });

  it('keeps the current active state when the body has none', () => {
    const { active: _, ...noActive } = oktaPutBody();
    expect(applyPut({ ...aliceDoc(), active: false }, noActive).doc.active).toBe(false);
    expect(applyPut({ ...aliceDoc(), active: false }, { ...noActive, active: null }).doc.active).toBe(false);
  });

  it('keeps the current externalId when the body has none, and never takes it from id', () => {
    const { externalId: _, ...noExternal } = oktaPutBody({ id: 'something-else' });
    expect(applyPut(aliceDoc(), noExternal).doc.externalId).toBe('a1b2c3');
    expect(applyPut(aliceDoc(), oktaPutBody({ externalId: 'changed' })).doc.externalId).toBe('changed');
  });

  it('keeps the current schemas when the body has none', () => {
    const { schemas: _, ...noSchemas } = oktaPutBody();
    expect(applyPut(aliceDoc(), noSchemas).doc.schemas).toEqual([CORE, ENT]);
  });

  it.each([
    ['missing', {}],
    ['null', { userName: null }],
    ['empty', { userName: '' }],
  ])('refuses a body whose userName is %s (E.58)', (_, userName) => {
    const { userName: __, ...body } = oktaPutBody();
    const e = errorOf(() => applyPut(aliceDoc(), { ...body, ...userName }));
    expect(e.code).toBe('invalid_value');
    expect(e.message).toBe('userName is required');
  });

  it('refuses a body that is not an object with invalid_syntax', () => {
    expect(errorOf(() => applyPut(aliceDoc(), 'nope')).code).toBe('invalid_syntax');
    expect(errorOf(() => applyPut(aliceDoc(), [aliceDoc()])).code).toBe('invalid_syntax');
  });

  it('refuses a string active that is not a boolean', () => {
    expect(errorOf(() => applyPut(aliceDoc(), oktaPutBody({ active: 'sometimes' }))).code).toBe('invalid_value');
  });
});

describe('canonicalizeUserDoc (POST, and PUT through applyPut)', () => {
  it('drops nulls, "", id, meta, groups and password; coerces string booleans (D.44, D.47, D.49, D.52)', () => {
    const doc = canonicalizeUserDoc({
      schemas: [CORE, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
      id: 'client-chosen',
      externalId: '00uj',
      userName: 'bob@acme.com',
      active: 'True',
      password: 'pw',
      groups: [],
      meta: { resourceType: 'User' },
      addresses: null,
      phoneNumbers: null,
      title: null,
      preferredLanguage: '',
      emails: [{ primary: 'true', type: 'work', value: 'bob@acme.com' }, null],
      roles: [],
      [ENT]: { department: null, manager: null },
    });
    expect(doc).toEqual({
      schemas: [CORE, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
      externalId: '00uj',
      userName: 'bob@acme.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'bob@acme.com' }],
    });
  });

  it('stores canonical names for known attributes, in any case, and unknown ones as sent (D.53)', () => {
    const doc = canonicalizeUserDoc({ UserName: 'b', NAME: { GIVENNAME: 'B' }, adreses: [{ x: 1 }], 'my attr': 'v' });
    expect(doc).toEqual({ userName: 'b', name: { givenName: 'B' }, adreses: [{ x: 1 }], 'my attr': 'v' });
  });

  it('resolves dotted and URN-prefixed keys the way a pathless PATCH does', () => {
    const doc = canonicalizeUserDoc({ userName: 'b', 'name.formatted': 'Bob B', [`${ENT}:employeeNumber`]: '9' });
    expect(doc).toEqual({ userName: 'b', name: { formatted: 'Bob B' }, [ENT]: { employeeNumber: '9' } });
  });

  it('keeps enterprise data and unknown extension objects (D.48)', () => {
    const custom = 'urn:example:custom:1.0:User';
    const body = { userName: 'b', [ENT]: { employeeNumber: '1', department: 'D', manager: { value: 'm' } }, [custom]: { a: 'b' } };
    expect(canonicalizeUserDoc(body)).toEqual(body);
  });

  it('drops the readOnly manager.displayName', () => {
    const doc = canonicalizeUserDoc({ userName: 'b', [ENT]: { manager: { value: 'm', displayName: 'Boss' } } });
    expect(doc[ENT]).toEqual({ manager: { value: 'm' } });
  });

  it('never lets a __proto__ key change the prototype', () => {
    const doc = canonicalizeUserDoc(JSON.parse('{"userName":"b","__proto__":{"polluted":true},"x":{"__proto__":{"p":1},"k":1}}'));
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect((doc as Record<string, unknown>).polluted).toBeUndefined();
    expect(doc.x).toEqual({ k: 1 });
    expect(Object.getPrototypeOf(doc.x)).toBe(Object.prototype);
  });

  it('refuses hostile nesting with invalid_value instead of overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 5000; i++) deep = { d: deep };
    expect(errorOf(() => canonicalizeUserDoc({ userName: 'b', custom: deep })).code).toBe('invalid_value');
  });

  it('refuses schemas that are not a list of URNs', () => {
    expect(errorOf(() => canonicalizeUserDoc({ userName: 'b', schemas: 'urn:x' })).code).toBe('invalid_value');
  });
});

describe('stripNulls', () => {
  it('removes null members and null list entries at every depth, returning a copy', () => {
    const input = { a: null, b: [1, null, { c: null, d: 2 }], e: { f: null } };
    expect(stripNulls(input)).toEqual({ b: [1, { d: 2 }], e: {} });
    expect(input.a).toBeNull();
  });
});

describe('canonicalizeUserDoc: limits', () => {
  it.each([
    [{ userName: 'u'.repeat(256) }, /^userName is longer than 255 characters$/],
    [{ userName: 'a@b.c', emails: [{ value: 'e'.repeat(256) }] }, /^emails\.value is longer than 255 characters$/],
    [{ userName: 'a@b.c', emails: Array.from({ length: 101 }, (_, i) => ({ value: `${i}@b.c` })) }, /^emails holds 101 values; at most 100 are accepted$/],
  ])('refuses %#: an indexed value too long or too many values, with a short detail', (body, message) => {
    const e = errorOf(() => canonicalizeUserDoc(body));
    expect(e.code).toBe('invalid_value');
    expect(e.message).toMatch(message);
  });
});
