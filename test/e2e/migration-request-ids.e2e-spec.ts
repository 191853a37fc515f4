import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../src/database/entities.js';
import { migrate } from '../../src/database/migrate.js';
import { oktaUser, SCIM_JSON, auth, setUpGroup } from '../support/fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * The migration adding request ids and the shared rate buckets, down and up on the engine of the
 * run: down removes exactly what up added and keeps every row; up again adds them back, empty.
 */
const THIS_MIGRATION = 'RequestIdsAndRateBuckets1764900000000';
/** Migrations merged after this one: undone first, so that this one is the last when it is undone. */
const NEWER = MIGRATIONS.slice(MIGRATIONS.findIndex((m) => m.name === THIS_MIGRATION) + 1).map((m) => m.name);

describe('migration RequestIdsAndRateBuckets', () => {
  let t: TestApp;
  let writer: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    writer = t.app.get<DataSource>(getDataSourceToken());
    const g = await setUpGroup(t, 'request-ids-migration');
    await t.http().post(`${g.base}/Users`).set(auth(g.scimToken)).set('Content-Type', SCIM_JSON).send(JSON.stringify(oktaUser())).expect(201);
    await t.flushLogs();
  });
  afterAll(async () => t.close());

  const columnsOf = async (table: string) =>
    t.database.kind === 'postgres'
      ? (await t.sql<{ name: string }>('SELECT column_name AS name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position', [table])).map((c) => c.name)
      : (await t.sql<{ name: string }>(`SELECT name FROM pragma_table_info('${table}')`)).map((c) => c.name);
  const tableExists = async (table: string) => (await columnsOf(table)).length > 0;
  const rowCounts = async () => ({
    audit: Number((await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM audit_events'))[0].n),
    requests: Number((await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM scim_requests'))[0].n),
  });

  it('is reversible and keeps every row', async () => {
    const before = await rowCounts();
    expect(before.requests).toBeGreaterThan(0);
    expect(await columnsOf('audit_events')).toContain('request_id');
    expect(await columnsOf('scim_requests')).toContain('request_id');
    expect(await tableExists('scim_rate_buckets')).toBe(true);
    if (t.database.kind === 'postgres') {
      // Written by every SCIM request, disposable after a crash: no WAL (see the migration).
      const [table] = await t.sql<{ persistence: string }>("SELECT relpersistence AS persistence FROM pg_class WHERE relname = 'scim_rate_buckets'");
      expect(table.persistence).toBe('u');
    }

    for (let i = 0; i <= NEWER.length; i++) await writer.undoLastMigration({ transaction: 'each' });
    expect(await columnsOf('audit_events')).not.toContain('request_id');
    expect(await columnsOf('scim_requests')).not.toContain('request_id');
    expect(await tableExists('scim_rate_buckets')).toBe(false);
    expect(await rowCounts()).toEqual(before);

    expect((await migrate(writer)).map((m) => m.name)).toEqual([THIS_MIGRATION, ...NEWER]);
    expect(await columnsOf('audit_events')).toContain('request_id');
    expect(await tableExists('scim_rate_buckets')).toBe(true);
    expect(await rowCounts()).toEqual(before);
    expect(await t.sql('SELECT * FROM audit_events WHERE request_id IS NOT NULL')).toEqual([]);
  });
});
