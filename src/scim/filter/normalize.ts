/**
 * The one normalisation used for case-insensitive SCIM comparisons (RFC 7643 §2.2 `caseExact: false`).
 *
 * Every `*_lower` column is written with this function and every filter parameter is passed through it,
 * so stored and compared values are normalised identically on SQLite and PostgreSQL. It runs in JS, not
 * in SQL: SQLite's lower() folds ASCII only, PostgreSQL's depends on the database locale.
 */
export function normalizeForCompare(s: string): string {
  return s.toLowerCase();
}
