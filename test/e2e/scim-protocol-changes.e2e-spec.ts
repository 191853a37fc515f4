import { setUpGroup, setUpInstance } from '../support/fixtures.js';
import { createPlatformUser, membership, userIdByEmail } from '../support/platform-users.js';
import { ENTERPRISE_SCHEMA, expectScimError, patchOp, ScimClient, scimClient, userPath } from '../support/scim-protocol-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * PATCH and PUT end to end through HTTP (scim-api.md "Changing a user"): every path form, pathless
 * values, op case, clearing, string booleans, atomicity, PUT's replace semantics, and what reaches
 * the database — the stored document, its version, the platform account and the audit trail.
 */

const SCOPES = [
  ['group scope', async (t: TestApp) => ({ ...(await setUpGroup(t, 'acme')), groupId: true })],
  ['instance scope', async (t: TestApp) => ({ ...(await setUpInstance(t)), groupId: false })],
] as const;

let sequence = 0;
function person(overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_SCHEMA],
    userName: `p${sequence}@acme.com`,
    externalId: `ext-${sequence}`,
    name: { givenName: 'Pat', familyName: `Person${sequence}`, middleName: 'Q' },
    displayName: `Pat Person${sequence}`,
    title: 'Engineer',
    emails: [
      { value: `p${sequence}@acme.com`, type: 'work', primary: true },
      { value: `p${sequence}@home.test`, type: 'home' },
    ],
    phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
    [ENTERPRISE_SCHEMA]: { employeeNumber: '100', department: 'R&D' },
    active: true,
    ...overrides,
  };
}

async function storedRow(t: TestApp, externUid: string) {
  const rows = await t.sql<{ attributes: string; version: number | string; active: unknown }>('SELECT attributes, version, active FROM scim_identities WHERE extern_uid_lower = ?', [
    externUid.toLowerCase(),
  ]);
  return rows.map((r) => ({ attributes: JSON.parse(r.attributes) as Record<string, any>, version: Number(r.version), active: Boolean(r.active) }));
}

describe.each(SCOPES)('SCIM PATCH and PUT at %s', (_scope, setUp) => {
  let t: TestApp;
  let scim: ScimClient;
  let grouped: boolean;

  beforeAll(async () => {
    t = await startTestApp();
    const s = await setUp(t);
    grouped = s.groupId;
    scim = scimClient(t, s.base, s.scimToken);
  });
  afterAll(async () => t.close());

  async function fresh(overrides: Record<string, unknown> = {}) {
    const body = person(overrides);
    await scim.create(body);
    return body;
  }
  const read = async (id: string) => (await scim.get(userPath(id)).expect(200)).body as Record<string, any>;
  const patch = (id: string, ...ops: Record<string, unknown>[]) => scim.patch(userPath(id), patchOp(...ops));

  describe('PATCH paths', () => {
    it('replaces a simple attribute and answers 204 with an empty body and a new ETag', async () => {
      const p = await fresh();
      const res = await patch(p.externalId, { op: 'replace', path: 'displayName', value: 'Renamed' });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(res.headers.etag).toBe('W/"2"');
      expect((await read(p.externalId)).displayName).toBe('Renamed');
      expect((await storedRow(t, p.externalId))[0]).toMatchObject({ version: 2, attributes: { displayName: 'Renamed' } });
    });

    it.each(['add', 'Add', 'ADD', 'replace', 'Replace', 'REPLACE'])('matches op %j case-insensitively', async (op) => {
      const p = await fresh();
      await patch(p.externalId, { op, path: 'nickName', value: 'Babs' }).expect(204);
      expect((await read(p.externalId)).nickName).toBe('Babs');
    });

    it.each(['remove', 'Remove', 'REMOVE'])('removes with op %j', async (op) => {
      const p = await fresh();
      await patch(p.externalId, { op, path: 'title' }).expect(204);
      expect((await read(p.externalId)).title).toBeUndefined();
    });

    it('replaces a sub-attribute and keeps its siblings, with path names in any case', async () => {
      const p = await fresh();
      await patch(p.externalId, { op: 'Replace', path: 'name.GivenName', value: 'Patricia' }).expect(204);
      expect((await read(p.externalId)).name).toEqual({ givenName: 'Patricia', familyName: p.name.familyName, middleName: 'Q' });
    });

    it('replaces a value-filtered sub-attribute, keeping type and primary (Entra)', async () => {
      const p = await fresh();
      await patch(p.externalId, { op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@acme.com' }, { op: 'Replace', path: 'name.familyName', value: 'New' }).expect(204);
      const after = await read(p.externalId);
      expect(after.emails).toEqual([{ value: 'new@acme.com', type: 'work', primary: true }, p.emails[1]]);
      expect(after.name.familyName).toBe('New');
      expect((await scim.find('emails[type eq "work"].value eq "NEW@acme.com"')).Resources.map((r) => r.id)).toEqual([p.externalId]);
      expect((await scim.find(`emails.value eq "${p.emails[0].value}"`)).totalResults).toBe(0);
    });

    it('addresses an element by primary eq true', async () => {
      const p = await fresh();
      await patch(p.externalId, { op: 'replace', path: 'emails[primary eq true].display', value: 'Work mail' }).expect(204);
      expect((await read(p.externalId)).emails[0]).toEqual({ ...p.emails[0], display: 'Work mail' });
    });

    it('creates the typed element a value-filtered replace names when none exists yet', async () => {
      const p = await fresh();
      await patch(
        p.externalId,
        { op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0101' },
        { op: 'Replace', path: 'addresses[type eq "work"].streetAddress', value: '1 Way' },
      ).expect(204);
      const after = await read(p.externalId);
      expect(after.phoneNumbers).toEqual([
        { value: '+1 555 0100', type: 'work' },
        { type: 'mobile', value: '+1 555 0101' },
      ]);
      expect(after.addresses).toEqual([{ type: 'work', streetAddress: '1 Way' }]);
    });

    it('removes the elements a filter matches, and only those', async () => {
      const p = await fresh();
      await patch(p.externalId, { op: 'remove', path: 'emails[type eq "home"]' }).expect(204);
      expect((await read(p.externalId)).emails).toEqual([p.emails[0]]);
      // Removing what is not there is not an error (an IdP's retried removal).
      await patch(p.externalId, { op: 'remove', path: 'emails[type eq "home"]' }).expect(204);
    });

    it('adds to a multi-valued attribute without duplicating an existing value', async () => {
      const p = await fresh();
      await patch(p.externalId, { op: 'add', path: 'emails', value: [p.emails[1], { value: 'third@x.com', type: 'other' }] }).expect(204);
      expect((await read(p.externalId)).emails).toEqual([...p.emails, { value: 'third@x.com', type: 'other' }]);
    });

    it('writes extension attributes by URN path, and stores values exactly as sent', async () => {
      const p = await fresh();
      await patch(
        p.externalId,
        { op: 'Replace', path: `${ENTERPRISE_SCHEMA}:department`, value: ' R&D / Ünits ' },
        { op: 'Add', path: `${ENTERPRISE_SCHEMA}:manager`, value: [{ $ref: 'https://x/Users/m1', value: 'm1' }] },
      ).expect(204);
      const after = await read(p.externalId);
      expect(after[ENTERPRISE_SCHEMA]).toEqual({ employeeNumber: '100', department: ' R&D / Ünits ', manager: { $ref: 'https://x/Users/m1', value: 'm1' } });
      expect(after.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_SCHEMA]);
      await patch(p.externalId, { op: 'Replace', path: `${ENTERPRISE_SCHEMA}:manager`, value: '' }).expect(204);
      expect((await read(p.externalId))[ENTERPRISE_SCHEMA].manager).toBeUndefined();
    });
  });

  describe('pathless PATCH', () => {
    it("applies every key of the value, dotted and URN-qualified ones included (Entra's aadOptscim062020)", async () => {
      const p = await fresh();
      await patch(p.externalId, {
        op: 'replace',
        value: {
          displayName: 'D',
          'name.givenName': 'G',
          'name.familyName': 'F',
          [`${ENTERPRISE_SCHEMA}:employeeNumber`]: '42',
          title: 'Boss',
        },
      }).expect(204);
      const after = await read(p.externalId);
      expect(after).toMatchObject({ displayName: 'D', name: { givenName: 'G', familyName: 'F', middleName: 'Q' }, title: 'Boss' });
      expect(after[ENTERPRISE_SCHEMA]).toEqual({ employeeNumber: '42', department: 'R&D' });
    });

    it('merges the RFC nested form, leaving other sub-attributes as they were', async () => {
      const p = await fresh();
      await patch(p.externalId, { op: 'replace', value: { name: { givenName: 'G2' } } }).expect(204);
      expect((await read(p.externalId)).name).toEqual({ givenName: 'G2', familyName: p.name.familyName, middleName: 'Q' });
    });

    it("deactivates and reactivates with Okta's pathless {active:false}/{active:true}", async () => {
      const p = await fresh();
      await patch(p.externalId, { op: 'replace', value: { active: false } }).expect(204);
      expect((await read(p.externalId)).active).toBe(false);
      await patch(p.externalId, { op: 'replace', value: { active: true } }).expect(204);
      expect((await read(p.externalId)).active).toBe(true);
    });

    it("applies GitLab's documented PATCH bodies, which carry no schemas", async () => {
      const p = await fresh();
      await scim.patch(userPath(p.externalId), { Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }).expect(204);
      expect((await read(p.externalId)).active).toBe(false);
      await scim.patch(userPath(p.externalId), { Operations: [{ op: 'Replace', path: 'active', value: 'True' }] }).expect(204);
      expect((await read(p.externalId)).active).toBe(true);
      await scim.patch(userPath(p.externalId), { Operations: [{ op: 'Replace', path: 'name.formatted', value: 'New Name' }] }).expect(204);
      expect((await read(p.externalId)).name.formatted).toBe('New Name');
    });

    it('tolerates the id inside a pathless value when it is the resource’s own', async () => {
      const p = await fresh();
      await patch(p.externalId, { op: 'replace', value: { id: p.externalId, displayName: 'With id' } }).expect(204);
      expect(await read(p.externalId)).toMatchObject({ id: p.externalId, displayName: 'With id' });
    });
  });

  describe('values', () => {
    it.each([
      ['"False"', 'False', false],
      ['"false"', 'false', false],
      ['false', false, false],
      ['"True"', 'True', true],
    ])('coerces active %s to the boolean', async (_label, value, expected) => {
      const p = await fresh({ active: !expected });
      await patch(p.externalId, { op: 'Replace', path: 'active', value }).expect(204);
      const after = await read(p.externalId);
      expect(after.active).toBe(expected);
      expect((await storedRow(t, p.externalId))[0].active).toBe(expected);
    });

    it('refuses a value that is not a boolean for a boolean attribute', async () => {
      const p = await fresh();
      const res = await patch(p.externalId, { op: 'replace', path: 'active', value: 'maybe' });
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.detail).toMatch(/^Operation 1 \(replace "active"\): active must be a boolean/);
    });

    it.each([
      ['""', { op: 'Replace', path: 'title', value: '' }],
      ['null', { op: 'Replace', path: 'title', value: null }],
      ['remove', { op: 'remove', path: 'title' }],
      ['a pathless null', { op: 'replace', value: { title: null } }],
    ])('clears an optional attribute with %s (SCIM_Null_Update_Test)', async (_label, operation) => {
      const p = await fresh();
      await patch(p.externalId, operation).expect(204);
      expect((await read(p.externalId)).title).toBeUndefined();
      expect((await storedRow(t, p.externalId))[0].attributes.title).toBeUndefined();
    });
  });

  describe('errors and atomicity', () => {
    it('applies all operations or none: a failing one is named by its index and nothing is stored', async () => {
      const p = await fresh();
      const before = await storedRow(t, p.externalId);
      const res = await patch(
        p.externalId,
        { op: 'replace', path: 'displayName', value: 'Half done' },
        { op: 'replace', path: 'title', value: 'Also' },
        { op: 'replace', path: 'active', value: 'not-a-boolean' },
      );
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.detail).toMatch(/^Operation 3 \(replace "active"\)/);
      expect(await storedRow(t, p.externalId)).toEqual(before);
    });

    it.each([
      [{ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] }, 'invalidSyntax', /"Operations" must be a non-empty array/],
      [{ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [{ op: 'replace', path: 'title', value: 'x' }] }, 'invalidSyntax', /"schemas" must contain/],
      [{ Operations: [{ op: 'frobnicate', path: 'title', value: 'x' }] }, 'invalidSyntax', /Operation 1 \(frobnicate "title"\): "op" must be/],
      [patchOp({ op: 'frobnicate', path: 'title', value: 'x' }), 'invalidSyntax', /Operation 1 \(frobnicate "title"\): "op" must be/],
      [patchOp({ op: 'replace', path: 'title' }), 'invalidSyntax', /"replace" needs a "value"/],
      [patchOp({ op: 'remove' }), 'noTarget', /"remove" needs a "path"/],
      [patchOp({ op: 'replace', path: 'emails[type eq', value: 'x' }), 'invalidPath', /without a matching "\]"/],
      [patchOp({ op: 'replace', path: 'name.givenName.extra', value: 'x' }), 'invalidPath', /not an attribute name/],
      [patchOp({ op: 'replace', path: 'emails[' + '('.repeat(5000) + 'type eq "work"' + ')'.repeat(5000) + '].value', value: 'x' }), 'invalidPath', /nested more than 50 deep/],
      [patchOp({ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }), 'mutability', /readOnly/],
      [patchOp({ op: 'remove', path: 'userName' }), 'invalidValue', /userName is required/],
      [patchOp(...Array.from({ length: 101 }, () => ({ op: 'replace', path: 'title', value: 'x' }))), 'tooMany', /at most 100 operations; this one has 101/],
      [patchOp({ op: 'replace', path: 'userName', value: 'u'.repeat(300) }), 'invalidValue', /userName is longer than 255 characters/],
      [patchOp({ op: 'add', path: 'emails', value: Array.from({ length: 101 }, (_, i) => ({ value: `${i}@x.com` })) }), 'invalidValue', /at most 100/],
    ])('refuses %j', async (body, scimType, detail) => {
      const p = await fresh();
      const before = await storedRow(t, p.externalId);
      const res = await scim.patch(userPath(p.externalId), body);
      expectScimError(res, 400, scimType);
      expect(res.body.detail).toMatch(detail);
      expect(await storedRow(t, p.externalId)).toEqual(before);
    });

    it('answers 404 for an unknown id, with an id shaped like an email or containing dots and plus signs', async () => {
      for (const id of ['nobody', 'no.body+x=1@acme.com', '010101001010101011001010101011', 'x'.repeat(300)]) {
        expectScimError(await patch(id, { op: 'replace', path: 'title', value: 'x' }), 404);
        expectScimError(await scim.put(userPath(id), { userName: 'x@y.com' }), 404);
        expectScimError(await scim.delete(userPath(id)), 404);
      }
    });

    it('finds ids with dots, @, + and = case-insensitively in every method', async () => {
      const p = await fresh({ externalId: 'First.Last+tag=1@Acme.com' });
      await patch('first.last+TAG=1@acme.com', { op: 'replace', path: 'title', value: 'Found' }).expect(204);
      expect((await read('FIRST.LAST+tag=1@ACME.COM')).title).toBe('Found');
      expect((await read(p.externalId)).id).toBe('First.Last+tag=1@Acme.com');
    });

    it('refuses a change of externalId onto another identity of the scope (409), in any case', async () => {
      const a = await fresh();
      const b = await fresh();
      expectScimError(await patch(b.externalId, { op: 'Replace', path: 'externalId', value: a.externalId }), 409, 'uniqueness');
      expectScimError(await scim.put(userPath(b.externalId), { ...b, externalId: a.externalId.toUpperCase() }), 409, 'uniqueness');
    });

    it('moves the SCIM id with externalId: the new id answers; the old one answers as an alias until the new one is used', async () => {
      const p = await fresh();
      await patch(p.externalId, { op: 'Replace', path: 'externalId', value: 'Eqpj' }).expect(204);
      expect((await scim.find('externalId eq "Eqpj"')).Resources.map((r) => r.id)).toEqual(['Eqpj']);
      expect((await scim.get(userPath(p.externalId)).expect(200)).body.id).toBe('Eqpj');
      await scim.get(userPath('Eqpj')).expect(200);
      expectScimError(await scim.get(userPath(p.externalId)), 404);
    });
  });

  describe('PUT', () => {
    it("round-trips Okta's GET → PUT unchanged, tolerating id, meta, groups and password", async () => {
      const p = await fresh();
      const before = await read(p.externalId);
      const res = await scim.put(userPath(p.externalId), { ...before, groups: [], password: '1mz050nq' }).expect(200);
      expect(res.body.password).toBeUndefined();
      expect({ ...res.body, meta: { ...res.body.meta, lastModified: 'x', version: 'x' } }).toEqual({ ...before, meta: { ...before.meta, lastModified: 'x', version: 'x' } });
      expect(JSON.stringify((await storedRow(t, p.externalId))[0].attributes)).not.toContain('1mz050nq');
    });

    it('replaces the stored attributes: what the body leaves out is gone', async () => {
      const p = await fresh();
      const res = await scim.put(userPath(p.externalId), { userName: p.userName, name: { givenName: 'Only' }, emails: [p.emails[0]] }).expect(200);
      expect(res.body).toMatchObject({ id: p.externalId, externalId: p.externalId, userName: p.userName, name: { givenName: 'Only' }, active: true });
      for (const gone of ['title', 'displayName', 'phoneNumbers', ENTERPRISE_SCHEMA]) expect(res.body[gone]).toBeUndefined();
      expect(res.body.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User']);
    });

    it('keeps the current state when the body has no active, and deactivates / reactivates when it has', async () => {
      const p = await fresh();
      await scim.put(userPath(p.externalId), { userName: p.userName, active: false }).expect(200);
      expect((await read(p.externalId)).active).toBe(false);
      const without = await scim.put(userPath(p.externalId), { userName: p.userName, title: 'Still away' }).expect(200);
      expect(without.body.active).toBe(false);
      const back = await scim.put(userPath(p.externalId), { userName: p.userName, active: true }).expect(200);
      expect(back.body.active).toBe(true);
    });

    it('refuses a PUT without userName, an invalid body and a non-object body, changing nothing', async () => {
      const p = await fresh();
      const before = await storedRow(t, p.externalId);
      expectScimError(await scim.put(userPath(p.externalId), { displayName: 'No userName' }), 400, 'invalidValue');
      expectScimError(await scim.put(userPath(p.externalId), [p]), 400, 'invalidSyntax');
      expectScimError(await scim.put(userPath(p.externalId), { userName: p.userName, emails: [42] }), 400, 'invalidValue');
      expect(await storedRow(t, p.externalId)).toEqual(before);
    });

    it('ignores a client-sent id and meta, and an unknown attribute is stored as sent', async () => {
      const p = await fresh();
      const res = await scim.put(userPath(p.externalId), { userName: p.userName, id: 'other-id', meta: { created: '2000-01-01T00:00:00Z' }, adreses: [{ x: 1 }] }).expect(200);
      expect(res.body.id).toBe(p.externalId);
      expect(res.body.meta.created).not.toBe('2000-01-01T00:00:00Z');
      expect(res.body.adreses).toEqual([{ x: 1 }]);
    });
  });

  describe('effects on the platform account', () => {
    it('deprovisions on active false and restores access on active true', async () => {
      const p = await fresh();
      const userId = (await userIdByEmail(t, p.userName))!;
      const stateOf = async () => (await t.sql<{ state: string }>('SELECT state FROM users WHERE id = ?', [userId]))[0].state;
      const groupRows = async () => (await t.sql<{ group_id: number }>('SELECT group_id FROM members WHERE user_id = ?', [userId])).length;
      const members = await groupRows();
      await patch(p.externalId, { op: 'Replace', path: 'active', value: 'False' }).expect(204);
      if (grouped) expect(await groupRows()).toBe(members - 1);
      else expect(await stateOf()).toBe('blocked');
      // Other changes to an inactive identity are stored but do not reactivate it.
      await patch(p.externalId, { op: 'replace', path: 'title', value: 'Gone' }).expect(204);
      expect(await read(p.externalId)).toMatchObject({ active: false, title: 'Gone' });
      if (grouped) expect(await groupRows()).toBe(members - 1);
      else expect(await stateOf()).toBe('blocked');
      await patch(p.externalId, { op: 'Replace', path: 'active', value: 'True' }).expect(204);
      if (grouped) expect(await groupRows()).toBe(members);
      else expect(await stateOf()).toBe('active');
    });
  });
});

describe('SCIM profile changes reach the platform account only for Enterprise users of the group', () => {
  let t: TestApp;
  let scim: ScimClient;
  let groupId: number;

  beforeAll(async () => {
    t = await startTestApp();
    const g = await setUpGroup(t, 'acme');
    groupId = g.id;
    scim = scimClient(t, g.base, g.scimToken);
  });
  afterAll(async () => t.close());

  const account = async (userId: number) => (await t.sql<{ username: string; name: string; email: string }>('SELECT username, name, email FROM users WHERE id = ?', [userId]))[0];
  const attributeEvents = async (userId: number) =>
    (await t.sql<{ details: string }>("SELECT details FROM audit_events WHERE event_name = 'scim_user_attributes_updated' AND target_id = ? ORDER BY id", [userId])).map(
      (r) => JSON.parse(r.details) as Record<string, unknown>,
    );

  it('copies userName, name and emails onto an account the group provisioned, with an audit event', async () => {
    const p = person({ userName: 'ent@acme.com', externalId: 'ent-1', emails: [{ value: 'ent@acme.com', type: 'work', primary: true }] });
    await scim.create(p);
    const userId = (await userIdByEmail(t, 'ent@acme.com'))!;
    expect(await account(userId)).toEqual({ username: 'ent', name: `Pat ${p.name.familyName}`, email: 'ent@acme.com' });
    await scim
      .patch(
        userPath('ent-1'),
        patchOp(
          { op: 'Replace', path: 'userName', value: 'renamed@acme.com' },
          { op: 'Replace', path: 'name.givenName', value: 'Renata' },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'renamed@acme.com' },
        ),
      )
      .expect(204);
    expect(await account(userId)).toEqual({ username: 'renamed', name: `Renata ${p.name.familyName}`, email: 'renamed@acme.com' });
    expect(await attributeEvents(userId)).toEqual([{ attributes: ['emails', 'name', 'userName'], copied_to_account: true }]);
    expect((await scim.find('userName eq "renamed@acme.com"')).Resources.map((r) => r.id)).toEqual(['ent-1']);
    expect((await scim.find('userName eq "ent@acme.com"')).totalResults).toBe(0);
  });

  it('leaves an account the person brought along untouched, still storing and auditing the SCIM change', async () => {
    const userId = await createPlatformUser(t, 'own@elsewhere.org', 'Own Name');
    await scim.create(person({ userName: 'own@elsewhere.org', externalId: 'own-1', emails: [{ value: 'own@elsewhere.org', type: 'work' }] }));
    expect(await membership(t, groupId, userId)).not.toBeNull();
    await scim.put(userPath('own-1'), { userName: 'idp-name@acme.com', name: { formatted: 'IdP Name' }, emails: [{ value: 'idp@acme.com', type: 'work' }] }).expect(200);
    expect(await account(userId)).toEqual({ username: 'own', name: 'Own Name', email: 'own@elsewhere.org' });
    expect(await scim.get(userPath('own-1')).expect(200)).toMatchObject({ body: { userName: 'idp-name@acme.com', name: { formatted: 'IdP Name' } } });
    expect(await attributeEvents(userId)).toEqual([{ attributes: ['displayName', 'emails', 'name', 'userName'], copied_to_account: false }]);
  });

  it('records no attribute event for a change that touches no profile attribute', async () => {
    await scim.create(person({ userName: 'quiet@acme.com', externalId: 'quiet-1', emails: [{ value: 'quiet@acme.com', type: 'work' }] }));
    const userId = (await userIdByEmail(t, 'quiet@acme.com'))!;
    await scim.patch(userPath('quiet-1'), patchOp({ op: 'replace', path: 'title', value: 'CTO' })).expect(204);
    expect(await attributeEvents(userId)).toEqual([]);
  });
});
