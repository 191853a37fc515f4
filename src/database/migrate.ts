import type { DataSource, Migration } from 'typeorm';

/** Any constant shared by every Roster process; it names the migration lock. */
const MIGRATION_LOCK_KEY = 7_627_860_001;

/**
 * Applies pending migrations. On PostgreSQL several Roster processes may start together against a
 * fresh database; a session-level advisory lock makes them take turns, so each migration runs once.
 */
export async function migrate(source: DataSource): Promise<Migration[]> {
  if (source.options.type !== 'postgres') return source.runMigrations({ transaction: 'each' });
  const lock = source.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await source.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}
