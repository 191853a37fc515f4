import { oktaUser, setUpGroup, setUpInstance } from '../support/fixtures.js';
import { scimClient } from '../support/scim-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * quality.md "Concurrent duplicates": an IdP retrying, or two connectors racing, must never create a
 * person twice. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (where the requests really
 * run in parallel transactions and the unique indexes decide).
 */
describe('concurrent provisioning of one person', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it.each(['group', 'instance'] as const)('50 simultaneous POSTs at %s scope → one 201, 49 × 409, one account, one identity, one audit event', async (scope) => {
    const target = scope === 'group' ? await setUpGroup(t, 'race') : await setUpInstance(t);
    const scim = scimClient(t, target.base, target.scimToken);
    const person = oktaUser();
    const responses = await Promise.all(Array.from({ length: 50 }, () => scim.create(person)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    for (const r of responses.filter((x) => x.status === 409)) expect(r.body).toMatchObject({ status: '409', scimType: 'uniqueness', detail: 'User has already been taken' });
    const users = await t.sql<{ id: number }>('SELECT id FROM users WHERE email_lower = ?', [person.userName.toLowerCase()]);
    expect(users).toHaveLength(1);
    const identities = await t.sql('SELECT id FROM scim_identities WHERE extern_uid_lower = ?', [person.externalId.toLowerCase()]);
    expect(identities).toHaveLength(1);
    const saml = await t.sql('SELECT id FROM saml_identities WHERE user_id = ?', [users[0].id]);
    expect(saml).toHaveLength(1);
    const events = await t.sql("SELECT id FROM audit_events WHERE event_name = 'user_provisioned_by_scim' AND target_id = ?", [users[0].id]);
    expect(events).toHaveLength(1);
  });

  it('50 different people at once are all provisioned, each exactly once, with distinct usernames', async () => {
    const g = await setUpGroup(t, 'crowd');
    const scim = scimClient(t, g.base, g.scimToken);
    // Same local part, different domains: the derived usernames collide and must be made unique.
    const people = Array.from({ length: 50 }, (_, i) => oktaUser({ userName: `sam@d${i}.example`, emails: [{ value: `sam@d${i}.example`, type: 'work' }] }));
    const responses = await Promise.all(people.map((p) => scim.create(p)));
    expect(responses.map((r) => r.status)).toEqual(people.map(() => 201));
    const usernames = await t.sql<{ username: string }>("SELECT username FROM users WHERE email_lower LIKE 'sam@d%'");
    expect(usernames).toHaveLength(50);
    expect(new Set(usernames.map((u) => u.username.toLowerCase())).size).toBe(50);
  });
});
