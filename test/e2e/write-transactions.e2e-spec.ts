import { statSync } from 'node:fs';
import { Database, isUniqueViolation, Tx } from '../../src/database/database.service.js';
import { OverlappingStatementError, TransactionClosedError } from '../../src/database/transaction.js';
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
const ROUNDS = 20;
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/**
 * The transaction contract of src/database/README.md, on whichever engine the run uses: everything
 * a body writes commits together or not at all, statements of one transaction run one at a time,
 * and nothing sent on a handle after its transaction ended reaches the database.
 */
describe('write transactions', () => {
  let t: TestApp;
  let db: Database;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(Database);
  });
  afterAll(async () => t.close());

  const names = async (prefix: string) => (await t.sql<{ name: string }>('SELECT name FROM groups WHERE path LIKE ? ORDER BY id', [`${prefix}%`])).map((r) => r.name);

  it('commits hand-written statements and ORM calls of one transaction together', async () => {
    const id = await db.transaction(async (tx) => {
      const inserted = await db.insertEntity(tx, GroupEntity, group('commit-a'));
      await tx.execute('UPDATE groups SET name = ? WHERE id = ?', ['renamed by execute', inserted]);
      await tx.update(GroupEntity, { id: inserted }, { verifiedDomains: '["acme.test"]' });
      return inserted;
    });
    expect(await t.sql('SELECT name, verified_domains FROM groups WHERE id = ?', [id])).toEqual([{ name: 'renamed by execute', verified_domains: '["acme.test"]' }]);
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
    expect(await names('commit-a')).toEqual(['renamed by execute']);
    await db.transaction((tx) => db.insertEntity(tx, GroupEntity, group('rollback-b')));
    expect(await names('rollback-')).toEqual(['rollback-b']);
  });

  it('refuses a second statement while one of the same transaction is running: a Promise.all over one handle fails and commits nothing', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const failure = await db
        .transaction(async (tx) => {
          // eslint-disable-next-line roster/no-parallel-tx -- the misuse this test proves is refused
          await Promise.all([db.insertEntity(tx, GroupEntity, group(`parallel-a${round}`)), db.insertEntity(tx, GroupEntity, group(`parallel-b${round}`))]);
        })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(OverlappingStatementError);
    }
    expect(await names('parallel-')).toEqual([]);
  });

  it('lets nothing a still-running branch sends after the body failed reach the database: it throws instead of committing on its own', async () => {
    const late: unknown[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let branch: Promise<void> | undefined;
      const failure = await db
        .transaction(async (tx) => {
          // A branch that goes on writing after the body has given up (what a Promise.all whose
          // other branch failed leaves behind), with its first statement in flight when the body fails.
          branch = (async () => {
            await db.insertEntity(tx, GroupEntity, group(`late-first-${round}`));
            await tick();
            await db.insertEntity(tx, GroupEntity, group(`late-second-${round}`));
          })().catch((error: unknown) => void late.push(error));
          throw new Error('the other branch failed');
        })
        .catch((error: Error) => error.message);
      expect(failure).toBe('the other branch failed');
      await branch;
    }
    expect(await names('late-')).toEqual([]);
    expect(late).toHaveLength(ROUNDS);
    for (const error of late) expect(error).toBeInstanceOf(TransactionClosedError);
  });

  it('closes the handle at commit: a statement sent on it afterwards throws and changes nothing', async () => {
    let kept: Tx | undefined;
    await db.transaction(async (tx) => {
      kept = tx;
      await db.insertEntity(tx, GroupEntity, group('closed-a'));
    });
    expect(kept!.isOpen).toBe(false);
    await expect(db.insertEntity(kept!, GroupEntity, group('closed-b'))).rejects.toBeInstanceOf(TransactionClosedError);
    await expect(kept!.update(GroupEntity, { path: 'closed-a' }, { name: 'changed after commit' })).rejects.toBeInstanceOf(TransactionClosedError);
    expect(await names('closed-')).toEqual(['closed-a']);
  });

  it('waits for a statement still in flight when the body returns, commits it, then refuses the next', async () => {
    let floating: Promise<unknown> | undefined;
    await db.transaction(async (tx) => {
      floating = (async () => {
        await db.insertEntity(tx, GroupEntity, group('floating-a'));
        await db.insertEntity(tx, GroupEntity, group('floating-b'));
      })().catch((error: unknown) => error);
    });
    expect(await floating).toBeInstanceOf(TransactionClosedError);
    expect(await names('floating-')).toEqual(['floating-a']);
  });

  it('inserts rows queued for commit in one statement with the transaction, or not at all', async () => {
    const columns = ['name', 'path', 'path_lower', 'allowed_email_domains', 'verified_domains', 'created_at', 'updated_at'];
    const row = (path: string) => [path, path, path, '[]', '[]', now, now];
    await db.transaction(async (tx) => {
      await tx.insertAtCommit('groups', columns, row('queued-a'));
      await tx.insertAtCommit('groups', columns, row('queued-b'));
      // Not yet inserted: they go in just before COMMIT.
      expect(await tx.select('SELECT id FROM groups WHERE path LIKE ?', ['queued-%'])).toEqual([]);
    });
    expect(await names('queued-')).toEqual(['queued-a', 'queued-b']);
    await expect(
      db.transaction(async (tx) => {
        await tx.insertAtCommit('groups', columns, row('queued-c'));
        throw new Error('the body failed');
      }),
    ).rejects.toThrow('the body failed');
    expect(await names('queued-')).toEqual(['queued-a', 'queued-b']);
  });

  it('keeps rows queued before a savepoint through a ROLLBACK TO it, and undoes those queued after', async () => {
    const columns = ['name', 'path', 'path_lower', 'allowed_email_domains', 'verified_domains', 'created_at', 'updated_at'];
    const row = (path: string) => [path, path, path, '[]', '[]', now, now];
    await db.transaction(async (tx) => {
      await tx.insertAtCommit('groups', columns, row('savepoint-before'));
      await tx.execute('SAVEPOINT s1');
      await tx.insertAtCommit('groups', columns, row('savepoint-inside'));
      await tx.execute('ROLLBACK TO SAVEPOINT s1');
      await tx.execute('RELEASE SAVEPOINT s1');
      await tx.insertAtCommit('groups', columns, row('savepoint-after'));
    });
    expect(await names('savepoint-')).toEqual(['savepoint-before', 'savepoint-after']);
  });

  it('reports a unique violation as one, and rolls the transaction back', async () => {
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

  it('changes a row by compare-and-set only while it still has the version read', async () => {
    const [{ id }] = await t.sql<{ id: number }>('SELECT id FROM groups WHERE path = ?', ['commit-a']);
    const stale = await db.transaction(async (tx) => {
      await tx.execute('UPDATE groups SET name = ? WHERE id = ?', ['cas', id]);
      return tx.execute('UPDATE groups SET name = ? WHERE id = ? AND name = ?', ['cas lost', id, 'not cas']);
    });
    expect(stale.affected).toBe(0);
    expect(await names('commit-a')).toEqual(['cas']);
  });

  it('lets a read inside the transaction see its own uncommitted row, and no other reader', async () => {
    const seen = await db.transaction(async (tx) => {
      const id = await db.insertEntity(tx, GroupEntity, group('own-a'));
      const inside = await db.findWhere(GroupEntity, '"id" = ?', [id], tx);
      const outside = await db.findWhere(GroupEntity, '"id" = ?', [id]);
      return { inside: inside.map((g) => g.path), outside: outside.map((g) => g.path) };
    });
    expect(seen).toEqual({ inside: ['own-a'], outside: [] });
  });

  (usingPostgres() ? it : it.skip)('holds a row lock taken twice once, and takes it anew after a ROLLBACK TO a savepoint that released it', async () => {
    const [{ id }] = await t.sql<{ id: number }>('SELECT id FROM groups WHERE path = ?', ['commit-a']);
    // Another connection's NOWAIT attempt tells whether the transaction holds the row now.
    const heldElsewhere = async () =>
      t.sql('SELECT 1 FROM groups WHERE id = ? FOR UPDATE NOWAIT', [id]).then(
        () => false,
        (error: { driverError?: { code?: string } }) => error.driverError?.code === '55P03',
      );
    const seen = await db.transaction(async (tx) => {
      await tx.lockRow('groups', id);
      await tx.lockRow('groups', id);
      const twice = await heldElsewhere();
      await tx.execute('SAVEPOINT inner_lock');
      await tx.execute('ROLLBACK TO SAVEPOINT inner_lock');
      const afterRollbackOfEarlier = await heldElsewhere();
      return { twice, afterRollbackOfEarlier };
    });
    expect(seen).toEqual({ twice: true, afterRollbackOfEarlier: true });
    const [{ id: other }] = await t.sql<{ id: number }>('SELECT id FROM groups WHERE path = ?', ['rollback-b']);
    const released = await db.transaction(async (tx) => {
      await tx.execute('SAVEPOINT inner_lock');
      await tx.lockRow('groups', other);
      await tx.execute('ROLLBACK TO SAVEPOINT inner_lock');
      // The lock went with the savepoint; lockRow must not believe it still holds it.
      await tx.lockRow('groups', other);
      return t.sql('SELECT 1 FROM groups WHERE id = ? FOR UPDATE NOWAIT', [other]).then(
        () => 'free',
        () => 'held',
      );
    });
    expect(released).toBe('held');
  });

  (usingPostgres() ? it : it.skip)('holds a row shared beside other sharers, and upgrades it to FOR UPDATE when asked', async () => {
    const [{ id }] = await t.sql<{ id: number }>('SELECT id FROM groups WHERE path = ?', ['commit-a']);
    // What another connection can take now without waiting.
    const free = (mode: 'SHARE' | 'UPDATE') =>
      t.sql(`SELECT 1 FROM groups WHERE id = ? FOR ${mode} NOWAIT`, [id]).then(
        () => true,
        (error: { driverError?: { code?: string } }) => (error.driverError?.code === '55P03' ? false : Promise.reject(error)),
      );
    const seen = await db.transaction(async (tx) => {
      await tx.lockRow('groups', id, 'share');
      const shared = { share: await free('SHARE'), update: await free('UPDATE') };
      await tx.lockRow('groups', id, 'update');
      const upgraded = { share: await free('SHARE'), update: await free('UPDATE') };
      // Already held alone: asking for a share changes nothing.
      await tx.lockRow('groups', id, 'share');
      const after = { share: await free('SHARE'), update: await free('UPDATE') };
      return { shared, upgraded, after };
    });
    expect(seen).toEqual({ shared: { share: true, update: false }, upgraded: { share: false, update: false }, after: { share: false, update: false } });
    expect({ share: await free('SHARE'), update: await free('UPDATE') }).toEqual({ share: true, update: true });
  });

  (usingPostgres() ? it.skip : it)('keeps the SQLite WAL bounded with the writer taking no checkpoint itself', async () => {
    const [{ wal_autocheckpoint }] = await t.sql<{ wal_autocheckpoint: number }>('PRAGMA wal_autocheckpoint');
    expect(wal_autocheckpoint).toBe(0);
    const checkpointer = (db as unknown as { checkpointer: WalCheckpointer }).checkpointer;
    const walFile = `${t.config.sqlitePath}-wal`;
    const [{ id }] = await t.sql<{ id: number }>('SELECT id FROM groups WHERE path = ?', ['commit-a']);
    const batch = async (round: number) => {
      for (let i = 0; i < 40; i++) await db.transaction((tx) => tx.execute('UPDATE groups SET name = ? WHERE id = ?', [`round ${round} write ${i}`, id]));
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
