/** A `:name` placeholder; not the second colon of a PostgreSQL `::type` cast. */
const PLACEHOLDER = /(?<![:\w]):([A-Za-z_]\w*)/g;

/**
 * Turns SQL with named `:param` placeholders (what the SCIM filter compiler emits, written for the
 * query builder) into `?` placeholders and the values in order, for Database.select. A name the
 * parameters do not hold is left as written, so a stray colon in SQL text is never consumed.
 */
export function positional(sql: string, params: Record<string, unknown>): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const text = sql.replace(PLACEHOLDER, (whole, name: string) => {
    if (!Object.hasOwn(params, name)) return whole;
    values.push(params[name]);
    return '?';
  });
  return { sql: text, values };
}
