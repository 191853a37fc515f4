import { Database } from '../../src/database/database.service.js';
import { GroupEntity } from '../../src/groups/group.entity.js';
import { SamlProviderEntity } from '../../src/groups/saml-provider.entity.js';
import { setUpGroup } from '../support/fixtures.js';
import { captureReaderSql } from '../support/sql-capture.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/** The hand-written entity reads every request makes: types, and sharing of identical reads in flight. */
describe('Database.findWhere and findWhereShared', () => {
  let t: TestApp;
  let db: Database;
  let groupId: number;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(Database);
    groupId = (await setUpGroup(t, 'acme', { enforced_sso: true })).id;
  });
  afterAll(async () => t.close());

  it('returns entities with the column types of the entity on either engine', async () => {
    const [provider] = await db.findWhere(SamlProviderEntity, '"group_id" = ?', [groupId]);
    expect(provider).toBeInstanceOf(SamlProviderEntity);
    expect(provider).toMatchObject({ groupId, scopeKey: `group:${groupId}`, enabled: true, enforcedSso: true });
    expect(typeof provider.id).toBe('number');
    expect(typeof provider.defaultMembershipRole).toBe('number');
    expect(await db.findWhere(SamlProviderEntity, '"group_id" = ?', [groupId + 1000])).toEqual([]);
  });

  it('runs identical reads issued together as one query, each caller getting its own entity', async () => {
    const capture = captureReaderSql(t);
    let groups: GroupEntity[][];
    try {
      groups = await Promise.all(Array.from({ length: 10 }, () => db.findWhereShared(GroupEntity, '"id" = ?', [groupId])));
    } finally {
      capture.stop();
    }
    expect(capture.queries.filter((q) => /FROM "groups"/.test(q.sql))).toHaveLength(1);
    expect(groups.map((g) => g[0].path)).toEqual(Array(10).fill('acme'));
    expect(new Set(groups.map((g) => g[0])).size).toBe(10);
  });

  it('keeps nothing once the query has answered: the next read sees a committed change', async () => {
    const [before] = await db.findWhereShared(GroupEntity, '"id" = ?', [groupId]);
    await t.sql('UPDATE groups SET name = ? WHERE id = ?', ['Renamed', groupId]);
    const [after] = await db.findWhereShared(GroupEntity, '"id" = ?', [groupId]);
    expect([before.name, after.name]).toEqual(['Group acme', 'Renamed']);
  });

  it('gives every caller the error of a failed shared read', async () => {
    const reads = Array.from({ length: 3 }, () => db.findWhereShared(GroupEntity, 'no_such_function("id") = ?', [1]));
    const outcomes = await Promise.allSettled(reads);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  it('matches an id list of any length as one bound parameter, past the 999 parameters SQLite allows', async () => {
    const ids = [groupId, ...Array.from({ length: 1500 }, (_, i) => groupId + 10_000 + i)];
    const inList = db.inIds('"id"', ids);
    expect(inList.values).toHaveLength(1);
    const groups = await db.findWhere(GroupEntity, inList.sql, inList.values);
    expect(groups.map((g) => g.id)).toEqual([groupId]);
    const none = db.inIds('"id"', []);
    expect(await db.findWhere(GroupEntity, none.sql, none.values)).toEqual([]);
  });
});
