import { setUpGroup } from '../support/fixtures.js';
import { ListBody, Query, ScimClient, scimClient, USER_SCHEMA } from '../support/scim-protocol-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { usingPostgres } from '../support/test-database.js';

/**
 * Paging through an email filter one row at a time, by index and by cursor, with and without sortBy:
 * every match exactly once, nothing else, in order, and the same totalResults on every page.
 *
 * Regression: SQLite 3.52.0 (bundled by sqlite3 6.0.1) made the filter's correlated
 * `EXISTS (SELECT … FROM scim_identity_emails …)` a join and counted OFFSET once per matching email
 * instead of once per person, so with two matching emails each, `startIndex=3&count=5` over 4 people
 * returned people 2–4 with `totalResults: 5`. Every person here has two or three matching emails.
 * Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL points at one.
 */

const FILTER = 'emails.value co "mark"';
const PEOPLE = 54;

interface Person {
  externalId: string;
  userName: string;
  matches: boolean;
}

describe(`SCIM paging through an email filter on ${usingPostgres() ? 'PostgreSQL' : 'SQLite'}`, () => {
  let t: TestApp;
  let scim: ScimClient;
  // In creation order.
  const people: Person[] = [];
  const expected = () => people.filter((p) => p.matches);

  beforeAll(async () => {
    t = await startTestApp();
    expect(t.database.kind).toBe(usingPostgres() ? 'postgres' : 'sqlite');
    const group = await setUpGroup(t, 'paging.eu');
    const other = await setUpGroup(t, 'other.eu');
    scim = scimClient(t, group.base, group.scimToken);
    for (let i = 0; i < PEOPLE; i++) {
      // userName order is a permutation of creation order (7 is coprime with 54).
      const userName = `person${String((i * 7) % PEOPLE).padStart(2, '0')}@paging.test`;
      const externalId = `paging-${String(i).padStart(2, '0')}`;
      // Every fifth person has no matching email (one has none at all); the others two or three.
      const matches = i % 5 !== 2;
      const emails = matches
        ? [
            { value: `p${i}.mark@work.test`, type: 'work', primary: true },
            { value: `p${i}.Mark@home.test`, type: 'home' },
            ...(i % 3 === 0 ? [{ value: `p${i}@marketing.test`, type: 'other' }] : []),
          ]
        : i === 2
          ? []
          : [
              { value: `p${i}@work.test`, type: 'work', primary: true },
              { value: `p${i}@home.test`, type: 'home' },
            ];
      await scim.create({ schemas: [USER_SCHEMA], userName, externalId, name: { givenName: 'P', familyName: `Person ${i}` }, emails, active: true });
      people.push({ externalId, userName, matches });
    }
    // Matches in another scope must never show up.
    const outsider = scimClient(t, other.base, other.scimToken);
    for (let i = 0; i < 5; i++) {
      await outsider.create({
        schemas: [USER_SCHEMA],
        userName: `outsider${i}@paging.test`,
        externalId: `outsider-${i}`,
        emails: [
          { value: `o${i}.mark@work.test`, type: 'work', primary: true },
          { value: `o${i}.mark@home.test`, type: 'home' },
        ],
      });
    }
  }, 120_000);
  afterAll(async () => t?.close());

  async function page(query: Query): Promise<ListBody> {
    const res = await scim.get('/Users', { filter: FILTER, count: 1, attributes: 'userName', ...query });
    if (res.status !== 200) throw new Error(`${JSON.stringify(query)} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as ListBody;
  }

  const byUserName = (a: Person, b: Person) => (a.userName < b.userName ? -1 : a.userName > b.userName ? 1 : 0);
  const ORDERS: [name: string, sort: Query, order: () => Person[]][] = [
    ['creation order', {}, () => expected()],
    ['sortBy=userName', { sortBy: 'userName' }, () => [...expected()].sort(byUserName)],
    ['sortBy=userName descending', { sortBy: 'userName', sortOrder: 'descending' }, () => [...expected()].sort(byUserName).reverse()],
  ];

  it('has enough matching people, each with several matching emails, for the paging to mean something', () => {
    expect(expected().length).toBe(43);
    expect(people.length - expected().length).toBe(11);
  });

  it.each(ORDERS)('pages by startIndex with count=1 in %s', async (_name, sort, order) => {
    const want = order().map((p) => p.externalId);
    const seen: string[] = [];
    const totals = new Set<number>();
    const shapes: string[] = [];
    // One page past the last match, which must be empty.
    for (let startIndex = 1; startIndex <= want.length + 1; startIndex++) {
      const body = await page({ ...sort, startIndex });
      totals.add(body.totalResults);
      shapes.push(`${body.startIndex}:${body.itemsPerPage}:${body.Resources.length}`);
      seen.push(...body.Resources.map((r) => r.id as string));
    }
    // Each expected person once, no one else, in the order asked for; one totalResults throughout.
    expect({ ids: seen, totalResults: [...totals] }).toEqual({ ids: want, totalResults: [want.length] });
    expect(shapes).toEqual([...want.map((_, i) => `${i + 1}:1:1`), `${want.length + 1}:0:0`]);
  });

  // Several rows a page, the last page partly full, as in the report (`startIndex=3&count=5`).
  it.each(ORDERS)('pages by startIndex with count=5 and count=7 in %s, totalResults the same on every page', async (_name, sort, order) => {
    const want = order().map((p) => p.externalId);
    for (const count of [5, 7]) {
      const seen: string[] = [];
      const totals: number[] = [];
      for (let startIndex = 1; startIndex <= want.length + count; startIndex += count) {
        const body = await page({ ...sort, startIndex, count });
        totals.push(body.totalResults);
        seen.push(...body.Resources.map((r) => r.id as string));
      }
      expect({ count, ids: seen, totalResults: [...new Set(totals)] }).toEqual({ count, ids: want, totalResults: [want.length] });
    }
  });

  it.each(ORDERS)('pages by cursor with count=1 in %s', async (_name, sort, order) => {
    const want = order().map((p) => p.externalId);
    const seen: string[] = [];
    const totals = new Set<number>();
    let cursor = '';
    for (let request = 0; request <= want.length + 1; request++) {
      const body = await page({ ...sort, cursor });
      totals.add(body.totalResults);
      expect(body.startIndex).toBeUndefined();
      seen.push(...body.Resources.map((r) => r.id as string));
      if (!body.nextCursor) break;
      cursor = body.nextCursor;
    }
    expect({ ids: seen, totalResults: [...totals] }).toEqual({ ids: want, totalResults: [want.length] });
  });

  it('returns every match in one page, in creation order, with the same total', async () => {
    const whole = await page({ count: 1000 });
    expect(whole.totalResults).toBe(expected().length);
    expect(whole.Resources.map((r) => r.id)).toEqual(expected().map((p) => p.externalId));
    expect(whole.Resources.map((r) => r.userName)).toEqual(expected().map((p) => p.userName));
  });
});
