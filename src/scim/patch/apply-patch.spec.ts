import { applyPatch } from './apply-patch.js';
import { CORE, ENT, PATCH_OP, aliceDoc, deepFreeze, errorOf, patch, patchError } from './patch-test-helpers.js';

describe('applyPatch: the request body', () => {
  const doc = aliceDoc();

  it.each([
    ['a non-object body', []],
    ['schemas that is not an array', { schemas: PATCH_OP, Operations: [{ op: 'add', path: 'title', value: 'x' }] }],
    ['a body without schemas or Operations', {}],
    ['a body without schemas whose Operations is empty', { Operations: [] }],
    ['a body without the PatchOp schema', { schemas: [CORE], Operations: [{ op: 'add', path: 'title', value: 'x' }] }],
    ['a body without Operations', { schemas: [PATCH_OP] }],
    ['Operations that is not an array', { schemas: [PATCH_OP], Operations: { op: 'add' } }],
    ['an empty Operations array', { schemas: [PATCH_OP], Operations: [] }],
  ])('refuses %s with invalid_syntax', (_, body) => {
    expect(errorOf(() => applyPatch(doc, body)).code).toBe('invalid_syntax');
  });

  it('accepts 100 operations and refuses 101 with too_many', () => {
    const op = { op: 'replace', path: 'title', value: 'x' };
    expect(applyPatch(doc, { schemas: [PATCH_OP], Operations: Array(100).fill(op) }).doc.title).toBe('x');
    const e = errorOf(() => applyPatch(doc, { schemas: [PATCH_OP], Operations: Array(101).fill(op) }));
    expect(e.code).toBe('too_many');
    expect(e.message).toContain('100');
  });

  it('accepts a body without schemas as GitLab documents it, validating its Operations as usual', () => {
    expect(applyPatch(doc, { Operations: [{ op: 'Replace', path: 'title', value: 'Boss' }] }).doc.title).toBe('Boss');
    expect(applyPatch(doc, { Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }).doc.active).toBe(false);
    expect(errorOf(() => applyPatch(doc, { Operations: [{ op: 'frobnicate', path: 'title', value: 'x' }] })).code).toBe('invalid_syntax');
  });

  it('matches the PatchOp URN and member names ignoring case', () => {
    const body = { SCHEMAS: [PATCH_OP.toUpperCase()], operations: [{ OP: 'Replace', Path: 'title', VALUE: 'Boss' }] };
    expect(applyPatch(doc, body).doc.title).toBe('Boss');
  });

  it.each([
    ['not an object', 'replace'],
    ['no op', { path: 'title', value: 'x' }],
    ['an unknown op', { op: 'frobnicate', path: 'title', value: 'x' }],
    ['add without value', { op: 'add', path: 'title' }],
    ['replace without value', { op: 'Replace', path: 'title' }],
  ])('refuses an operation with %s as invalid_syntax, with its index', (_, operation) => {
    const e = patchError(doc, { op: 'add', path: 'nickName', value: 'ok' }, operation);
    expect(e.code).toBe('invalid_syntax');
    expect(e.options.operationIndex).toBe(1);
    expect(e.message).toMatch(/^Operation 2\b/);
  });
});

describe('applyPatch: "Update", which GitLab\'s instance SCIM page documents, is read as replace', () => {
  it.each(['Update', 'update', 'UPDATE'])('%s sets a path the way replace does', (op) => {
    const viaUpdate = applyPatch(aliceDoc(), { Operations: [{ op, path: 'active', value: 'false' }] }).doc;
    const viaReplace = applyPatch(aliceDoc(), { Operations: [{ op: 'replace', path: 'active', value: 'false' }] }).doc;
    expect(viaUpdate.active).toBe(false);
    expect(viaUpdate).toEqual(viaReplace);
  });

  it('replaces a whole multi-valued attribute, not adding to it (the difference from add)', () => {
    const emails = [{ value: 'only@example.com', type: 'work', primary: true }];
    expect(patch(aliceDoc(), { op: 'Update', path: 'emails', value: emails }).emails).toEqual(emails);
  });

  it('still needs a value', () => {
    expect(errorOf(() => applyPatch(aliceDoc(), { Operations: [{ op: 'Update', path: 'title' }] })).code).toBe('invalid_syntax');
  });
});

describe('applyPatch: op is case-insensitive (Entra sends Add/Replace/Remove)', () => {
  it.each(['add', 'Add', 'ADD', 'replace', 'Replace', 'REPLACE'])('%s sets a single-valued attribute', (op) => {
    expect(patch(aliceDoc(), { op, path: 'nickName', value: 'Babs' }).nickName).toBe('Babs');
  });

  it.each(['remove', 'Remove', 'REMOVE'])('%s clears an attribute', (op) => {
    expect(patch(aliceDoc(), { op, path: 'title' })).not.toHaveProperty('title');
  });
});

describe('applyPatch: paths', () => {
  it('sets simple attributes: active, userName, displayName', () => {
    const doc = patch(
      aliceDoc(),
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: 'userName', value: 'renamed@acme.com' },
      { op: 'replace', path: 'displayName', value: 'Alice L.' },
    );
    expect(doc).toMatchObject({ active: false, userName: 'renamed@acme.com', displayName: 'Alice L.' });
  });

  it('sets a sub-attribute, keeping the others', () => {
    const doc = patch(aliceDoc(), { op: 'replace', path: 'name.givenName', value: 'Alicia' });
    expect(doc.name).toEqual({ formatted: 'Alice Liddell', givenName: 'Alicia', familyName: 'Liddell' });
  });

  it('creates the complex attribute a sub-attribute path needs', () => {
    const { name: _, ...noName } = aliceDoc();
    expect(patch(noName, { op: 'add', path: 'name.middleName', value: 'P' }).name).toEqual({ middleName: 'P' });
  });

  it('matches attribute names in any case and stores the canonical name', () => {
    const doc = patch(
      aliceDoc(),
      { op: 'replace', path: 'DisplayName', value: 'D' },
      { op: 'replace', path: 'name.FamilyName', value: 'F' },
      { op: 'replace', path: 'emails[Type eq "work"].Value', value: 'w@acme.com' },
      { op: 'replace', path: 'PHONENUMBERS', value: [{ Value: '+1', Type: 'work', Primary: 'True' }] },
    );
    expect(doc.displayName).toBe('D');
    expect(doc).not.toHaveProperty('DisplayName');
    expect((doc.name as Record<string, unknown>).familyName).toBe('F');
    expect(doc.emails).toEqual([{ value: 'w@acme.com', type: 'work', primary: true }]);
    expect(doc.phoneNumbers).toEqual([{ value: '+1', type: 'work', primary: true }]);
  });

  it('accepts the core schema URN as a prefix', () => {
    expect(patch(aliceDoc(), { op: 'replace', path: `${CORE}:title`, value: 'CTO' }).title).toBe('CTO');
  });

  it('stores unknown attributes as sent, matching an existing key ignoring case', () => {
    const doc = patch(aliceDoc(), { op: 'add', path: 'costCentreCode', value: { a: 1, b: null } });
    expect(doc.costCentreCode).toEqual({ a: 1 });
    expect(patch(doc, { op: 'replace', path: 'COSTCENTRECODE', value: 'x' }).costCentreCode).toBe('x');
  });

  it.each([
    ['an empty path', ''],
    ['three levels', 'name.givenName.x'],
    ['a sub-attribute of a simple attribute', 'userName.first'],
    ['a filter on a single-valued attribute', 'name[givenName eq "A"]'],
    ['an unbalanced bracket', 'emails[type eq "work"'],
    ['garbage after the filter', 'emails[type eq "work"]value'],
    ['a bad filter', 'emails[type equals "work"].value'],
    ['a filter after a sub-attribute', 'name.givenName[value eq "x"]'],
    ['characters no attribute name has', 'dis play'],
  ])('refuses %s with invalid_path', (_, path) => {
    const e = patchError(aliceDoc(), { op: 'replace', path, value: 'x' });
    expect(e.code).toBe('invalid_path');
    expect(e.options.operationIndex).toBe(0);
  });

  it('refuses a path that is not a string', () => {
    expect(patchError(aliceDoc(), { op: 'replace', path: 42, value: 'x' }).code).toBe('invalid_path');
  });
});

describe('applyPatch: value-filtered paths', () => {
  it('replaces the value of the matching element only, keeping type and primary', () => {
    const start = {
      ...aliceDoc(),
      emails: [
        { value: 'a@acme.com', type: 'work', primary: true },
        { value: 'a@home.net', type: 'home' },
      ],
    };
    const doc = patch(start, { op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@acme.com' });
    expect(doc.emails).toEqual([
      { value: 'new@acme.com', type: 'work', primary: true },
      { value: 'a@home.net', type: 'home' },
    ]);
  });

  it('matches string filter values ignoring case', () => {
    const start = { ...aliceDoc(), emails: [{ value: 'a@acme.com', type: 'Work' }] };
    expect(patch(start, { op: 'replace', path: 'emails[type eq "WORK"].value', value: 'b@acme.com' }).emails).toEqual([{ value: 'b@acme.com', type: 'Work' }]);
  });

  it('selects by primary eq true', () => {
    const start = {
      ...aliceDoc(),
      emails: [
        { value: 'h@x', type: 'home' },
        { value: 'w@x', type: 'work', primary: true },
      ],
    };
    const doc = patch(start, { op: 'replace', path: 'emails[primary eq true].value', value: 'p@x' });
    expect(doc.emails).toEqual([
      { value: 'h@x', type: 'home' },
      { value: 'p@x', type: 'work', primary: true },
    ]);
  });

  it('creates the element when a `type eq` filter matches nothing (Entra on users without a work email)', () => {
    const { emails: _, ...noEmails } = aliceDoc();
    const doc = patch(noEmails, { op: 'Replace', path: 'emails[type eq "work"].value', value: 'w@acme.com' });
    expect(doc.emails).toEqual([{ type: 'work', value: 'w@acme.com' }]);
    const added = patch(aliceDoc(), { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0101' });
    expect(added.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555 0101' }]);
    const address = patch(aliceDoc(), { op: 'Replace', path: 'addresses[type eq "work"].streetAddress', value: '1 Way' });
    expect(address.addresses).toEqual([{ type: 'work', streetAddress: '1 Way' }]);
  });

  it('creates from a conjunction of eq filters, with booleans coerced', () => {
    const { emails: _, ...noEmails } = aliceDoc();
    const doc = patch(noEmails, { op: 'add', path: 'emails[type eq "work" and primary eq "True"].value', value: 'w@x' });
    expect(doc.emails).toEqual([{ type: 'work', primary: true, value: 'w@x' }]);
  });

  it('refuses with no_target when the unmatched filter does not describe a new element', () => {
    const e = patchError(aliceDoc(), { op: 'replace', path: 'emails[value co "nowhere"].type', value: 'home' });
    expect(e.code).toBe('no_target');
    expect(patchError(aliceDoc(), { op: 'replace', path: 'emails[type ne "work"].value', value: 'x' }).code).toBe('no_target');
  });

  it('replaces whole matching elements, keeping the filter type when the value omits it', () => {
    const start = {
      ...aliceDoc(),
      phoneNumbers: [
        { value: '+1', type: 'mobile' },
        { value: '+2', type: 'work' },
      ],
    };
    const doc = patch(start, { op: 'replace', path: 'phoneNumbers[type eq "mobile"]', value: { value: '+3', display: 'cell' } });
    expect(doc.phoneNumbers).toEqual([
      { type: 'mobile', value: '+3', display: 'cell' },
      { value: '+2', type: 'work' },
    ]);
    const fromList = patch(start, { op: 'replace', path: 'phoneNumbers[type eq "mobile"]', value: [{ value: '+4' }] });
    expect(fromList.phoneNumbers).toEqual([
      { type: 'mobile', value: '+4' },
      { value: '+2', type: 'work' },
    ]);
  });

  it('merges into matching elements on add without a sub-attribute', () => {
    const start = { ...aliceDoc(), phoneNumbers: [{ value: '+1', type: 'mobile' }] };
    const doc = patch(start, { op: 'add', path: 'phoneNumbers[type eq "mobile"]', value: { display: 'cell' } });
    expect(doc.phoneNumbers).toEqual([{ value: '+1', type: 'mobile', display: 'cell' }]);
  });

  it('removes matching elements, and is a no-op when nothing matches', () => {
    const start = {
      ...aliceDoc(),
      emails: [
        { value: 'w@x', type: 'work' },
        { value: 'h@x', type: 'home' },
      ],
    };
    expect(patch(start, { op: 'remove', path: 'emails[type eq "work"]' }).emails).toEqual([{ value: 'h@x', type: 'home' }]);
    expect(patch(start, { op: 'remove', path: 'emails[type eq "other"]' })).toEqual(start);
    expect(patch(start, { op: 'remove', path: 'emails[type eq "work" or type eq "home"]' })).not.toHaveProperty('emails');
  });

  it('drops an element whose value is removed, but keeps one that loses another sub-attribute', () => {
    const start = {
      ...aliceDoc(),
      emails: [
        { value: 'w@x', type: 'work', primary: true },
        { value: 'h@x', type: 'home' },
      ],
    };
    expect(patch(start, { op: 'remove', path: 'emails[type eq "work"].value' }).emails).toEqual([{ value: 'h@x', type: 'home' }]);
    expect(patch(start, { op: 'remove', path: 'emails[type eq "work"].primary' }).emails).toEqual([
      { value: 'w@x', type: 'work' },
      { value: 'h@x', type: 'home' },
    ]);
    expect(patch(start, { op: 'replace', path: 'emails[type eq "home"].value', value: '' }).emails).toEqual([{ value: 'w@x', type: 'work', primary: true }]);
  });

  it('sets primary false on the other elements when one becomes primary (RFC 7644 §3.5.2)', () => {
    const start = {
      ...aliceDoc(),
      emails: [
        { value: 'w@x', type: 'work', primary: true },
        { value: 'h@x', type: 'home' },
      ],
    };
    const doc = patch(start, { op: 'replace', path: 'emails[type eq "home"].primary', value: 'True' });
    expect(doc.emails).toEqual([
      { value: 'w@x', type: 'work', primary: false },
      { value: 'h@x', type: 'home', primary: true },
    ]);
  });
});

describe('applyPatch: multi-valued attributes without a filter', () => {
  it('appends on add, without exact duplicates', () => {
    const doc = patch(aliceDoc(), {
      op: 'add',
      path: 'emails',
      value: [
        { value: 'alice@acme.com', type: 'work', primary: true },
        { value: 'a@home.net', type: 'home' },
      ],
    });
    expect(doc.emails).toEqual([
      { value: 'alice@acme.com', type: 'work', primary: true },
      { value: 'a@home.net', type: 'home' },
    ]);
  });

  it('replaces the whole list on replace, and wraps a single object', () => {
    const doc = patch(aliceDoc(), { op: 'replace', path: 'emails', value: { value: 'only@x', type: 'other' } });
    expect(doc.emails).toEqual([{ value: 'only@x', type: 'other' }]);
  });

  it('demotes the existing primary when an added element is primary', () => {
    const doc = patch(aliceDoc(), { op: 'add', path: 'emails', value: [{ value: 'n@x', type: 'other', primary: true }] });
    expect(doc.emails).toEqual([
      { value: 'alice@acme.com', type: 'work', primary: false },
      { value: 'n@x', type: 'other', primary: true },
    ]);
  });

  it('clears with remove, "", null or an empty list on replace; add of [] changes nothing', () => {
    for (const op of [
      { op: 'remove', path: 'emails' },
      { op: 'replace', path: 'emails', value: [] },
      { op: 'replace', path: 'emails', value: null },
    ]) {
      expect(patch(aliceDoc(), op)).not.toHaveProperty('emails');
    }
    expect(patch(aliceDoc(), { op: 'add', path: 'emails', value: [] })).toEqual(aliceDoc());
  });

  it('removes listed values (Entra removal shape with a value list)', () => {
    const start = { ...aliceDoc(), roles: [{ value: 'admin' }, { value: 'dev' }] };
    expect(patch(start, { op: 'Remove', path: 'roles', value: [{ value: 'ADMIN' }] }).roles).toEqual([{ value: 'dev' }]);
  });

  it('sets a sub-attribute on every element when no filter is given', () => {
    const start = { ...aliceDoc(), roles: [{ value: 'a' }, { value: 'b' }] };
    expect(patch(start, { op: 'replace', path: 'roles.type', value: 'app' }).roles).toEqual([
      { value: 'a', type: 'app' },
      { value: 'b', type: 'app' },
    ]);
  });
});

describe('applyPatch: clearing', () => {
  it.each([
    ['replace with ""', { op: 'Replace', path: 'title', value: '' }],
    ['replace with null', { op: 'replace', path: 'title', value: null }],
    ['add with null', { op: 'add', path: 'title', value: null }],
    ['remove', { op: 'remove', path: 'title' }],
  ])('%s clears an optional attribute (Logic App SCIM_Null_Update_Test)', (_, op) => {
    expect(patch(aliceDoc(), op)).not.toHaveProperty('title');
  });

  it('removes a sub-attribute and drops a complex attribute left empty', () => {
    const doc = patch(aliceDoc(), { op: 'remove', path: 'name.givenName' }, { op: 'remove', path: 'name.familyName' });
    expect(doc.name).toEqual({ formatted: 'Alice Liddell' });
    expect(patch(doc, { op: 'replace', path: 'name.formatted', value: null })).not.toHaveProperty('name');
  });

  it('clears sub-attributes given as null inside a complex value, keeping the others', () => {
    const doc = patch(aliceDoc(), { op: 'replace', path: 'name', value: { givenName: null, middleName: 'P' } });
    expect(doc.name).toEqual({ formatted: 'Alice Liddell', familyName: 'Liddell', middleName: 'P' });
  });

  it('removing an attribute that is not there is a no-op', () => {
    expect(patch(aliceDoc(), { op: 'remove', path: 'nickName' })).toEqual(aliceDoc());
  });

  it.each([
    ['remove userName', { op: 'remove', path: 'userName' }],
    ['replace userName with ""', { op: 'replace', path: 'userName', value: '' }],
    ['replace userName with blanks', { op: 'replace', path: 'userName', value: '   ' }],
    ['remove externalId', { op: 'remove', path: 'externalId' }],
    ['remove id', { op: 'remove', path: 'id' }],
  ])('refuses to %s (invalid_value)', (_, op) => {
    expect(patchError(aliceDoc(), op).code).toBe('invalid_value');
  });

  it('refuses remove without a path with no_target (RFC 7644 §3.5.2.2)', () => {
    const e = patchError(aliceDoc(), { op: 'remove', value: { title: 'x' } });
    expect(e.code).toBe('no_target');
  });
});

describe('applyPatch: mutability and special attributes', () => {
  it.each([
    ['meta', { op: 'replace', path: 'meta', value: { created: 'x' } }],
    ['meta.created', { op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }],
    ['groups', { op: 'add', path: 'groups', value: [{ value: 'g1' }] }],
    ['groups in a pathless value', { op: 'replace', value: { groups: [] } }],
    ['manager.displayName', { op: 'replace', path: `${ENT}:manager.displayName`, value: 'Boss' }],
  ])('refuses to change %s with mutability', (_, op) => {
    expect(patchError(aliceDoc(), op).code).toBe('mutability');
  });

  it('drops a readOnly sub-attribute inside a complex value instead of failing', () => {
    const doc = patch(aliceDoc(), { op: 'replace', path: `${ENT}:manager`, value: { value: 'b2', displayName: 'Bob' } });
    expect((doc[ENT] as Record<string, unknown>).manager).toEqual({ value: 'b2' });
  });

  it('treats id as an alias of externalId (both are the extern_uid)', () => {
    expect(patch(aliceDoc(), { op: 'replace', path: 'id', value: 'new-uid' }).externalId).toBe('new-uid');
    expect(patch(aliceDoc(), { op: 'replace', value: { id: 'other-uid' } }).externalId).toBe('other-uid');
    expect(patch(aliceDoc(), { op: 'replace', path: 'id', value: 'x' })).not.toHaveProperty('id');
  });

  it('accepts password and discards it', () => {
    const doc = patch(aliceDoc(), { op: 'replace', path: 'password', value: 's3cret' }, { op: 'replace', value: { password: 'x', title: 'T' } });
    expect(doc).not.toHaveProperty('password');
    expect(doc.title).toBe('T');
    expect(JSON.stringify(doc)).not.toContain('s3cret');
  });

  it('leaves schemas untouched', () => {
    expect(patch(aliceDoc(), { op: 'replace', path: 'schemas', value: ['urn:x'] }).schemas).toEqual([CORE, ENT]);
    expect(patch(aliceDoc(), { op: 'replace', value: { schemas: ['urn:x'], title: 'T' } }).schemas).toEqual([CORE, ENT]);
  });
});

describe('applyPatch: booleans', () => {
  it.each([
    [true, true],
    [false, false],
    ['True', true],
    ['False', false],
    ['true', true],
    ['false', false],
    ['FALSE', false],
  ])('stores %p for active as the JSON boolean %p', (value, stored) => {
    expect(patch(aliceDoc(), { op: 'Replace', path: 'active', value }).active).toBe(stored);
  });

  it.each(['yes', '0', 'Falsch', 1, { value: false }])('refuses %p for active with invalid_value', (value) => {
    const e = patchError(aliceDoc(), { op: 'replace', path: 'active', value });
    expect(e.code).toBe('invalid_value');
    expect(e.message).toContain('active');
  });

  it('coerces emails.primary given as a string', () => {
    const doc = patch(aliceDoc(), { op: 'add', path: 'emails', value: [{ value: 'x@y', type: 'home', primary: 'False' }] });
    expect((doc.emails as unknown[])[1]).toEqual({ value: 'x@y', type: 'home', primary: false });
  });

  it('refuses values of the wrong type for known attributes', () => {
    expect(patchError(aliceDoc(), { op: 'replace', path: 'userName', value: 42 }).code).toBe('invalid_value');
    expect(patchError(aliceDoc(), { op: 'replace', path: 'name', value: 7 }).code).toBe('invalid_value');
    expect(patchError(aliceDoc(), { op: 'replace', path: 'emails', value: [{ value: true }] }).code).toBe('invalid_value');
  });
});

describe('applyPatch: atomicity', () => {
  it('applies nothing when a later operation fails, and names the failing one', () => {
    const before = deepFreeze(aliceDoc());
    const body = {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'displayName', value: 'Changed' },
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'changed@x' },
        { op: 'replace', path: 'active', value: 'maybe' },
      ],
    };
    const e = errorOf(() => applyPatch(before, body));
    expect(e.code).toBe('invalid_value');
    expect(e.options.operationIndex).toBe(2);
    expect(e.message).toMatch(/^Operation 3 \(replace "active"\): /);
    expect(before).toEqual(aliceDoc());
  });

  it('quotes the failing path in the detail', () => {
    const e = patchError(aliceDoc(), { op: 'Replace', path: 'emails[type eq "work"].value', value: 5 });
    expect(e.message).toMatch(/^Operation 1 \(replace "emails\[type eq \\"work\\"\]\.value"\): /);
  });

  it('returns a new doc and never mutates the input', () => {
    const before = aliceDoc();
    const { doc } = applyPatch(before, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'name.givenName', value: 'X' }] });
    expect(before).toEqual(aliceDoc());
    expect(doc).not.toBe(before);
  });

  it('lets later operations see the effect of earlier ones', () => {
    const doc = patch(
      aliceDoc(),
      { op: 'remove', path: 'emails' },
      { op: 'add', path: 'emails[type eq "work"].value', value: 'w@x' },
      { op: 'replace', path: 'emails[type eq "work"].primary', value: true },
    );
    expect(doc.emails).toEqual([{ type: 'work', value: 'w@x', primary: true }]);
  });
});

describe('applyPatch: limits that keep hostile input from reaching the database', () => {
  const doc = aliceDoc();

  it('refuses a userName or an email value over 255 characters with invalid_value, naming the attribute', () => {
    expect(patch(doc, { op: 'replace', path: 'userName', value: `${'u'.repeat(245)}@acme.com` }).userName).toHaveLength(254);
    const long = patchError(doc, { op: 'replace', path: 'userName', value: 'u'.repeat(256) });
    expect(long.code).toBe('invalid_value');
    expect(long.message).toBe('Operation 1 (replace "userName"): userName is longer than 255 characters');
    const email = patchError(doc, { op: 'replace', path: 'emails[type eq "work"].value', value: `${'e'.repeat(300)}@acme.com` });
    expect(email.message).toMatch(/emails\.value is longer than 255 characters$/);
    // Attributes that are not indexed keep any length.
    expect(patch(doc, { op: 'replace', path: 'title', value: 't'.repeat(10_000) }).title).toHaveLength(10_000);
  });

  it('refuses more than 100 values in a multi-valued attribute, also when an add would reach 101', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => ({ value: `+1 555 ${i}` }));
    expect((patch(doc, { op: 'replace', path: 'phoneNumbers', value: hundred }).phoneNumbers as unknown[]).length).toBe(100);
    const e = patchError(doc, { op: 'replace', path: 'phoneNumbers', value: [...hundred, { value: 'one more' }] });
    expect(e.code).toBe('invalid_value');
    expect(e.message).toMatch(/phoneNumbers holds 101 values; at most 100 are accepted$/);
    const full = patch(doc, { op: 'replace', path: 'phoneNumbers', value: hundred });
    expect(patchError(full, { op: 'add', path: 'phoneNumbers', value: [{ value: 'one more' }] }).message).toMatch(/holds 101 values/);
  });

  it('refuses a value filter nested deeper than 50 parentheses with invalid_path, without overflowing the stack', () => {
    const deep = (n: number) => `emails[${'('.repeat(n)}type eq "work"${')'.repeat(n)}].value`;
    expect((patch(doc, { op: 'replace', path: deep(50), value: 'x@acme.com' }).emails as { value: string }[])[0].value).toBe('x@acme.com');
    const e = patchError(doc, { op: 'replace', path: deep(5000), value: 'x@acme.com' });
    expect(e.code).toBe('invalid_path');
    expect(e.message).toMatch(/parentheses nested more than 50 deep/);
    expect(e.message.length).toBeLessThan(600);
  });
});
