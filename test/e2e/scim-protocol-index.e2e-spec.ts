import { adminAuth, setUpGroup, setUpInstance } from '../support/fixtures.js';
import { Query, ScimClient, scimClient, userPath } from '../support/scim-protocol-client.js';
import { seedIdentities } from '../support/seed-identities.js';
import { CapturedQuery, captureReaderSql, explain } from '../support/sql-capture.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * The lookups IdPs make on every sync (`userName eq`, `externalId eq`, by id, by work email) are
 * answered from indexes, and no filter reads more rows than the page it returns (scim-api.md
 * "Filters": compiled to SQL, never evaluated in memory). The SQL checked is the SQL the app ran,
 * captured at the driver, then EXPLAINed on the same database.
 */

const SEEDED = 3000;
const OTHER = 300;

describe('SCIM lookups use indexes', () => {
  let t: TestApp;
  const clients: Record<'group' | 'instance', ScimClient> = {} as never;

  beforeAll(async () => {
    t = await startTestApp();
    const g = await setUpGroup(t, 'acme');
    const other = await setUpGroup(t, 'other');
    const instance = await setUpInstance(t);
    clients.group = scimClient(t, g.base, g.scimToken);
    clients.instance = scimClient(t, instance.base, instance.scimToken);
    await seedIdentities(t, g.id, SEEDED, 'grp');
    await seedIdentities(t, other.id, OTHER, 'oth');
    await seedIdentities(t, null, SEEDED, 'ins');
    if (t.database.kind === 'postgres') await t.sql('ANALYZE');
  }, 120_000);
  afterAll(async () => t.close());

  /** Runs one request and returns the statements it sent against scim_identities. */
  async function identityQueries(request: () => Promise<unknown>): Promise<CapturedQuery[]> {
    const capture = captureReaderSql(t);
    try {
      await request();
    } finally {
      capture.stop();
    }
    const queries = capture.queries.filter((q) => /FROM "scim_identities"/.test(q.sql) && /^SELECT/i.test(q.sql));
    expect(queries.length).toBeGreaterThan(0);
    return queries;
  }

  /**
   * SQLite: the plan. PostgreSQL: the plan with the real statistics (ANALYZEd, thousands of rows)
   * and, to prove an index path exists whatever the statistics say, with sequential scans disabled.
   */
  async function plans(queries: CapturedQuery[], natural = true): Promise<string[]> {
    const out: string[] = [];
    for (const query of queries) {
      if (t.database.kind === 'sqlite' || natural) out.push((await explain(t, query)).join('\n'));
      if (t.database.kind === 'postgres') out.push((await explain(t, query, ['SET enable_seqscan = off'])).join('\n'));
    }
    return out;
  }

  /** No sequential or full scan of the identity tables, in any statement of the request. */
  function expectNoScan(plan: string): void {
    if (t.database.kind === 'sqlite') {
      expect(plan).not.toMatch(/\bSCAN\b/);
    } else {
      expect(plan).not.toMatch(/Seq Scan on (scim_identities|scim_identity_emails|users)\b/);
    }
  }

  const scopes = ['group', 'instance'] as const;

  describe.each(scopes)('at %s scope', (scope) => {
    const prefix = scope === 'group' ? 'grp' : 'ins';

    it('answers userName eq from the userName index and the account indexes, not by walking the scope', async () => {
      const queries = await identityQueries(async () => {
        const res = await clients[scope].get('/Users', { filter: `userName eq "${prefix}1234@SEED.test"` }).expect(200);
        expect(res.body.totalResults).toBe(1);
      });
      for (const plan of await plans(queries)) {
        expectNoScan(plan);
        expect(plan).toMatch(/ix_scim_identities_user_name/);
        expect(plan).toMatch(/uq_users_username_lower|ix_users_username_prefix/); // PostgreSQL may use the pattern index for =
        expect(plan).toMatch(/uq_users_email_lower/);
        if (t.database.kind === 'sqlite') expect(plan).not.toMatch(/SEARCH i USING (COVERING )?INDEX ix_scim_identities_group \(group_id=\?\)\n/);
      }
    });

    it.each(['externalId', 'id'])('answers %s eq from the (scope, extern_uid) unique index', async (attribute) => {
      const queries = await identityQueries(async () => {
        const res = await clients[scope].get('/Users', { filter: `${attribute} eq "EXT-${prefix}2345"` }).expect(200);
        expect(res.body.totalResults).toBe(1);
      });
      for (const plan of await plans(queries)) {
        expectNoScan(plan);
        expect(plan).toMatch(scope === 'group' ? /uq_scim_identities_group_extern_uid_lower/ : /uq_scim_identities_(instance|group)_extern_uid_lower/);
      }
    });

    it('answers GET Users/:id from the (scope, extern_uid) unique index', async () => {
      const queries = await identityQueries(() => clients[scope].get(userPath(`ext-${prefix}42`)).expect(200));
      for (const plan of await plans(queries)) {
        expectNoScan(plan);
        expect(plan).toMatch(scope === 'group' ? /uq_scim_identities_group_extern_uid_lower/ : /uq_scim_identities_(instance|group)_extern_uid_lower/);
      }
    });

    it.each(['emails[type eq "work"].value eq "%s"', 'emails eq "%s"', 'emails.value eq "%s"'])('answers %s from the email value index', async (template) => {
      const queries = await identityQueries(async () => {
        const res = await clients[scope].get('/Users', { filter: template.replace('%s', `${prefix}99@seed.test`) }).expect(200);
        expect(res.body.totalResults).toBe(1);
      });
      for (const plan of await plans(queries)) {
        expectNoScan(plan);
        expect(plan).toMatch(/ix_scim_identity_emails_value/);
      }
    });

    it('pages deep into the scope along the (scope, id) index', async () => {
      const first = await identityQueries(() => clients[scope].get('/Users', { startIndex: 2900, count: 100 }).expect(200));
      // The first deep page remembers the scope's page boundaries (one pass over its ids, by nature);
      // later pages start from a boundary and neither count nor walk the scope again.
      expect(first.filter((q) => /ROW_NUMBER\(\)/.test(q.sql))).toHaveLength(1);
      const queries = await identityQueries(() => clients[scope].get('/Users', { startIndex: 2500, count: 100 }).expect(200));
      expect(queries.filter((q) => /ROW_NUMBER\(\)|COUNT\(/i.test(q.sql))).toEqual([]);
      const page = queries.filter((q) => /json_group_array|json_agg/.test(q.sql));
      expect(page).toHaveLength(1);
      for (const plan of await plans(page, false)) {
        expectNoScan(plan);
        expect(plan).toMatch(/ix_scim_identities_group|uq_scim_identities_instance_|Index Scan using "PK_/);
      }
    });
  });

  describe('no filter reads more rows than it returns', () => {
    it.each([
      ['userName pr', SEEDED],
      ['userName sw "grp"', SEEDED],
      ['emails co "@seed"', SEEDED],
      ['not (active eq false) and name.givenName eq "seed"', SEEDED],
      ['emails[type eq "work" and value ew ".test"] or displayName pr', SEEDED],
      ['meta.created gt "2000-01-01T00:00:00Z"', SEEDED],
    ])('%s: the page comes from SQL (LIMIT), the total from COUNT', async (filter, total) => {
      const pagings: Query[] = [{ count: 50 }, { count: 50, cursor: '' }, { count: 50, sortBy: 'userName', sortOrder: 'descending' }];
      for (const paging of pagings) {
        let body: { totalResults: number; itemsPerPage: number } = { totalResults: 0, itemsPerPage: 0 };
        const queries = await identityQueries(async () => {
          body = (await clients.group.get('/Users', { filter, ...paging }).expect(200)).body;
        });
        expect(body).toMatchObject({ totalResults: total, itemsPerPage: 50 });
        const counts = queries.filter((q) => /COUNT\(/i.test(q.sql));
        const pages = queries.filter((q) => !/COUNT\(/i.test(q.sql));
        expect(counts).toHaveLength(1);
        expect(counts[0].rows).toBe(1);
        expect(pages).toHaveLength(1);
        expect(pages[0].sql).toMatch(/LIMIT/);
        expect(pages[0].rows).toBeLessThanOrEqual(51);
      }
    });
  });

  it("reads a members page's identities and sign-ins by index, the page's user ids bound as one parameter", async () => {
    const [{ id: groupId }] = await t.sql<{ id: number }>('SELECT id FROM groups WHERE path = ?', ['acme']);
    const capture = captureReaderSql(t);
    try {
      await t.http().get(`/api/v4/groups/${groupId}/members`).query({ per_page: 100 }).set(adminAuth).expect(200);
    } finally {
      capture.stop();
    }
    const byUsers = capture.queries.filter((q) => /FROM "(scim_identities|saml_identities|saml_sign_ins)" [iso] WHERE/.test(q.sql));
    expect(byUsers).toHaveLength(3);
    for (const query of byUsers) {
      expect(query.sql).toMatch(t.database.kind === 'sqlite' ? /IN \(SELECT "value" FROM json_each\(\?\)\)/ : /= ANY\(\$\d+::int\[\]\)/);
      // saml_identities and saml_sign_ins are empty here: on PostgreSQL only the index path is checked.
      for (const plan of await plans([query], false)) {
        if (t.database.kind === 'sqlite') expect(plan).not.toMatch(/\bSCAN [iso]\b/);
        else expect(plan).not.toMatch(/Seq Scan on (scim_identities|saml_identities|saml_sign_ins)\b/);
      }
    }
  });
});
