import { adminAuth, auth, createGroup, setUpGroup, GroupSetup } from '../support/fixtures.js';
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

/** A domain is verified by one group at most: the group whose IdP may rewrite the accounts in it. */
describe('admin API verified domains: one group per domain', () => {
  let t: TestApp;
  let a: { id: number; owner: Person };
  let b: { id: number; owner: Person };
  const TAKEN = 'claimed-corp.test is already verified by another group';

  const newGroup = async (path: string) => {
    const id = await createGroup(t, path);
    const owner = await createPerson(t, `${path}-owner`);
    await addMember(t, id, owner.id, 50);
    return { id, owner };
  };
  const row = async (groupId: number) => {
    const [group] = await t.sql<{ name: string; verified_domains: string; updated_at: string }>('SELECT name, verified_domains, updated_at FROM groups WHERE id = ?', [groupId]);
    return { ...group, verified_domains: JSON.parse(group.verified_domains) as string[] };
  };
  const eventNames = async (groupId: number) => (await t.sql<{ event_name: string }>('SELECT event_name FROM audit_events WHERE group_id = ? ORDER BY id', [groupId])).map((e) => e.event_name);

  beforeAll(async () => {
    t = await startTestApp();
    a = await newGroup('claims-a');
    b = await newGroup('claims-b');
    await t.http().post(`/api/v4/groups/${a.id}/verified_domains`).set(auth(a.owner.token)).send({ domain: 'claimed-corp.test' }).expect(201);
  });
  afterAll(async () => t.close());

  it('refuses a POST of a domain another group verifies (409, the other group not named) and changes nothing, for an Owner and an admin alike', async () => {
    await t.http().post(`/api/v4/groups/${b.id}/verified_domains`).set(auth(b.owner.token)).send({ domain: 'b-own.test' }).expect(201);
    const before = await row(b.id);
    const eventsBefore = await eventNames(b.id);

    const refused = await t.http().post(`/api/v4/groups/${b.id}/verified_domains`).set(auth(b.owner.token)).send({ domain: ' @Claimed-CORP.test ' }).expect(409);
    expect(refused.body).toEqual({ message: TAKEN });
    expect(refused.text).not.toContain('claims-a');
    const byAdmin = await t.http().post(`/api/v4/groups/${b.id}/verified_domains`).set(adminAuth).send({ domain: 'claimed-corp.test' }).expect(409);
    expect(byAdmin.body).toEqual({ message: TAKEN });

    expect(await row(b.id)).toEqual(before);
    expect(await eventNames(b.id)).toEqual(eventsBefore);
    expect((await row(a.id)).verified_domains).toEqual(['claimed-corp.test']);
  });

  it('refuses a PUT whose verified_domains add a domain another group verifies, with nothing of the PUT applied', async () => {
    const before = await row(b.id);
    const eventsBefore = await eventNames(b.id);
    for (const headers of [auth(b.owner.token), adminAuth]) {
      const refused = await t
        .http()
        .put(`/api/v4/groups/${b.id}`)
        .set(headers)
        .send({ name: 'Renamed', allowed_email_domains: ['allowed.test'], verified_domains: ['b-own.test', 'CLAIMED-corp.test'] })
        .expect(409);
      expect(refused.body).toEqual({ message: TAKEN });
    }
    expect(await row(b.id)).toEqual(before);
    expect((await t.sql<{ allowed_email_domains: string }>('SELECT allowed_email_domains FROM groups WHERE id = ?', [b.id]))[0].allowed_email_domains).toBe('[]');
    expect(await eventNames(b.id)).toEqual(eventsBefore);

    // A PUT that keeps the group's own domains and adds free ones is accepted.
    const kept = await t
      .http()
      .put(`/api/v4/groups/${b.id}`)
      .set(auth(b.owner.token))
      .send({ name: 'Renamed', verified_domains: ['b-own.test', 'b-second.test'] })
      .expect(200);
    expect(kept.body).toMatchObject({ name: 'Renamed', verified_domains: ['b-own.test', 'b-second.test'] });
  });

  it('frees a domain when its group removes it or is deleted', async () => {
    await t.http().delete(`/api/v4/groups/${a.id}/verified_domains/claimed-corp.test`).set(auth(a.owner.token)).expect(204);
    await t.http().post(`/api/v4/groups/${b.id}/verified_domains`).set(auth(b.owner.token)).send({ domain: 'claimed-corp.test' }).expect(201);
    // Now A is the other group.
    const refused = await t.http().post(`/api/v4/groups/${a.id}/verified_domains`).set(auth(a.owner.token)).send({ domain: 'claimed-corp.test' }).expect(409);
    expect(refused.body).toEqual({ message: TAKEN });
    await t
      .http()
      .put(`/api/v4/groups/${a.id}`)
      .set(auth(a.owner.token))
      .send({ verified_domains: ['claimed-corp.test'] })
      .expect(409);
    expect((await row(a.id)).verified_domains).toEqual([]);

    await t.http().delete(`/api/v4/groups/${b.id}`).set(adminAuth).expect(202);
    await t
      .http()
      .put(`/api/v4/groups/${a.id}`)
      .set(auth(a.owner.token))
      .send({ verified_domains: ['claimed-corp.test', 'b-own.test'] })
      .expect(200);
    expect((await row(a.id)).verified_domains).toEqual(['claimed-corp.test', 'b-own.test']);
  });

  it('matches whole domains only: a domain that contains a verified one, or is contained in one, is free', async () => {
    await t.http().post(`/api/v4/groups/${a.id}/verified_domains`).set(auth(a.owner.token)).send({ domain: 'sub.wide-corp.test' }).expect(201);
    const c = await newGroup('claims-c');
    for (const domain of ['wide-corp.test', 'x.sub.wide-corp.test', 'sub.wide-corp.testing']) {
      await t.http().post(`/api/v4/groups/${c.id}/verified_domains`).set(auth(c.owner.token)).send({ domain }).expect(201);
    }
    expect((await row(c.id)).verified_domains).toEqual(['wide-corp.test', 'x.sub.wide-corp.test', 'sub.wide-corp.testing']);
  });
});
