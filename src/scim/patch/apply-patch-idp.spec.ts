/**
 * The PATCH shapes Okta and Entra really send (idp-clients.md §1.4, §2.4, §2.5, checklist §5.F),
 * plus pathless merges and enterprise-extension paths.
 */
import { ENT, aliceDoc, patch, patchError } from './patch-test-helpers.js';

const ext = (doc: Record<string, unknown>) => doc[ENT] as Record<string, unknown> | undefined;

describe('Okta shapes', () => {
  it('deactivates with a pathless replace {"active":false} (F.59)', () => {
    expect(patch(aliceDoc(), { op: 'replace', value: { active: false } }).active).toBe(false);
  });

  it('reactivates with {"active":true} (F.60)', () => {
    const inactive = { ...aliceDoc(), active: false };
    expect(patch(inactive, { op: 'replace', value: { active: true } }).active).toBe(true);
  });

  it('syncs a password without storing it', () => {
    expect(patch(aliceDoc(), { op: 'replace', value: { password: 'Hunter2!' } })).toEqual(aliceDoc());
  });
});

describe('Entra shapes without aadOptscim062020', () => {
  it('disables with Replace active "False" and stores the boolean (F.61)', () => {
    const doc = patch(aliceDoc(), { op: 'Replace', path: 'active', value: 'False' });
    expect(doc.active).toBe(false);
    expect(patch(doc, { op: 'Replace', path: 'active', value: 'True' }).active).toBe(true);
  });

  it('replaces the work email and the family name in one request (F.64)', () => {
    const doc = patch(aliceDoc(), { op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@acme.com' }, { op: 'Replace', path: 'name.familyName', value: 'New' });
    expect(doc.emails).toEqual([{ value: 'new@acme.com', type: 'work', primary: true }]);
    expect(doc.name).toEqual({ formatted: 'Alice Liddell', givenName: 'Alice', familyName: 'New' });
  });

  it('adds a work email with Add emails[type eq "work"].value', () => {
    const { emails: _, ...noEmails } = aliceDoc();
    expect(patch(noEmails, { op: 'Add', path: 'emails[type eq "work"].value', value: 'w@acme.com' }).emails).toEqual([{ type: 'work', value: 'w@acme.com' }]);
  });

  it('adds name.givenName', () => {
    expect((patch(aliceDoc(), { op: 'Add', path: 'name.givenName', value: 'Al' }).name as Record<string, unknown>).givenName).toBe('Al');
  });

  it('renames userName (F.65) and sets nickName with Add (F.66)', () => {
    const doc = patch(aliceDoc(), { op: 'Replace', path: 'userName', value: 'renamed@acme.com' }, { op: 'Add', path: 'nickName', value: 'Babs' });
    expect(doc).toMatchObject({ userName: 'renamed@acme.com', nickName: 'Babs' });
  });

  it('replaces externalId (F.69)', () => {
    expect(patch(aliceDoc(), { op: 'Replace', path: 'externalId', value: 'Eqpj' }).externalId).toBe('Eqpj');
  });

  it('replaces the one-by-one attributes of a multi-attribute update, including an extension one', () => {
    const doc = patch(
      aliceDoc(),
      { op: 'Replace', path: 'displayName', value: 'D' },
      { op: 'Replace', path: 'name.givenName', value: 'G' },
      { op: 'Replace', path: `${ENT}:employeeNumber`, value: '42' },
    );
    expect(doc.displayName).toBe('D');
    expect(ext(doc)!.employeeNumber).toBe('42');
  });

  it('stores phone numbers and addresses exactly as sent (F.71)', () => {
    const doc = patch(
      aliceDoc(),
      { op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 (555) 0101' },
      { op: 'Replace', path: 'addresses[type eq "work"].streetAddress', value: '1 Way' },
    );
    expect(doc.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 (555) 0101' }]);
    expect(doc.addresses).toEqual([{ type: 'work', streetAddress: '1 Way' }]);
  });

  it('matches path attribute names in any case (F.72)', () => {
    const doc = patch(aliceDoc(), { op: 'Replace', path: 'emails[type eq "work"].Value', value: 'v@x' }, { op: 'Replace', path: 'name.GivenName', value: 'g' });
    expect(doc.emails).toEqual([{ value: 'v@x', type: 'work', primary: true }]);
    expect((doc.name as Record<string, unknown>).givenName).toBe('g');
  });
});

describe('Entra shapes with aadOptscim062020', () => {
  it('disables with a real boolean (F.62)', () => {
    expect(patch(aliceDoc(), { op: 'replace', path: 'active', value: false }).active).toBe(false);
  });

  it('applies every key of a pathless replace: plain, dotted and URN-prefixed (F.67)', () => {
    const doc = patch(aliceDoc(), {
      op: 'replace',
      value: {
        displayName: 'D',
        'name.givenName': 'G',
        'name.familyName': 'F',
        [`${ENT}:employeeNumber`]: '42',
        [`${ENT}:department`]: 'Sales',
        active: true,
      },
    });
    expect(doc).toMatchObject({ displayName: 'D', name: { formatted: 'Alice Liddell', givenName: 'G', familyName: 'F' }, active: true });
    expect(ext(doc)).toEqual({ employeeNumber: '42', department: 'Sales', manager: { value: 'boss1' } });
    expect(Object.keys(doc)).not.toContain('name.givenName');
    expect(Object.keys(doc)).not.toContain(`${ENT}:employeeNumber`);
  });

  it('applies a pathless value with a filtered email key next to a filtered-path replace', () => {
    const doc = patch(
      aliceDoc(),
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'w2@acme.com' },
      { op: 'replace', value: { 'emails[type eq "work"].primary': 'true', externalId: 'e2' } },
    );
    expect(doc.emails).toEqual([{ value: 'w2@acme.com', type: 'work', primary: true }]);
    expect(doc.externalId).toBe('e2');
  });

  it('refuses a pathless value that is not an object', () => {
    expect(patchError(aliceDoc(), { op: 'replace', value: 'x' }).code).toBe('invalid_value');
    expect(patchError(aliceDoc(), { op: 'add', value: [{ title: 'x' }] }).code).toBe('invalid_value');
  });

  it('names the failing key of a pathless value', () => {
    const e = patchError(aliceDoc(), { op: 'replace', value: { displayName: 'ok', 'bad key': 1 } });
    expect(e.code).toBe('invalid_path');
    expect(e.message).toMatch(/^Operation 1 \(replace\): attribute "bad key": /);
  });
});

describe('pathless merges (RFC 7644 §3.5.2.1/§3.5.2.3)', () => {
  it('keeps the other name sub-attributes when a nested name is replaced (F.68)', () => {
    const doc = patch(aliceDoc(), { op: 'replace', value: { name: { givenName: 'G2' } } });
    expect(doc.name).toEqual({ formatted: 'Alice Liddell', givenName: 'G2', familyName: 'Liddell' });
  });

  it('appends to a multi-valued attribute on add and replaces it on replace', () => {
    const item = { value: 'h@x', type: 'home' };
    expect(patch(aliceDoc(), { op: 'add', value: { emails: [item] } }).emails).toHaveLength(2);
    expect(patch(aliceDoc(), { op: 'replace', value: { emails: [item] } }).emails).toEqual([item]);
  });

  it('stores keys under their canonical names, unknown keys as sent', () => {
    const doc = patch(aliceDoc(), { op: 'add', value: { NickName: 'N', USERTYPE: 'Employee', favouriteColour: 'teal' } });
    expect(doc).toMatchObject({ nickName: 'N', userType: 'Employee', favouriteColour: 'teal' });
    expect(doc).not.toHaveProperty('NickName');
  });

  it('clears attributes whose value is null or ""', () => {
    const doc = patch(aliceDoc(), { op: 'replace', value: { title: null, displayName: '' } });
    expect(doc).not.toHaveProperty('title');
    expect(doc).not.toHaveProperty('displayName');
  });

  it('merges a whole extension object key by key', () => {
    const doc = patch(aliceDoc(), { op: 'replace', value: { [ENT]: { costCenter: 'CC1', department: null } } });
    expect(ext(doc)).toEqual({ employeeNumber: '7', costCenter: 'CC1', manager: { value: 'boss1' } });
  });

  it('stores a custom extension attribute under its extension URN (Entra flattened custom keys)', () => {
    const urn = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
    const doc = patch(aliceDoc(), { op: 'replace', value: { [`${urn}:badge`]: 'B-1' } });
    expect(doc[urn]).toEqual({ badge: 'B-1' });
    expect(patch(doc, { op: 'replace', path: `${urn}:badge`, value: 'B-2' })[urn]).toEqual({ badge: 'B-2' });
  });

  it('keeps an unknown URN key with an object value, or one too short to split, as one attribute', () => {
    expect(patch(aliceDoc(), { op: 'add', value: { 'urn:example:ext:User': { a: 1 } } })['urn:example:ext:User']).toEqual({ a: 1 });
    expect(patch(aliceDoc(), { op: 'add', path: 'urn:x', value: 'v' })['urn:x']).toBe('v');
  });
});

describe('enterprise extension paths', () => {
  it('replaces department (F.70) and employeeNumber through URN paths', () => {
    const doc = patch(aliceDoc(), { op: 'Replace', path: `${ENT}:department`, value: 'R&D 2' }, { op: 'add', path: `${ENT.toLowerCase()}:EmployeeNumber`, value: '8' });
    expect(ext(doc)).toMatchObject({ department: 'R&D 2', employeeNumber: '8' });
  });

  it('creates the extension object when the user has none', () => {
    const { [ENT]: _, ...plain } = aliceDoc();
    expect(patch(plain, { op: 'add', path: `${ENT}:costCenter`, value: 'CC' })[ENT]).toEqual({ costCenter: 'CC' });
  });

  it('sets the manager from {"value":…}, from a bare string, and through manager.value (F.73)', () => {
    const fromObject = patch(aliceDoc(), { op: 'Replace', path: `${ENT}:manager`, value: { value: 'm1' } });
    expect(ext(fromObject)!.manager).toEqual({ value: 'm1' });
    const fromString = patch(aliceDoc(), { op: 'Replace', path: `${ENT}:manager`, value: 'm2' });
    expect(ext(fromString)!.manager).toEqual({ value: 'm2' });
    const fromSub = patch(aliceDoc(), { op: 'replace', path: `${ENT}:manager.value`, value: 'm3' });
    expect(ext(fromSub)!.manager).toEqual({ value: 'm3' });
  });

  it("accepts Entra's older unqualified manager path with a one-element list", () => {
    const doc = patch(aliceDoc(), { op: 'Add', path: 'manager', value: [{ $ref: 'https://idp/Users/m4', value: 'm4' }] });
    expect(ext(doc)!.manager).toEqual({ $ref: 'https://idp/Users/m4', value: 'm4' });
  });

  it('removes the manager with no value, and with Replace "" (F.73), dropping an emptied extension', () => {
    expect(ext(patch(aliceDoc(), { op: 'Remove', path: `${ENT}:manager` }))).toEqual({ employeeNumber: '7', department: 'R&D' });
    expect(ext(patch(aliceDoc(), { op: 'Replace', path: `${ENT}:manager`, value: '' }))).not.toHaveProperty('manager');
    const onlyManager = { ...aliceDoc(), [ENT]: { manager: { value: 'b' } } };
    expect(Object.keys(patch(onlyManager, { op: 'remove', path: `${ENT}:manager` }))).not.toContain(ENT);
  });

  it('replaces and removes the whole extension object', () => {
    const doc = patch(aliceDoc(), { op: 'replace', path: ENT, value: { division: 'North' } });
    expect(ext(doc)).toEqual({ employeeNumber: '7', department: 'R&D', manager: { value: 'boss1' }, division: 'North' });
    expect(Object.keys(patch(aliceDoc(), { op: 'remove', path: ENT }))).not.toContain(ENT);
  });

  it('refuses a filter on the extension URN itself', () => {
    expect(patchError(aliceDoc(), { op: 'remove', path: `${ENT}[value eq "x"]` }).code).toBe('invalid_path');
  });
});
