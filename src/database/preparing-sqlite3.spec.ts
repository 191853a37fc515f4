import sqlite3 from 'sqlite3';
import { DataSource } from 'typeorm';
import { PreparingDatabase, preparingSqlite3 } from './preparing-sqlite3.js';

/** The contract of PreparingDatabase: node-sqlite3's run/all, answered the same, with statements reused. */
describe('PreparingDatabase', () => {
  let db: PreparingDatabase;
  const open = () =>
    new Promise<PreparingDatabase>((resolve, reject) => {
      const connection: PreparingDatabase = new PreparingDatabase(':memory:', (error) => (error ? reject(error) : resolve(connection)));
    });
  const run = (sql: string, ...args: unknown[]) =>
    new Promise<{ lastID: number; changes: number }>((resolve, reject) =>
      db.run(sql, ...args, function (this: { lastID: number; changes: number }, error: Error | null) {
        if (error) reject(error);
        else resolve({ lastID: this.lastID, changes: this.changes });
      }),
    );
  const all = (sql: string, ...args: unknown[]) =>
    new Promise<unknown[]>((resolve, reject) => db.all(sql, ...args, (error: Error | null, rows: unknown[]) => (error ? reject(error) : resolve(rows))));

  beforeEach(async () => {
    db = await open();
    await run('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)');
  });
  afterEach(() => new Promise<void>((resolve, reject) => db.close((error) => (error ? reject(error) : resolve()))));

  it('answers run with lastID and changes, and all with the rows, as node-sqlite3 does', async () => {
    expect(await run('INSERT INTO t (name) VALUES (?)', ['a'])).toEqual({ lastID: 1, changes: 1 });
    expect(await run('INSERT INTO t (name) VALUES (?)', ['b'])).toEqual({ lastID: 2, changes: 1 });
    expect(await run('UPDATE t SET name = name || ? WHERE id > ?', ['!', 0])).toMatchObject({ changes: 2 });
    expect(await all('SELECT id, name FROM t ORDER BY id')).toEqual([
      { id: 1, name: 'a!' },
      { id: 2, name: 'b!' },
    ]);
  });

  it('accepts parameters as an array, as separate arguments, or none (undefined, as TypeORM sends)', async () => {
    await run('INSERT INTO t (name) VALUES (?)', ['array']);
    await run('INSERT INTO t (name) VALUES (?)', 'spread');
    expect(await all('SELECT name FROM t WHERE id > ? AND name <> ? ORDER BY id', 0, 'x')).toEqual([{ name: 'array' }, { name: 'spread' }]);
    expect(await all('SELECT COUNT(*) AS n FROM t', undefined)).toEqual([{ n: 2 }]);
  });

  it('prepares each text once and reuses it', async () => {
    const before = db.preparedCount;
    for (let i = 0; i < 20; i++) await run('INSERT INTO t (name) VALUES (?)', [`n${i}`]);
    for (let i = 0; i < 20; i++) await all('SELECT name FROM t WHERE id = ?', [i]);
    expect(db.preparedCount - before).toBe(2);
    expect(await all('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 20 }]);
  });

  it('reports errors as node-sqlite3 does: a text that does not prepare, and a constraint hit by a prepared statement', async () => {
    await expect(run('INSERT INTO nowhere VALUES (?)', [1])).rejects.toThrow(/no such table: nowhere/);
    await expect(all('SELEC 1')).rejects.toThrow(/syntax error/);
    await run('INSERT INTO t (name) VALUES (?)', ['taken']);
    await expect(run('INSERT INTO t (name) VALUES (?)', ['taken'])).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    // The statement that failed on a constraint stays usable.
    expect(await run('INSERT INTO t (name) VALUES (?)', ['free'])).toMatchObject({ changes: 1 });
  });

  it('leaves no statement open after a run that answers rows (PRAGMA, RETURNING): the transaction still commits', async () => {
    await run('BEGIN');
    await run('INSERT INTO t (name) VALUES (?) RETURNING id', ['returning']);
    await run('PRAGMA user_version = 7');
    await run('PRAGMA user_version');
    await run('COMMIT');
    expect(await all('SELECT name FROM t')).toEqual([{ name: 'returning' }]);
    expect(await all('PRAGMA user_version')).toEqual([{ user_version: 7 }]);
  });

  it('runs statements sent together, each once, with the right answers', async () => {
    const inserted = await Promise.all(Array.from({ length: 30 }, (_, i) => run('INSERT INTO t (name) VALUES (?)', [`c${i}`])));
    expect(new Set(inserted.map((r) => r.lastID)).size).toBe(30);
    expect(await all('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 30 }]);
  });

  it("is what TypeORM's driver option gets: transactions commit and roll back, and verbose() leaves the module alone", async () => {
    expect(preparingSqlite3.verbose()).toBe(preparingSqlite3);
    expect(preparingSqlite3.OPEN_READONLY).toBe(sqlite3.OPEN_READONLY);
    const source = await new DataSource({ type: 'sqlite', driver: preparingSqlite3, database: ':memory:' }).initialize();
    try {
      await source.query('CREATE TABLE u (id INTEGER PRIMARY KEY, v TEXT)');
      await source.transaction(async (m) => m.query('INSERT INTO u (v) VALUES (?)', ['kept']));
      await expect(
        source.transaction(async (m) => {
          await m.query('INSERT INTO u (v) VALUES (?)', ['undone']);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await source.query('SELECT v FROM u')).toEqual([{ v: 'kept' }]);
    } finally {
      await source.destroy();
    }
  });
});
