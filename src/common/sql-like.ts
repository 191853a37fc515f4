/**
 * Escapes `%`, `_` and the escape character itself so a user-supplied string matches literally in
 * `LIKE … ESCAPE '\'` (quality.md: LIKE patterns escape `%` and `_`).
 */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `%value%` for a case-insensitive "contains" search over a `*_lower` column. */
export function containsPattern(search: string): string {
  return `%${escapeLike(search.toLowerCase())}%`;
}
