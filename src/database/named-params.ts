/** A `:name` (or list `:...name`) placeholder; not the second colon of a PostgreSQL `::type` cast. */
const PLACEHOLDER = /(?<![:\w]):(\.\.\.)?([A-Za-z_]\w*)/g;

/**
 * Turns SQL with named `:param` placeholders (what the SCIM filter compiler emits, written for the
 * query builder) into `?` placeholders and the values in order, for Database.select; `:...name`
 * takes a non-empty array and becomes one `?` per element. A name the parameters do not hold is
 * left as written, so a stray colon in SQL text is never consumed.
 */
export function positional(sql: string, params: Record<string, unknown>): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const text = sql.replace(PLACEHOLDER, (whole, list: string | undefined, name: string) => {
    if (!Object.hasOwn(params, name)) return whole;
    const value = params[name];
    if (list === undefined) {
      values.push(value);
      return '?';
    }
    if (!Array.isArray(value) || value.length === 0) throw new Error(`:...${name} needs a non-empty array`);
    values.push(...(value as unknown[]));
    return placeholders(value.length);
  });
  return { sql: text, values };
}

/** `?, ?, ?` for an IN list of `count` values (at least one). */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/**
 * The scope condition of a table with group_id (NULL for the instance) under `alias` (none when
 * empty), and its parameters: `alias."group_id" = ?` or `alias."group_id" IS NULL`.
 */
export function scopeCondition(alias: string, groupId: number | null): { sql: string; values: unknown[] } {
  const column = alias === '' ? '"group_id"' : `${alias}."group_id"`;
  return groupId === null ? { sql: `${column} IS NULL`, values: [] } : { sql: `${column} = ?`, values: [groupId] };
}
