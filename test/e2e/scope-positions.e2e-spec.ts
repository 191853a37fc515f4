import { Database } from '../../src/database/database.service.js';
import { ScopePositions, STRIDE } from '../../src/database/scope-positions.js';
import { setUpGroup, setUpInstance } from '../support/fixtures.js';
import { scimClient } from '../support/scim-client.js';
import { seedIdentities } from '../support/seed-identities.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * Unfiltered SCIM pages and totals come from `scope_row_counts` (kept by triggers) and remembered
 * page boundaries instead of COUNT and OFFSET walks. Whatever the rows went through, every page and
 * total must equal what plain SQL over the table says.
 */
describe('scope row counts and deep-page positions', () => {
  let t: TestApp;
  let groupId: number;
  let client: ReturnType<typeof scimClient>;
  let instanceClient: ReturnType<typeof scimClient>;
  const SEEDED = STRIDE * 3 + 37;

  beforeAll(async () => {
    t = await startTestApp();
    const g = await setUpGroup(t, 'acme');
    const other = await setUpGroup(t, 'other');
    const instance = await setUpInstance(t);
    groupId = g.id;
    client = scimClient(t, g.base, g.scimToken);
    instanceClient = scimClient(t, instance.base, instance.scimToken);
    await seedIdentities(t, g.id, SEEDED, 'pos');
    await seedIdentities(t, other.id, 50, 'oth');
    await seedIdentities(t, null, STRIDE + 10, 'ins');
  }, 120_000);
  afterAll(async () => t.close());

  /** The scope's ids in creation order, straight from the table. */
  async function idsInSql(scope: number | null): Promise<string[]> {
    const rows = await t.sql<{ extern_uid: string }>(
      scope === null ? 'SELECT extern_uid FROM scim_identities WHERE group_id IS NULL ORDER BY id' : 'SELECT extern_uid FROM scim_identities WHERE group_id = ? ORDER BY id',
      scope === null ? [] : [scope],
    );
    return rows.map((r) => r.extern_uid);
  }

  async function expectPagesMatchSql(c: ReturnType<typeof scimClient>, scope: number | null, starts: number[]): Promise<void> {
    const expected = await idsInSql(scope);
    for (const startIndex of starts) {
      const res = await c.list(undefined, { startIndex, count: 25 }).expect(200);
      expect({ startIndex, total: res.body.totalResults, ids: res.body.Resources.map((r: { id: string }) => r.id) }).toEqual({
        startIndex,
        total: expected.length,
        ids: expected.slice(startIndex - 1, startIndex - 1 + 25),
      });
    }
  }

  const starts = (n: number) => [1, 2, STRIDE, STRIDE + 1, STRIDE + 2, 2 * STRIDE + 1, 3 * STRIDE - 5, 3 * STRIDE + 1, n - 3, n, n + 1, n + 500];

  it('keeps counts equal to COUNT(*) per scope and table after the migration and bulk SQL inserts', async () => {
    const rows = await t.sql<{ table_name: string; scope_id: number; row_count: number }>(
      'SELECT table_name, scope_id, SUM(row_count) AS row_count FROM scope_row_counts GROUP BY table_name, scope_id',
    );
    for (const table of ['scim_identities', 'members']) {
      const actual = await t.sql<{ scope_id: number; n: number }>(`SELECT COALESCE(group_id, 0) AS scope_id, COUNT(*) AS n FROM ${table} GROUP BY COALESCE(group_id, 0)`);
      const kept = rows
        .filter((r) => r.table_name === table)
        .map((r) => ({ scope_id: Number(r.scope_id), n: Number(r.row_count) }))
        .filter((r) => r.n > 0);
      expect(kept.sort((a, b) => a.scope_id - b.scope_id)).toEqual(actual.map((r) => ({ scope_id: Number(r.scope_id), n: Number(r.n) })).sort((a, b) => a.scope_id - b.scope_id));
    }
  });

  it('answers every page at group and instance scope exactly as OFFSET over the table would', async () => {
    await expectPagesMatchSql(client, groupId, starts(SEEDED));
    await expectPagesMatchSql(instanceClient, null, starts(STRIDE + 10));
  });

  it('stays exact after rows are removed and added behind the remembered boundaries', async () => {
    await expectPagesMatchSql(client, groupId, [STRIDE * 2 + 3]); // boundaries remembered
    const victims = (await idsInSql(groupId)).filter((_, i) => i === 3 || i === STRIDE + 7 || i === 2 * STRIDE);
    for (const uid of victims) {
      await t.sql('DELETE FROM scim_identity_emails WHERE identity_id IN (SELECT id FROM scim_identities WHERE extern_uid = ?)', [uid]);
      await t.sql('DELETE FROM scim_identities WHERE extern_uid = ?', [uid]);
    }
    await expectPagesMatchSql(client, groupId, starts(SEEDED - 3));
    const created = await client.create({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'late.comer@acme.test',
      externalId: 'late-comer',
      name: { givenName: 'Late', familyName: 'Comer' },
      emails: [{ value: 'late.comer@acme.test', primary: true }],
      active: true,
    });
    expect(created.status).toBe(201);
    await expectPagesMatchSql(client, groupId, starts(SEEDED - 2));
  });

  it('counts members per group through SCIM deprovisioning and the admin API', async () => {
    const positions = new ScopePositions(t.app.get(Database), 'members');
    const before = await positions.count(groupId);
    await client.patch('late-comer', [{ op: 'replace', value: { active: false } }]).expect(204);
    const after = await positions.count(groupId);
    expect(after).toEqual({ count: before.count - 1, removals: before.removals + 1 });
    const [{ n }] = await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM members WHERE group_id = ?', [groupId]);
    expect(after.count).toBe(Number(n));
  });
});
