const numbered = new Map<string, string>();
/**
 * Texts kept by numberedPlaceholders. The hot statements are constants; a text built from a
 * client's filter shape is converted but not kept once the cache is full, so no client can grow it.
 */
const MAX_NUMBERED = 1000;

/** `?` → `$1, $2, …` for PostgreSQL (cached per text: the hot statements are constants). */
export function numberedPlaceholders(sql: string): string {
  let text = numbered.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    if (numbered.size < MAX_NUMBERED) numbered.set(sql, text);
  }
  return text;
}
