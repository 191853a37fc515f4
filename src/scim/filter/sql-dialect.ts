export type SqlDialect = 'sqlite' | 'postgres';

/**
 * String order that is identical on both engines: SQLite compares TEXT with its BINARY collation
 * (UTF-8 bytes); PostgreSQL uses the database collation unless told otherwise, and "C" is byte order.
 */
export function collateC(column: string, dialect: SqlDialect): string {
  return dialect === 'postgres' ? `${column} COLLATE "C"` : column;
}
