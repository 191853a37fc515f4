/** Timestamps are stored as ISO-8601 UTC strings: they sort the same on SQLite and PostgreSQL. */
export function nowIso(): string {
  return new Date().toISOString();
}

export function isoPlus(milliseconds: number, from: Date = new Date()): string {
  return new Date(from.getTime() + milliseconds).toISOString();
}

/**
 * The UTC calendar day (`YYYY-MM-DD`) of `at`: how expiry dates (member `expires_at`, personal
 * access tokens) are stored and compared, since access ends at 00:00 UTC on that day.
 */
export function utcDay(at: Date = new Date()): string {
  return at.toISOString().slice(0, 10);
}
