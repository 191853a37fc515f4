/** Timestamps are stored as ISO-8601 UTC strings: they sort the same on SQLite and PostgreSQL. */
export function nowIso(): string {
  return new Date().toISOString();
}

export function isoPlus(milliseconds: number, from: Date = new Date()): string {
  return new Date(from.getTime() + milliseconds).toISOString();
}
