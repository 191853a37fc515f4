import { applyPut } from './apply-put.js';
import { describeChanges } from './describe-changes.js';
import { ENT, aliceDoc, patch } from './patch-test-helpers.js';

describe('describeChanges', () => {
  it('reports nothing for an unchanged doc', () => {
    expect(describeChanges(aliceDoc(), aliceDoc())).toEqual({ profileChanged: false, changedAttributes: [] });
  });

  it('reports deactivation and reactivation with the new value', () => {
    const inactive = patch(aliceDoc(), { op: 'Replace', path: 'active', value: 'False' });
    expect(describeChanges(aliceDoc(), inactive)).toEqual({ activeChanged: false, profileChanged: false, changedAttributes: ['active'] });
    expect(describeChanges(inactive, aliceDoc()).activeChanged).toBe(true);
  });

  it('does not report active for a PUT that omits it', () => {
    const { active: _, ...body } = aliceDoc();
    const after = applyPut({ ...aliceDoc(), active: false }, { ...body, title: 'New' }).doc;
    const changes = describeChanges({ ...aliceDoc(), active: false }, after);
    expect(changes.activeChanged).toBeUndefined();
    expect(changes.changedAttributes).toEqual(['title']);
  });

  it('reports an externalId change with old and new values, also through the id alias', () => {
    const after = patch(aliceDoc(), { op: 'replace', path: 'id', value: 'b9' });
    expect(describeChanges(aliceDoc(), after).externalIdChanged).toEqual({ from: 'a1b2c3', to: 'b9' });
  });

  it('reports a change of case in externalId (the service decides what it means)', () => {
    const after = patch(aliceDoc(), { op: 'replace', path: 'externalId', value: 'A1B2C3' });
    expect(describeChanges(aliceDoc(), after).externalIdChanged).toEqual({ from: 'a1b2c3', to: 'A1B2C3' });
  });

  it.each([
    ['userName', { op: 'replace', path: 'userName', value: 'x@acme.com' }],
    ['name', { op: 'replace', path: 'name.givenName', value: 'X' }],
    ['displayName', { op: 'remove', path: 'displayName' }],
    ['emails', { op: 'Replace', path: 'emails[type eq "work"].value', value: 'x@acme.com' }],
  ])('flags a %s change as a profile change', (attribute, op) => {
    const changes = describeChanges(aliceDoc(), patch(aliceDoc(), op));
    expect(changes.profileChanged).toBe(true);
    expect(changes.changedAttributes).toEqual([attribute]);
  });

  it('does not flag other attributes as profile changes', () => {
    const changes = describeChanges(aliceDoc(), patch(aliceDoc(), { op: 'replace', value: { title: 'T', nickName: 'N' } }));
    expect(changes).toEqual({ profileChanged: false, changedAttributes: ['nickName', 'title'] });
  });

  it('lists extension attributes with their URN', () => {
    const after = patch(aliceDoc(), { op: 'replace', path: `${ENT}:department`, value: 'Ops' }, { op: 'remove', path: `${ENT}:manager` });
    expect(describeChanges(aliceDoc(), after).changedAttributes).toEqual([`${ENT}:department`, `${ENT}:manager`]);
    const { [ENT]: _, ...without } = aliceDoc();
    expect(describeChanges(without, aliceDoc()).changedAttributes).toEqual([`${ENT}:department`, `${ENT}:employeeNumber`, `${ENT}:manager`]);
  });
});
