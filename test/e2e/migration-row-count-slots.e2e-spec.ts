import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../src/database/entities.js';
import { migrate } from '../../src/database/migrate.js';
import { oktaUser, SCIM_JSON, auth, setUpGroup } from '../support/fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * The migration that spreads scope_row_counts over slots, both ways on the engine of the run:
 * up keeps every scope's count and removals, down folds the slots back into one row per scope
 * (counts afresh, removals carried over), and up again restores the slots.
 */
describe('migration ScopeRowCountSlots', () => {
  let t: TestApp;
  let writer: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    writer = t.app.get<DataSource>(getDataSourceToken());
    const g = await setUpGroup(t, 'slots');
    for (let i = 0; i < 6; i++) {
      const res = await t
        .http()
        .post(`${g.base}/Users`)
        .set(auth(g.scimToken))
        .set('Content-Type', SCIM_JSON)
        .send(JSON.stringify(oktaUser({ externalId: `slot-${i}` })));
      expect(res.status).toBe(201);
    }
    await t.http().delete(`${g.base}/Users/slot-0`).set(auth(g.scimToken)).expect(204);
  });
  afterAll(async () => t.close());

  /** Per (table, scope): the summed count and removals, and COUNT(*) of the table. */
  async function counts() {
    const kept = await t.sql<{ table_name: string; scope_id: number; n: number | string; removals: number | string }>(
      'SELECT table_name, scope_id, SUM(row_count) AS n, SUM(removals) AS removals FROM scope_row_counts GROUP BY table_name, scope_id ORDER BY table_name, scope_id',
    );
    const actual = await t.sql<{ table_name: string; scope_id: number; n: number | string }>(
      "SELECT 'members' AS table_name, COALESCE(group_id, 0) AS scope_id, COUNT(*) AS n FROM members GROUP BY COALESCE(group_id, 0) " +
        "UNION ALL SELECT 'scim_identities', COALESCE(group_id, 0), COUNT(*) FROM scim_identities GROUP BY COALESCE(group_id, 0) ORDER BY 1, 2",
    );
    return {
      kept: kept.map((r) => ({ table: r.table_name, scope: Number(r.scope_id), n: Number(r.n), removals: Number(r.removals) })).filter((r) => r.n > 0 || r.removals > 0),
      actual: actual.map((r) => ({ table: r.table_name, scope: Number(r.scope_id), n: Number(r.n) })),
    };
  }

  const columns = async () =>
    t.database.kind === 'postgres'
      ? (await t.sql<{ name: string }>("SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'scope_row_counts' ORDER BY ordinal_position")).map((c) => c.name)
      : (await t.sql<{ name: string }>("SELECT name FROM pragma_table_info('scope_row_counts')")).map((c) => c.name);

  it('keeps counts and removals through down and up, and the triggers keep counting after each', async () => {
    const before = await counts();
    expect(before.kept.map(({ table, scope, n }) => ({ table, scope, n }))).toEqual(before.actual);
    // One membership was removed by the DELETE above.
    expect(before.kept.find((r) => r.table === 'members' && r.scope !== 0)?.removals).toBe(1);
    expect(await columns()).toContain('slot');

    // Down to just before it: the migrations after it first, newest first.
    const index = MIGRATIONS.findIndex((m) => m.name === 'ScopeRowCountSlots1764100000000');
    const later = MIGRATIONS.slice(index + 1).map((m) => m.name);
    for (let i = 0; i <= later.length; i++) await writer.undoLastMigration({ transaction: 'each' });
    expect(await columns()).not.toContain('slot');
    expect(await counts()).toEqual(before);
    await t.sql('DELETE FROM members WHERE user_id = (SELECT MAX(user_id) FROM members)');
    const down = await counts();
    expect(down.kept.map(({ table, scope, n }) => ({ table, scope, n }))).toEqual(down.actual);

    expect((await migrate(writer)).map((m) => m.name)).toEqual(['ScopeRowCountSlots1764100000000', ...later]);
    expect(await columns()).toContain('slot');
    expect(await counts()).toEqual(down);
    await t.sql('DELETE FROM members WHERE user_id = (SELECT MAX(user_id) FROM members)');
    const up = await counts();
    expect(up.kept.map(({ table, scope, n }) => ({ table, scope, n }))).toEqual(up.actual);
    expect(up.kept.find((r) => r.table === 'members' && r.scope !== 0)!.removals).toBe(down.kept.find((r) => r.table === 'members' && r.scope !== 0)!.removals + 1);
  });
});
