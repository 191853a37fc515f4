/**
 * Rows whose last element is their integer key, ascending by that key, without it. The database
 * aggregates rows in the order it reads them, which is the key's order for every plan in use;
 * nothing guarantees that, so an out-of-order result is sorted rather than trusted.
 */
export function inKeyOrder(rows: unknown[][]): unknown[][] {
  let ordered = true;
  for (let i = 1; i < rows.length && ordered; i++) ordered = Number(rows[i - 1].at(-1)) <= Number(rows[i].at(-1));
  if (!ordered) rows.sort((a, b) => Number(a.at(-1)) - Number(b.at(-1)));
  for (const row of rows) row.pop();
  return rows;
}
