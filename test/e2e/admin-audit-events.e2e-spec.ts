import { adminAuth, GroupSetup, setUpGroup } from '../support/fixtures.js';
import { createPerson, provision } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const ROW_KEYS = ['author', 'author_id', 'created_at', 'details', 'entity_id', 'entity_type', 'event_name', 'id', 'ip_address', 'request_id', 'target_details', 'target_id', 'target_type'];

describe('admin API audit events', () => {
  let t: TestApp;
  let g: GroupSetup;
  let other: GroupSetup;
  let provisionedId: number;

  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'audit-acme');
    other = await setUpGroup(t, 'audit-other');
    provisionedId = (await provision(t, g)).userId;
    await provision(t, other);
  });
  afterAll(async () => t.close());

  const names = (body: { event_name: string }[]) => body.map((e) => e.event_name);

  it("lists a group's events newest first, exactly as stored, with paging headers", async () => {
    const res = await t.http().get(`/api/v4/groups/${g.id}/audit_events`).set(adminAuth).expect(200);
    const stored = await t.sql<Record<string, unknown>>('SELECT * FROM audit_events WHERE group_id = ? ORDER BY id DESC', [g.id]);
    expect(res.headers['x-total']).toBe(String(stored.length));
    expect(res.body).toEqual(
      stored.map((e) => ({
        id: Number(e.id),
        created_at: e.created_at,
        event_name: e.event_name,
        author_id: e.author_id === null ? null : Number(e.author_id),
        author: { id: e.author_id === null ? null : Number(e.author_id), name: e.author_name },
        entity_type: 'Group',
        entity_id: g.id,
        target_type: e.target_type,
        target_id: e.target_id === null ? null : Number(e.target_id),
        target_details: e.target_details,
        // GitLab's keys in details, beside what the event stored there.
        details: {
          ...JSON.parse(e.details as string),
          author_name: e.author_name,
          target_id: e.target_id === null ? null : Number(e.target_id),
          target_type: e.target_type,
          target_details: e.target_details,
          ip_address: e.ip_address,
          entity_path: 'audit-acme',
        },
        ip_address: e.ip_address,
        request_id: e.request_id,
      })),
    );
    // Every event here was written by a request: each carries that request's id.
    for (const row of res.body) expect(row.request_id).toMatch(/^[0-9a-f-]{36}$/);
    for (const row of res.body) expect(Object.keys(row).sort()).toEqual(ROW_KEYS);
    // Newest first; the provisioning pair is recorded in one transaction, in either order.
    expect(names(res.body).slice(2)).toEqual(['scim_token_created', 'saml_provider_updated', 'member_added', 'group_created']);
    expect(names(res.body).slice(0, 2).sort()).toEqual(['member_added', 'user_provisioned_by_scim']);
    const provisioned = res.body.find((e: { event_name: string }) => e.event_name === 'user_provisioned_by_scim');
    expect(provisioned).toEqual(expect.objectContaining({ author: { id: null, name: 'System' }, target_type: 'User', target_id: provisionedId }));
    const tokenEvent = res.body.find((e: { event_name: string }) => e.event_name === 'scim_token_created');
    expect(tokenEvent.author).toEqual({ id: 1, name: 'Administrator' });
    expect(tokenEvent.ip_address).toMatch(/127\.0\.0\.1/);
    expect(res.body.map((e: { entity_id: number }) => e.entity_id)).not.toContain(other.id);

    const page = await t.http().get(`/api/v4/groups/audit-acme/audit_events`).query({ per_page: '2', page: '2' }).set(adminAuth).expect(200);
    expect(page.body).toEqual(res.body.slice(2, 4));
    expect(page.headers).toEqual(expect.objectContaining({ 'x-page': '2', 'x-per-page': '2', 'x-next-page': '3' }));
    expect(page.headers.link).toContain('rel="next"');
  });

  it('filters by event_name and target_id', async () => {
    const byName = await t.http().get(`/api/v4/groups/${g.id}/audit_events`).query({ event_name: 'member_added' }).set(adminAuth).expect(200);
    expect(names(byName.body)).toEqual(['member_added', 'member_added']);
    const byTarget = await t
      .http()
      .get(`/api/v4/groups/${g.id}/audit_events`)
      .query({ target_id: String(provisionedId) })
      .set(adminAuth)
      .expect(200);
    expect(names(byTarget.body).sort()).toEqual(['member_added', 'user_provisioned_by_scim']);
    const both = await t
      .http()
      .get(`/api/v4/groups/${g.id}/audit_events`)
      .query({ target_id: String(provisionedId), event_name: 'member_added' })
      .set(adminAuth)
      .expect(200);
    expect(both.body).toHaveLength(1);
    expect(both.headers['x-total']).toBe('1');
  });

  it('filters by created_after and created_before, inclusive, with bare dates covering the whole day', async () => {
    const dated = await setUpGroup(t, 'audit-dated');
    const stamps = ['2025-01-01T10:00:00.000Z', '2025-01-31T23:59:59.999Z', '2025-02-01T00:00:00.000Z'];
    for (const at of stamps) {
      await t.sql(
        "INSERT INTO audit_events (created_at, event_name, author_id, author_name, group_id, entity_type, entity_id, details) VALUES (?, 'group_updated', NULL, 'System', ?, 'Group', ?, '{}')",
        [at, dated.id, dated.id],
      );
    }
    const at = async (query: Record<string, string>) =>
      (await t.http().get(`/api/v4/groups/${dated.id}/audit_events`).query(query).set(adminAuth).expect(200)).body.map((e: { created_at: string }) => e.created_at);
    expect(await at({ created_before: '2025-01-31' })).toEqual([stamps[1], stamps[0]]);
    expect(await at({ created_after: '2025-01-31', created_before: '2025-02-01' })).toEqual([stamps[2], stamps[1]]);
    expect(await at({ created_after: '2025-01-01T10:00:00Z', created_before: '2025-01-01T10:00:00Z' })).toEqual([stamps[0]]);
    expect(await at({ created_after: '2025-01-01T11:00:00+01:00', created_before: '2025-01-01' })).toEqual([stamps[0]]);
    expect(await at({ created_after: '2025-01-01T10:00:00.001Z', created_before: '2025-01-31T23:59:59.998Z' })).toEqual([]);
    expect((await at({ created_after: '2025-02-01' })).length).toBeGreaterThan(1);
  });

  it('answers invalid filters with 400 naming the field', async () => {
    const cases: [Record<string, string | string[]>, string, string][] = [
      [{ created_after: 'yesterday' }, 'created_after', 'must be an ISO 8601 date or date-time'],
      [{ created_before: '2025-02-30' }, 'created_before', 'must be an ISO 8601 date or date-time'],
      [{ created_before: '2025-13-01T00:00Z' }, 'created_before', 'must be an ISO 8601 date or date-time'],
      [{ created_after: '2025-01-01T10:00:00' }, 'created_after', 'must be an ISO 8601 date or date-time'],
      [{ target_id: 'abc' }, 'target_id', 'must be a whole number from 1 to 2147483647'],
      [{ target_id: '99999999999' }, 'target_id', 'must be a whole number from 1 to 2147483647'],
      [{ event_name: 'no_such_event' }, 'event_name', 'is not a known event name'],
      [{ event_name: ['a', 'b'] }, 'event_name', 'must be given once, as text'],
    ];
    for (const [query, field, problem] of cases) {
      const res = await t.http().get(`/api/v4/groups/${g.id}/audit_events`).query(query).set(adminAuth);
      expect({ query, status: res.status, body: res.body }).toEqual({ query, status: 400, body: { message: { [field]: [problem] } } });
      await t.http().get('/api/v4/audit_events').query(query).set(adminAuth).expect(400);
    }
    await t.http().get(`/api/v4/groups/${g.id}/audit_events`).query({ page: '-1' }).set(adminAuth).expect(400);
  });

  it('admins list the events of every scope, instance events included', async () => {
    const person = await createPerson(t, 'audited');
    const res = await t.http().get('/api/v4/audit_events').query({ per_page: '100' }).set(adminAuth).expect(200);
    const total = await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM audit_events');
    expect(res.headers['x-total']).toBe(String(total[0].n));
    const scopes = new Set(res.body.map((e: { entity_type: string; entity_id: number | null }) => `${e.entity_type}:${e.entity_id}`));
    expect([...scopes]).toEqual(expect.arrayContaining(['Instance:null', `Group:${g.id}`, `Group:${other.id}`]));
    const created = res.body.find((e: { event_name: string; target_id: number }) => e.event_name === 'user_created' && e.target_id === person.id);
    expect(created).toEqual(expect.objectContaining({ entity_type: 'Instance', entity_id: null, target_type: 'User', target_details: person.username, author: { id: 1, name: 'Administrator' } }));
    expect(created.author_id).toBe(1);
    expect(created.details).toEqual(expect.objectContaining({ author_name: 'Administrator', target_id: person.id, target_type: 'User', target_details: person.username, entity_path: 'Instance' }));
    const groupEvent = res.body.find((e: { entity_type: string; entity_id: number }) => e.entity_type === 'Group' && e.entity_id === other.id);
    expect(groupEvent.details.entity_path).toBe(other.path);
    const tokens = await t
      .http()
      .get('/api/v4/audit_events')
      .query({ event_name: 'personal_access_token_created', target_id: String(person.id) })
      .set(adminAuth)
      .expect(200);
    expect(tokens.body).toHaveLength(1);
  });

  it("only Owners read a group's events and only admins read all events", async () => {
    const member = await createPerson(t, 'auditmember');
    await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).send({ user_id: member.id, access_level: 40 }).expect(201);
    expect((await t.http().get(`/api/v4/groups/${g.id}/audit_events`).set('PRIVATE-TOKEN', member.token).expect(403)).body).toEqual({ message: '403 Forbidden' });
    expect((await t.http().get('/api/v4/audit_events').set('PRIVATE-TOKEN', member.token).expect(403)).body).toEqual({ message: '403 Forbidden' });
    const owner = await createPerson(t, 'auditowner');
    await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).send({ user_id: owner.id, access_level: 50 }).expect(201);
    const own = await t.http().get(`/api/v4/groups/${g.id}/audit_events`).set('PRIVATE-TOKEN', owner.token).expect(200);
    expect(own.body[0]).toEqual(expect.objectContaining({ event_name: 'member_added', target_id: owner.id }));
  });
});
