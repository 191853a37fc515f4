import { addMember, createPerson } from '../support/admin-people.js';
import { adminAuth } from '../support/fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const PEOPLE = 23;

/**
 * `GET /groups/:id/members?pagination=keyset`: the admin UI's paging. Forward from the first page,
 * backward from the last, and by search, every member comes exactly once and in membership order;
 * the cursors and Link relations say where the ends are.
 */
describe('admin API members, keyset paging', () => {
  let t: TestApp;
  let groupId: number;
  let expected: number[];

  beforeAll(async () => {
    t = await startTestApp();
    const group = await t.http().post('/api/v4/groups').set(adminAuth).send({ name: 'Keyset', path: 'keyset' }).expect(201);
    groupId = group.body.id;
    for (let i = 0; i < PEOPLE; i++) {
      const person = await createPerson(t, `keyset-${String(i).padStart(2, '0')}`);
      await addMember(t, groupId, person.id, 30);
    }
    expected = (await t.sql<{ user_id: number }>('SELECT user_id FROM members WHERE group_id = ? ORDER BY id', [groupId])).map((r) => Number(r.user_id));
  });
  afterAll(async () => t.close());

  const get = (query: Record<string, string | number>) =>
    t
      .http()
      .get(`/api/v4/groups/${groupId}/members`)
      .query({ pagination: 'keyset', ...query })
      .set(adminAuth);

  it('pages forward by id_after through every member once, with the totals and cursors of each page', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const res = await get({ per_page: 5, ...(cursor ? { id_after: cursor } : {}) }).expect(200);
      pages++;
      expect(res.headers['x-total']).toBe(String(PEOPLE + 1));
      expect(res.headers['x-prev-cursor'] === '').toBe(pages === 1);
      seen.push(...res.body.map((m: { id: number }) => m.id));
      cursor = res.headers['x-next-cursor'];
      if (!cursor) {
        expect(res.headers.link).not.toContain('rel="next"');
        break;
      }
      expect(res.headers.link).toContain(`id_after=${cursor}`);
    }
    expect(pages).toBe(Math.ceil((PEOPLE + 1) / 5));
    expect(seen).toEqual(expected);
  });

  it('pages backward from the end by id_before, the last page holding the newest members', async () => {
    const seen: number[][] = [];
    let res = await get({ per_page: 5, from_end: 'true' }).expect(200);
    expect(res.headers['x-next-cursor']).toBe('');
    for (;;) {
      seen.unshift(res.body.map((m: { id: number }) => m.id));
      const prev = res.headers['x-prev-cursor'];
      if (!prev) break;
      res = await get({ per_page: 5, id_before: prev }).expect(200);
    }
    expect(seen.flat()).toEqual(expected);
    expect(seen[seen.length - 1]).toEqual(expected.slice(-5));
  });

  it('pages a search the same way, with the search total', async () => {
    const matching = expected.slice(1); // every keyset-NN person; the creator does not match
    const first = await get({ per_page: 10, search: 'keyset-' }).expect(200);
    expect(first.headers['x-total']).toBe(String(PEOPLE));
    const second = await get({ per_page: 10, search: 'keyset-', id_after: first.headers['x-next-cursor'] }).expect(200);
    const third = await get({ per_page: 10, search: 'keyset-', id_after: second.headers['x-next-cursor'] }).expect(200);
    expect(third.headers['x-next-cursor']).toBe('');
    expect([...first.body, ...second.body, ...third.body].map((m: { id: number }) => m.id)).toEqual(matching);
  });

  it('refuses cursors that are not positive whole numbers, or two directions at once', async () => {
    await get({ id_after: 'abc' }).expect(400);
    await get({ id_after: 3, id_before: 9 }).expect(400);
    await get({ from_end: 'yes' }).expect(400);
  });
});

/** The same keyset contract on a newest-first list (audit events) and on the users list. */
describe('admin API audit events and users, keyset paging', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    for (let i = 0; i < 12; i++) await createPerson(t, `paged-${String(i).padStart(2, '0')}`);
  });
  afterAll(async () => t.close());

  async function walk(path: string, perPage: number, query: Record<string, string> = {}): Promise<{ forward: number[]; backward: number[]; total: number }> {
    const page = (extra: Record<string, string | number>) =>
      t
        .http()
        .get(path)
        .query({ pagination: 'keyset', per_page: perPage, ...query, ...extra })
        .set(adminAuth)
        .expect(200);
    const forward: number[] = [];
    let res = await page({});
    const total = Number(res.headers['x-total']);
    for (;;) {
      forward.push(...res.body.map((row: { id: number }) => row.id));
      if (!res.headers['x-next-cursor']) break;
      res = await page({ id_after: res.headers['x-next-cursor'] });
    }
    const backward: number[][] = [];
    res = await page({ from_end: 'true' });
    for (;;) {
      backward.unshift(res.body.map((row: { id: number }) => row.id));
      if (!res.headers['x-prev-cursor']) break;
      res = await page({ id_before: res.headers['x-prev-cursor'] });
    }
    return { forward, backward: backward.flat(), total };
  }

  it('pages audit events newest first, forward and backward, each event once', async () => {
    const stored = (await t.sql<{ id: number }>('SELECT id FROM audit_events ORDER BY id DESC')).map((r) => Number(r.id));
    expect(stored.length).toBeGreaterThan(12);
    const { forward, backward, total } = await walk('/api/v4/audit_events', 5);
    expect(total).toBe(stored.length);
    expect(forward).toEqual(stored);
    expect(backward).toEqual(stored);
    const filtered = await walk('/api/v4/audit_events', 4, { event_name: 'user_created' });
    const created = (await t.sql<{ id: number }>("SELECT id FROM audit_events WHERE event_name = 'user_created' ORDER BY id DESC")).map((r) => Number(r.id));
    expect(created.length).toBe(12);
    expect(filtered).toEqual({ forward: created, backward: created, total: 12 });
  });

  it('pages users in id order, forward and backward, and by search', async () => {
    const stored = (await t.sql<{ id: number }>('SELECT id FROM users ORDER BY id')).map((r) => Number(r.id));
    expect(await walk('/api/v4/users', 5)).toEqual({ forward: stored, backward: stored, total: stored.length });
    const matching = (await t.sql<{ id: number }>("SELECT id FROM users WHERE username LIKE 'paged-%' ORDER BY id")).map((r) => Number(r.id));
    expect(await walk('/api/v4/users', 5, { search: 'paged-' })).toEqual({ forward: matching, backward: matching, total: 12 });
  });
});
