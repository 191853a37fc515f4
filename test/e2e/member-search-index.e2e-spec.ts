import { adminAuth, setUpGroup, GroupSetup } from '../support/fixtures.js';
import { addMember, createPerson } from '../support/admin-people.js';
import { usingPostgres } from '../support/test-database.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * The members search ("contains" over username, email and name) answers the same through the
 * trigram index (migration 1765500000000) as the LIKE scan it replaces: any part, any case, special
 * characters literally, and it follows renames and deletions made after the index was built.
 */
describe('members search through the trigram index', () => {
  let t: TestApp;
  let g: GroupSetup;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'search-acme');
    const people = {
      marguerite: { name: 'Marguerite Yourcenar', email: 'm.yourcenar@lettres.test' },
      percent: { name: 'Hundred 100% Sure', email: 'hundred@numbers.test' },
      quoted: { name: 'Dwayne "The Rock" Johnson', email: 'dj@quotes.test' },
      accented: { name: 'ÉLODIE Çelik', email: 'elodie@accents.test' },
      outsider: { name: 'Marguerite Outside', email: 'outside@lettres.test' },
    };
    for (const [key, p] of Object.entries(people)) {
      const person = await createPerson(t, key, p);
      ids[key] = person.id;
      if (key !== 'outsider') await addMember(t, g.id, person.id, 30);
    }
  });
  afterAll(async () => t.close());

  const search = async (q: string) => {
    const res = await t.http().get(`/api/v4/groups/${g.id}/members`).query({ search: q, per_page: 100 }).set(adminAuth).expect(200);
    expect(res.headers['x-total']).toBe(String(res.body.length));
    return (res.body as { id: number }[]).map((m) => m.id).sort((a, b) => a - b);
  };
  const only = (...keys: string[]) => keys.map((k) => ids[k]).sort((a, b) => a - b);

  it('finds any part of a name, username or email, in any case, among the group’s members only', async () => {
    expect(await search('RGUERITE yOUR')).toEqual(only('marguerite'));
    expect(await search('lettres.test')).toEqual(only('marguerite'));
    expect(await search('percent')).toEqual(only('percent'));
    expect(await search('élodie')).toEqual(only('accented'));
    expect(await search('nobody-has-this')).toEqual([]);
  });

  it('matches %, _ and double quotes literally, and short searches too', async () => {
    expect(await search('100%')).toEqual(only('percent'));
    expect(await search('0% S')).toEqual(only('percent'));
    expect(await search('"The Rock"')).toEqual(only('quoted'));
    expect(await search('e "T')).toEqual(only('quoted'));
    expect(await search('_')).toEqual([]);
    expect(await search('dj')).toEqual(only('quoted'));
  });

  it('follows a rename made after the index was built', async () => {
    await t.http().put(`/api/v4/users/${ids.marguerite}`).set(adminAuth).send({ name: 'Marguerite Duras' }).expect(200);
    expect(await search('yourcenar yourcenar')).toEqual([]);
    expect(await search('Duras')).toEqual(only('marguerite'));
    expect(await search('m.yourcenar')).toEqual(only('marguerite'));
  });

  it('answers from the index, not by reading every member', async () => {
    if (usingPostgres()) {
      const [{ n }] = await t.sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM pg_indexes WHERE indexname IN ('ix_users_username_trgm', 'ix_users_email_trgm', 'ix_users_name_trgm')");
      expect(Number(n)).toBe(3);
      return;
    }
    const plan = await t.sql<{ detail: string }>(
      `EXPLAIN QUERY PLAN SELECT m."user_id" FROM "members" m WHERE m."group_id" = ? AND m."user_id" IN (SELECT "rowid" FROM "users_search" WHERE "users_search" MATCH ?)`,
      [g.id, '"duras"'],
    );
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/VIRTUAL TABLE INDEX \d+:M/);
    // Rows written behind the API's back (a bulk load, a clean-up) are followed too: the triggers are the schema's.
    const match = async (q: string) => (await t.sql<{ rowid: number }>('SELECT rowid FROM "users_search" WHERE "users_search" MATCH ?', [q])).map((r) => Number(r.rowid));
    await t.sql(
      `INSERT INTO users (username, username_lower, name, email, email_lower, state, is_admin, created_at, updated_at) VALUES ('zz', 'zz', 'Zebulon Quarry', 'zq@x.test', 'zq@x.test', 'active', ?, '2026-01-01', '2026-01-01')`,
      [usingPostgres() ? false : 0],
    );
    const [{ id }] = await t.sql<{ id: number }>("SELECT id FROM users WHERE username_lower = 'zz'");
    expect(await match('"quarry"')).toEqual([Number(id)]);
    await t.sql('DELETE FROM users WHERE id = ?', [id]);
    expect(await match('"quarry"')).toEqual([]);
  });
});
