import { adminAuth, oktaUser, setUpGroup, setUpInstance } from '../support/fixtures.js';
import { createPlatformUser, linkSamlIdentity, membership, samlIdentity, scimIdentity, userIdByEmail, userState } from '../support/platform-users.js';
import { auditNames, provisioningCounts, scimClient, ScimClient } from '../support/scim-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const TAKEN = 'User has already been taken';
const NOT_LINKED = "The member's email address is not linked to a SAML account or has an inactive SCIM identity.";
const NOT_ALLOWED = "The member's email address is not allowed for this group. Check with your administrator.";
const GUEST = 10;
const DEVELOPER = 30;

/**
 * One test per row of the POST Users decision table (scim-api.md), at group and at instance scope.
 * Each asserts the response, the rows in users / identities / members, and the audit trail; each
 * refusal asserts that nothing else was left behind.
 */
describe.each(['group', 'instance'] as const)('POST Users decision table at %s scope', (scope) => {
  let t: TestApp;
  let scim: ScimClient;
  let groupId: number | null;
  let n = 0;
  const path = () => `acme${++n}`;

  async function fresh(saml: Record<string, unknown> = {}, domains?: string[]): Promise<void> {
    if (scope === 'group') {
      const g = await setUpGroup(t, path(), saml);
      if (domains) await t.http().put(`/api/v4/groups/${g.id}`).set(adminAuth).send({ allowed_email_domains: domains }).expect(200);
      scim = scimClient(t, g.base, g.scimToken);
      groupId = g.id;
    } else {
      await t.sql('DELETE FROM scim_identities WHERE group_id IS NULL');
      const i = await setUpInstance(t, { enforced_sso: false, default_membership_role: GUEST, ...saml });
      scim = scimClient(t, i.base, i.scimToken);
      groupId = null;
    }
  }

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('creates a new person: account, SAML and SCIM identities, membership at the default role, audit', async () => {
    await fresh({ default_membership_role: DEVELOPER });
    const body = oktaUser();
    const res = await scim.create(body).expect(201);
    expect(res.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(res.body).toMatchObject({ id: body.externalId, externalId: body.externalId, userName: body.userName, active: true, name: body.name, emails: body.emails });
    expect(res.body.meta).toMatchObject({ resourceType: 'User', version: 'W/"1"' });
    expect(res.headers.location).toBe(res.body.meta.location);
    const userId = (await userIdByEmail(t, body.emails[0].value))!;
    const user = (await t.sql<{ name: string; enterprise_group_id: number | null; state: string }>('SELECT * FROM users WHERE id = ?', [userId]))[0];
    expect(user.name).toBe(`${body.name.givenName} ${body.name.familyName}`);
    expect(user.state).toBe('active');
    expect(user.enterprise_group_id === null ? null : Number(user.enterprise_group_id)).toBe(groupId);
    expect(await scimIdentity(t, groupId, userId)).toEqual({ externUid: body.externalId, active: true });
    expect(await samlIdentity(t, groupId, userId)).toBe(body.externalId);
    if (groupId !== null) expect(await membership(t, groupId, userId)).toBe(DEVELOPER);
    expect(await auditNames(t, userId)).toEqual(groupId !== null ? ['member_added', 'user_provisioned_by_scim'] : ['user_provisioned_by_scim']);
  });

  it('refuses an active identity with the same extern_uid (any case) with 409 uniqueness and changes nothing', async () => {
    await fresh();
    const body = oktaUser();
    await scim.create(body).expect(201);
    const before = await provisioningCounts(t);
    const auditBefore = (await auditNames(t)).length;
    const again = oktaUser({ externalId: body.externalId.toUpperCase() });
    const res = await scim.create(again).expect(409);
    expect(res.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness', detail: TAKEN });
    expect(await provisioningCounts(t)).toEqual(before);
    expect((await auditNames(t)).length).toBe(auditBefore);
  });

  it('reactivates an inactive identity: same account, access restored, attributes replaced, SAML identity kept', async () => {
    await fresh({ default_membership_role: GUEST });
    const body = oktaUser();
    await scim.create(body).expect(201);
    const userId = (await userIdByEmail(t, body.userName))!;
    await scim.delete(body.externalId).expect(204);
    expect(await scimIdentity(t, groupId, userId)).toEqual({ externUid: body.externalId, active: false });
    const back = { ...body, displayName: 'Back Again', title: 'Returning' };
    const res = await scim.create(back).expect(201);
    expect(res.body).toMatchObject({ id: body.externalId, active: true, displayName: 'Back Again', title: 'Returning' });
    expect(await userIdByEmail(t, body.userName)).toBe(userId);
    expect(await scimIdentity(t, groupId, userId)).toEqual({ externUid: body.externalId, active: true });
    expect(await samlIdentity(t, groupId, userId)).toBe(body.externalId);
    if (groupId !== null) expect(await membership(t, groupId, userId)).toBe(GUEST);
    else expect(await userState(t, userId)).toBe('active');
    expect((await auditNames(t, userId)).at(-1)).toBe('user_reprovisioned_by_scim');
  });

  it('refuses a known email whose account already has an identity under another extern_uid (anchor changed): 409', async () => {
    await fresh();
    const body = oktaUser();
    await scim.create(body).expect(201);
    const before = await provisioningCounts(t);
    const res = await scim.create({ ...body, externalId: 'a-brand-new-anchor' }).expect(409);
    expect(res.body).toMatchObject({ status: '409', scimType: 'uniqueness', detail: TAKEN });
    expect(await provisioningCounts(t)).toEqual(before);
  });

  it('refuses an existing account without a SAML identity under enforced SSO: 412, audited, nothing else', async () => {
    await fresh({ enforced_sso: true });
    const email = `existing${n}@acme.com`;
    await createPlatformUser(t, email);
    const before = await provisioningCounts(t);
    const res = await scim.create(oktaUser({ userName: email, emails: [{ value: email, type: 'work', primary: true }] })).expect(412);
    expect(res.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '412', detail: NOT_LINKED });
    expect(await provisioningCounts(t)).toEqual(before);
    const refused = await t.sql<{ details: string }>("SELECT details FROM audit_events WHERE event_name = 'scim_provisioning_refused' ORDER BY id DESC");
    expect(JSON.parse(refused[0].details)).toMatchObject({ email, reason: 'saml_not_linked' });
  });

  it('links an existing account that has a SAML identity under enforced SSO', async () => {
    await fresh({ enforced_sso: true });
    const email = `linked${n}@acme.com`;
    const userId = await createPlatformUser(t, email);
    await linkSamlIdentity(t, groupId, userId, 'saml-uid-1');
    const res = await scim.create(oktaUser({ externalId: 'saml-uid-1', userName: email, emails: [{ value: email, type: 'work' }] })).expect(201);
    expect(res.body.id).toBe('saml-uid-1');
    expect(await scimIdentity(t, groupId, userId)).toEqual({ externUid: 'saml-uid-1', active: true });
  });

  if (scope === 'group') {
    it('refuses an email domain the group does not allow: 412, audited, nothing else', async () => {
      await fresh({}, ['acme.com']);
      const before = await provisioningCounts(t);
      const res = await scim.create(oktaUser({ userName: 'eve@evil.example', emails: [{ value: 'eve@evil.example', type: 'work' }] })).expect(412);
      expect(res.body).toMatchObject({ status: '412', detail: NOT_ALLOWED });
      expect(await provisioningCounts(t)).toEqual(before);
      const refused = await t.sql<{ details: string }>("SELECT details FROM audit_events WHERE event_name = 'scim_provisioning_refused' ORDER BY id DESC");
      expect(JSON.parse(refused[0].details)).toMatchObject({ reason: 'email_domain_not_allowed' });
      await scim.create(oktaUser()).expect(201);
    });

    it('keeps an existing higher role when linking an existing member', async () => {
      await fresh({ default_membership_role: GUEST });
      const email = `member${n}@acme.com`;
      const userId = await createPlatformUser(t, email);
      await t.http().post(`/api/v4/groups/${groupId}/members`).set(adminAuth).send({ user_id: userId, access_level: 40 }).expect(201);
      await scim.create(oktaUser({ userName: email, emails: [{ value: email, type: 'work' }] })).expect(201);
      expect(await membership(t, groupId!, userId)).toBe(40);
    });
  }

  it('links an existing account found by email (any case), without creating a SAML identity', async () => {
    await fresh({ default_membership_role: GUEST });
    const email = `Known${n}@Acme.com`;
    const userId = await createPlatformUser(t, email.toLowerCase());
    const body = oktaUser({ userName: email, emails: [{ value: email, type: 'work', primary: true }] });
    const res = await scim.create(body).expect(201);
    expect(res.body).toMatchObject({ id: body.externalId, userName: email });
    expect(await scimIdentity(t, groupId, userId)).toEqual({ externUid: body.externalId, active: true });
    expect(await samlIdentity(t, groupId, userId)).toBeNull();
    if (groupId !== null) expect(await membership(t, groupId, userId)).toBe(GUEST);
    const enterprise = await t.sql<{ enterprise_group_id: number | null }>('SELECT enterprise_group_id FROM users WHERE id = ?', [userId]);
    expect(enterprise[0].enterprise_group_id).toBeNull();
    expect(await auditNames(t, userId)).toContain('user_linked_by_scim');
  });

  it('creates a deactivated identity, without access, for active:false', async () => {
    await fresh();
    const body = oktaUser({ active: false });
    const res = await scim.create(body).expect(201);
    expect(res.body.active).toBe(false);
    const userId = (await userIdByEmail(t, body.userName))!;
    expect(await scimIdentity(t, groupId, userId)).toEqual({ externUid: body.externalId, active: false });
    if (groupId !== null) expect(await membership(t, groupId, userId)).toBeNull();
    else expect(await userState(t, userId)).toBe('blocked');
  });

  it.each([
    ['no userName', { userName: undefined }, 'userName is required'],
    ['no email at all', { userName: 'no-email-here', emails: undefined }, 'An email address is required'],
    ['an invalid email', { emails: [{ value: 'not-an-email', type: 'work' }] }, 'is not a valid email address'],
    ['an over-long externalId', { externalId: 'x'.repeat(256) }, 'longer than 255'],
  ])('refuses %s with 400 invalidValue and changes nothing', async (_label, overrides, detail) => {
    await fresh();
    const before = await provisioningCounts(t);
    const res = await scim.create(oktaUser(overrides)).expect(400);
    expect(res.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(res.body.detail).toContain(detail);
    expect(await provisioningCounts(t)).toEqual(before);
  });
});
