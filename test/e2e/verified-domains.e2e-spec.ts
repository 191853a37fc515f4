import { adminAuth, auth, setUpGroup, GroupSetup } from '../support/fixtures.js';
import { addMember, createPerson } from '../support/admin-people.js';
import type { Person } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/** POST/DELETE /groups/:id/verified_domains: one domain at a time, audited, the Enterprise badge follows. */
describe('admin API verified domains', () => {
  let t: TestApp;
  let g: GroupSetup;
  let owner: Person;
  let developer: Person;

  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'domains-acme');
    owner = await createPerson(t, 'domains-owner', { email: 'owner@acme-corp.test' });
    developer = await createPerson(t, 'domains-dev', { email: 'dev@acme-corp.test' });
    await addMember(t, g.id, owner.id, 50);
    await addMember(t, g.id, developer.id, 30);
  });
  afterAll(async () => t.close());

  const stored = async () => JSON.parse((await t.sql<{ verified_domains: string }>('SELECT verified_domains FROM groups WHERE id = ?', [g.id]))[0].verified_domains) as string[];
  const events = (name: string) => t.sql<{ author_id: number; details: string }>('SELECT author_id, details FROM audit_events WHERE group_id = ? AND event_name = ? ORDER BY id', [g.id, name]);
  const enterprise = async (userId: number) => {
    const res = await t.http().get(`/api/v4/groups/${g.id}/members/${userId}`).set(adminAuth).expect(200);
    return res.body.enterprise as boolean;
  };

  it('an Owner adds a domain (normalised), the Enterprise badge follows, and removing it takes the badge away', async () => {
    expect(await enterprise(developer.id)).toBe(false);
    const added = await t.http().post(`/api/v4/groups/${g.id}/verified_domains`).set(auth(owner.token)).send({ domain: ' @ACME-Corp.test ' }).expect(201);
    expect(added.body).toEqual({ domain: 'acme-corp.test', verified_domains: ['acme-corp.test'] });
    expect(await stored()).toEqual(['acme-corp.test']);
    expect(await enterprise(developer.id)).toBe(true);
    const list = await t.http().get(`/api/v4/groups/${g.id}/verified_domains`).set(auth(owner.token)).expect(200);
    expect(list.body).toEqual([{ domain: 'acme-corp.test' }]);
    const [event] = await events('verified_domain_added');
    expect(Number(event.author_id)).toBe(owner.id);
    expect(JSON.parse(event.details)).toMatchObject({ domain: 'acme-corp.test' });

    await t.http().delete(`/api/v4/groups/${g.id}/verified_domains/ACME-CORP.test`).set(auth(owner.token)).expect(204);
    expect(await stored()).toEqual([]);
    expect(await enterprise(developer.id)).toBe(false);
    const [removed] = await events('verified_domain_removed');
    expect(JSON.parse(removed.details)).toMatchObject({ domain: 'acme-corp.test' });
  });

  it('refuses a bad domain, a duplicate and an unknown one with a clear error and changes nothing', async () => {
    await t.http().post(`/api/v4/groups/${g.id}/verified_domains`).set(adminAuth).send({ domain: 'kept.test' }).expect(201);
    const auditBefore = (await t.sql('SELECT id FROM audit_events WHERE group_id = ?', [g.id])).length;

    const bad = await t.http().post(`/api/v4/groups/${g.id}/verified_domains`).set(adminAuth).send({ domain: 'not a domain' }).expect(400);
    expect(bad.body.message).toEqual({ domain: ['"not a domain" is not a domain name'] });
    const missing = await t.http().post(`/api/v4/groups/${g.id}/verified_domains`).set(adminAuth).send({}).expect(400);
    expect(Object.keys(missing.body)).toEqual(['error']);
    const duplicate = await t.http().post(`/api/v4/groups/${g.id}/verified_domains`).set(adminAuth).send({ domain: 'KEPT.test' }).expect(409);
    expect(duplicate.body).toEqual({ message: 'kept.test is already a verified domain of Group domains-acme' });
    const unknown = await t.http().delete(`/api/v4/groups/${g.id}/verified_domains/other.test`).set(adminAuth).expect(404);
    expect(unknown.body).toEqual({ message: '404 Verified Domain Not Found' });

    expect(await stored()).toEqual(['kept.test']);
    expect((await t.sql('SELECT id FROM audit_events WHERE group_id = ?', [g.id])).length).toBe(auditBefore);
  });

  it('is for Owners and admins only: a Developer gets 403 and changes nothing', async () => {
    await t.http().get(`/api/v4/groups/${g.id}/verified_domains`).set(auth(developer.token)).expect(403);
    await t.http().post(`/api/v4/groups/${g.id}/verified_domains`).set(auth(developer.token)).send({ domain: 'dev.test' }).expect(403);
    await t.http().delete(`/api/v4/groups/${g.id}/verified_domains/kept.test`).set(auth(developer.token)).expect(403);
    expect(await stored()).toEqual(['kept.test']);
  });

  it('keeps every domain when several are added at once (the group row is locked, no lost update)', async () => {
    const domains = Array.from({ length: 8 }, (_, i) => `at-once-${i}.test`);
    const results = await Promise.all(domains.map((domain) => t.http().post(`/api/v4/groups/${g.id}/verified_domains`).set(adminAuth).send({ domain })));
    expect(results.map((r) => r.status)).toEqual(domains.map(() => 201));
    expect((await stored()).sort()).toEqual(['kept.test', ...domains].sort());
    expect(await events('verified_domain_added')).toHaveLength(1 + 1 + domains.length);
  });
});
