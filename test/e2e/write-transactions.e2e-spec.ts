import { jest } from '@jest/globals';
import { statSync } from 'node:fs';
import { Database, isUniqueViolation, Tx } from '../../src/database/database.service.js';
import { PreparedStatements } from '../../src/database/prepared-statements.js';
import type { WalCheckpointer } from '../../src/database/wal-checkpointer.js';
import { GroupEntity } from '../../src/groups/group.entity.js';
import { usingPostgres } from '../support/test-database.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const now = '2026-11-23T00:00:00.000Z';
const group = (path: string): Partial<GroupEntity> => ({
  name: path,
  path,
  pathLower: path.toLowerCase(),
  allowedEmailDomains: '[]',
  verifiedDomains: '[]',
  createdAt: now,
  updatedAt: now,
});

/**
 * Database.transaction as every write uses it: prepared statements on the SQLite writer (BEGIN and
 * COMMIT included), ORM calls on the transaction's manager, and the WAL checkpoints taken off the
 * commit path.
 */
describe('write transactions', () => {
  let t: TestApp;
  let db: Database;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(Database);
  });
  afterAll(async () => t.close());

  const names = async (prefix: string) =>
    (await t.sql<{ name: string }>('SELECT name FROM groups WHERE path LIKE ? ORDER BY id', [`${prefix}%`])).map((r) => r.name);

  it('commits hand-written statements and ORM calls of one transaction together', async () => {
    const id = await db.transaction(async (tx) => {
      const inserted = await db.insertEntity(tx, GroupEntity, group('commit-a'));
      await db.run(tx, 'UPDATE groups SET name = ? WHERE id = ?', ['renamed by run', inserted]);
      await tx.update(GroupEntity, { id: inserted }, { verifiedDomains: '["acme.test"]' });
      return inserted;
    });
    expect(await t.sql('SELECT name, verified_domains FROM groups WHERE id = ?', [id])).toEqual([{ name: 'renamed by run', verified_domains: '["acme.test"]' }]);
  });

  it('rolls back every statement of a failed transaction, ORM calls included, and the writer goes on', async () => {
    const [{ id: existing }] = await t.sql<{ id: number }>('SELECT id FROM groups WHERE path = ?', ['commit-a']);
    await expect(
      db.transaction(async (tx) => {
        await db.insertEntity(tx, GroupEntity, group('rollback-a'));
        await tx.update(GroupEntity, { id: existing }, { name: 'changed by the ORM' });
        throw new Error('the body failed');
      }),
    ).rejects.toThrow('the body failed');
    expect(await names('rollback-')).toEqual([]);
    expect(await names('commit-a')).toEqual(['renamed by run']);
    await db.transaction((tx) => db.insertEntity(tx, GroupEntity, group('rollback-b')));
    expect(await names('rollback-')).toEqual(['rollback-b']);
  });

  it('holds back writes sent at once with the first reads until BEGIN, so a failed body undoes them', async () => {
    const [{ id: existing }] = await t.sql<{ id: number }>('SELECT id FROM groups WHERE path = ?', ['commit-a']);
    const body = async (tx: Tx, round: number) => {
      // eslint-disable-next-line roster/no-parallel-tx -- sending the statements at once is what this test is about
      await Promise.all([
        db.findWhere(GroupEntity, '"id" = ?', [existing], tx),
        db.insertEntity(tx, GroupEntity, group(`first-${round}`)),
        db.run(tx, 'UPDATE groups SET name = ? WHERE id = ?', [`first write ${round}`, existing]),
        tx.update(GroupEntity, { id: existing }, { verifiedDomains: `["round${round}.test"]` }),
      ]);
      throw new Error('the body failed');
    };
    for (let round = 0; round < 5; round++) await expect(db.transaction((tx) => body(tx, round))).rejects.toThrow('the body failed');
    expect(await names('first-')).toEqual([]);
    expect(await t.sql('SELECT name, verified_domains FROM groups WHERE id = ?', [existing])).toEqual([{ name: 'renamed by run', verified_domains: '["acme.test"]' }]);
  });

  // The order statements are sent to the SQLite writer in: reads go with BEGIN, writes after it answered.
  (usingPostgres() ? it.skip : it)('sends the first reads together with BEGIN and every write only once BEGIN answered', async () => {
    const [{ id: existing }] = await t.sql<{ id: number }>('SELECT id FROM groups WHERE path = ?', ['commit-a']);
    const statements = async (tx: Tx) => {
      // eslint-disable-next-line roster/no-parallel-tx -- sending the statements at once is what this test is about
      await Promise.all([db.findWhere(GroupEntity, '"id" = ?', [existing], tx), db.run(tx, 'UPDATE groups SET name = name WHERE id = ?', [existing])]);
    };
    await db.transaction(statements); // prepares both statements, so neither waits for a prepare below
    const events: string[] = [];
    const sent = (sql: string) => events.push(`sent ${sql.split(' ')[0]}`);
    const run = PreparedStatements.run.bind(PreparedStatements);
    const all = PreparedStatements.all.bind(PreparedStatements);
    const runSpy = jest.spyOn(PreparedStatements, 'run').mockImplementation((statement, sql, params) => {
      sent(sql);
      const answer = run(statement, sql, params);
      if (sql === 'BEGIN') void answer.then(() => events.push('BEGIN answered'));
      return answer;
    });
    const allSpy = jest.spyOn(PreparedStatements, 'all').mockImplementation((statement, sql, params) => (sent(sql), all(statement, sql, params)));
    try {
      await db.transaction(statements);
    } finally {
      runSpy.mockRestore();
      allSpy.mockRestore();
    }
    expect(events).toEqual(['sent BEGIN', 'sent SELECT', 'BEGIN answered', 'sent UPDATE', 'sent COMMIT']);
  });

  it('answers what a write with RETURNING changed, and undoes it with the transaction', async () => {
    await db.transaction((tx) => db.insertEntity(tx, GroupEntity, group('returning-a')));
    const failure = await db
      .transaction(async (tx) => {
        const removed = await db.runReturning<{ path: string }>(tx, 'DELETE FROM groups WHERE path = ? RETURNING path AS "path"', ['returning-a']);
        expect(removed).toEqual([{ path: 'returning-a' }]);
        expect(await db.runReturning(tx, 'DELETE FROM groups WHERE path = ? RETURNING path', ['returning-a'])).toEqual([]);
        throw new Error('undo it');
      })
      .catch((error: Error) => error.message);
    expect(failure).toBe('undo it');
    expect(await names('returning-')).toEqual(['returning-a']);
  });

  it('reports a unique violation from a prepared insert as one, and rolls the transaction back', async () => {
    const failure = await db
      .transaction(async (tx) => {
        await db.insertEntity(tx, GroupEntity, group('unique-a'));
        await db.insertEntity(tx, GroupEntity, group('commit-a'));
      })
      .catch((error: unknown) => error);
    expect(isUniqueViolation(failure)).toBe(true);
    expect(await names('unique-')).toEqual([]);
    expect(await db.transaction((tx) => db.insertEntityIfFree(tx, GroupEntity, group('commit-a')))).toBeNull();
  });

  it('lets a read inside the transaction see its own uncommitted row, and no other reader', async () => {
    const seen = await db.transaction(async (tx) => {
      const id = await db.insertEntity(tx, GroupEntity, group('own-a'));
      const inside = await db.findWhere(GroupEntity, '"id" = ?', [id], tx);
      const outside = await db.findWhere(GroupEntity, '"id" = ?', [id]);
      return { inside: inside.map((g) => g.path), outside: outside.map((g) => g.path) };
    });
    // PostgreSQL's reader is the pool, which sees only committed rows; SQLite's is its own connection.
    expect(seen).toEqual({ inside: ['own-a'], outside: [] });
  });

  (usingPostgres() ? it.skip : it)('keeps the SQLite WAL bounded with the writer taking no checkpoint itself', async () => {
    const [{ wal_autocheckpoint }] = await t.sql<{ wal_autocheckpoint: number }>('PRAGMA wal_autocheckpoint');
    expect(wal_autocheckpoint).toBe(0);
    const checkpointer = (db as unknown as { checkpointer: WalCheckpointer }).checkpointer;
    const walFile = `${t.config.sqlitePath}-wal`;
    const [{ id }] = await t.sql<{ id: number }>('SELECT id FROM groups WHERE path = ?', ['commit-a']);
    const batch = async (round: number) => {
      for (let i = 0; i < 40; i++) await db.transaction((tx) => db.run(tx, 'UPDATE groups SET name = ? WHERE id = ?', [`round ${round} write ${i}`, id]));
      await checkpointer.checkpointIfDue();
    };
    await batch(0);
    await batch(1);
    const afterTwo = statSync(walFile).size;
    for (let round = 2; round < 8; round++) await batch(round);
    // Without checkpoints the WAL would hold every round's frames (about four times as many by now);
    // checkpointed, the writer starts it over and the file stops growing.
    expect(statSync(walFile).size).toBeLessThanOrEqual(afterTwo);
    expect(await names('commit-a')).toEqual(['round 7 write 39']);
  });
});
