import { DomainError } from '../../common/domain-error.js';
import { parseGroupDocument, parseGroupPatch } from './group-patch.js';

const ID = '4f1c0e2a-0000-4000-8000-000000000001';
const patch = (...Operations: unknown[]) => parseGroupPatch({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations }, ID);
const errorOf = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('no error');
};

describe('parseGroupPatch', () => {
  it('reads Okta membership PATCHes: remove by filter, add with values', () => {
    expect(patch({ op: 'remove', path: 'members[value eq "u1"]' }, { op: 'add', path: 'members', value: [{ value: 'u2', display: 'u2@x' }] })).toEqual({
      members: [
        { kind: 'remove', values: ['u1'] },
        { kind: 'add', values: ['u2'] },
      ],
    });
  });

  it("reads Entra's capitalised Add/Remove with value arrays, and $ref: null", () => {
    expect(patch({ op: 'Add', path: 'members', value: [{ $ref: null, value: 'a' }, { value: 'b' }] }, { op: 'Remove', path: 'members', value: [{ value: 'a' }] }).members).toEqual([
      { kind: 'add', values: ['a', 'b'] },
      { kind: 'remove', values: ['a'] },
    ]);
  });

  it('reads a full replace, a remove of all members, and several ids joined by or', () => {
    expect(patch({ op: 'replace', path: 'members', value: [] }, { op: 'remove', path: 'members' }, { op: 'remove', path: 'members[value eq "x" or value eq "y"]' }).members).toEqual([
      { kind: 'replace', values: [] },
      { kind: 'removeAll' },
      { kind: 'remove', values: ['x', 'y'] },
    ]);
  });

  it("accepts Okta's pathless rename carrying the group's own id, and Entra's displayName replace", () => {
    expect(patch({ op: 'replace', value: { id: ID, displayName: 'New' } })).toEqual({ displayName: 'New', members: [] });
    expect(patch({ op: 'Replace', path: 'DisplayName', value: 'Other' })).toEqual({ displayName: 'Other', members: [] });
    expect(patch({ op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:Group:displayName', value: 'Urn' }).displayName).toBe('Urn');
    expect(patch({ op: 'replace', value: { externalId: 'e1', members: [{ value: 'm' }] } })).toEqual({ externalId: 'e1', members: [{ kind: 'replace', values: ['m'] }] });
  });

  it.each([
    [{ op: 'move', path: 'members' }, 'invalid_syntax'],
    [{ op: 'add', path: 'members' }, 'invalid_syntax'],
    [{ op: 'remove', path: 'displayName' }, 'mutability'],
    [{ op: 'replace', value: { id: 'someone-else' } }, 'mutability'],
    [{ op: 'replace', path: 'id', value: 'x' }, 'mutability'],
    [{ op: 'replace', path: 'title', value: 'x' }, 'invalid_path'],
    [{ op: 'replace', path: 'members[value eq "x"]', value: [] }, 'invalid_path'],
    [{ op: 'remove', path: 'members[display eq "x"]' }, 'invalid_filter'],
    [{ op: 'remove' }, 'no_target'],
    [{ op: 'add', path: 'members', value: [{ display: 'no value' }] }, 'invalid_value'],
    [{ op: 'replace', path: 'displayName', value: '' }, 'invalid_value'],
  ])('refuses %j with %s, naming the operation', (operation, code) => {
    const error = errorOf(() => patch({ op: 'add', path: 'members', value: [] }, operation));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^Operation 2: /);
    expect(error.options.operationIndex).toBe(1);
  });

  it('refuses a body without Operations, or with another schema', () => {
    expect(errorOf(() => parseGroupPatch({ Operations: [] }, ID)).code).toBe('invalid_syntax');
    expect(errorOf(() => parseGroupPatch({ schemas: ['urn:x'], Operations: [{ op: 'remove', path: 'members' }] }, ID)).code).toBe('invalid_syntax');
  });
});

describe('parseGroupDocument', () => {
  it('reads displayName, externalId and members; tolerates unknown schemas and meta', () => {
    expect(parseGroupDocument({ schemas: ['urn:x'], displayName: 'G', externalId: 'e', meta: { resourceType: 'Group' }, members: [{ value: 'a' }, 'b'] })).toEqual({
      displayName: 'G',
      externalId: 'e',
      members: ['a', 'b'],
    });
    expect(parseGroupDocument({ displayName: 'G' })).toEqual({ displayName: 'G', externalId: null, members: [] });
  });

  it('requires displayName', () => {
    expect(errorOf(() => parseGroupDocument({ members: [] })).code).toBe('invalid_value');
    expect(errorOf(() => parseGroupDocument([])).code).toBe('invalid_syntax');
  });
});
