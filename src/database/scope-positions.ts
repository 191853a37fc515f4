import type { Database } from './database.service.js';
import type { COUNTED_TABLES } from './migrations/1764000000000-scope-row-counts.js';

/** Every STRIDE-th id of a scope is remembered; a deep page then walks fewer than STRIDE index entries. */
export const STRIDE = 512;
/** Scopes remembered per table; the least recently built goes first. */
const MAX_SCOPES = 256;

export interface ScopeCount {
  count: number;
  removals: number;
}

/** Where the row at an offset is: `skip` rows on from the first row with id ≥ `fromId` (or from the start). */
export interface Located {
  total: number;
  fromId: number | null;
  skip: number;
}

interface Boundaries extends ScopeCount {
  /** ids[k] is the id of the row at position k × STRIDE, in id (creation) order. */
  ids: number[];
}

/**
 * Totals and deep-page positions of one counted table's scopes (a group, or 0 for the instance),
 * read from `scope_row_counts` (the sum of a scope's slots), which triggers keep exact.
 *
 * `OFFSET 90000` walks 90,000 index entries on every request. Instead the id at every STRIDE-th
 * position is remembered per process, and reused while the scope's row count and removal count
 * are unchanged: new rows take larger ids, and any removal bumps `removals`, so equal counts mean
 * the same rows. (On PostgreSQL a row committed late with a smaller id changes the count, too.)
 * Like any offset paging, a page read while rows are being added or removed can be off by those rows.
 */
export class ScopePositions {
  private readonly boundaries = new Map<number, Boundaries>();

  constructor(
    private readonly db: Database,
    private readonly table: (typeof COUNTED_TABLES)[number],
  ) {}

  async count(scopeId: number): Promise<ScopeCount> {
    const [row] = await this.db.select<{ count: number | string; removals: number | string }>(
      'SELECT SUM("row_count") AS "count", SUM("removals") AS "removals" FROM "scope_row_counts" WHERE "table_name" = ? AND "scope_id" = ?',
      [this.table, scopeId],
    );
    // SUM over no rows is NULL: a scope that never had a row.
    return { count: Number(row?.count ?? 0), removals: Number(row?.removals ?? 0) };
  }

  /** The scope's total, and where its row at `offset` (0-based, id order) is. */
  async locate(scopeId: number, offset: number): Promise<Located> {
    const now = await this.count(scopeId);
    if (offset < STRIDE || offset >= now.count) return { total: now.count, fromId: null, skip: offset };
    let known = this.boundaries.get(scopeId);
    if (!known || known.count !== now.count || known.removals !== now.removals) {
      known = await this.build(scopeId);
      this.boundaries.delete(scopeId);
      if (this.boundaries.size >= MAX_SCOPES) this.boundaries.delete(this.boundaries.keys().next().value!);
      this.boundaries.set(scopeId, known);
    }
    const k = Math.min(Math.floor(offset / STRIDE), known.ids.length - 1);
    if (k < 0) return { total: known.count, fromId: null, skip: offset };
    return { total: known.count, fromId: known.ids[k], skip: offset - k * STRIDE };
  }

  /** The counts and the boundary ids in one statement, so they describe the same rows. */
  private async build(scopeId: number): Promise<Boundaries> {
    const inScope = scopeId === 0 ? '"group_id" IS NULL' : '"group_id" = ?';
    const rows = await this.db.select<{ id: number | string | null; count: number | string | null; removals: number | string | null }>(
      `SELECT b."id" AS "id", c."row_count" AS "count", c."removals" AS "removals" FROM ` +
        `(SELECT SUM("row_count") AS "row_count", SUM("removals") AS "removals" FROM "scope_row_counts" WHERE "table_name" = ? AND "scope_id" = ?) c LEFT JOIN (` +
        `SELECT "id" FROM (SELECT "id", ROW_NUMBER() OVER (ORDER BY "id") AS "rn" FROM "${this.table}" WHERE ${inScope}) numbered ` +
        `WHERE ("rn" - 1) % ${STRIDE} = 0) b ON 1 = 1 ORDER BY b."id"`,
      scopeId === 0 ? [this.table, scopeId] : [this.table, scopeId, scopeId],
    );
    return {
      count: Number(rows[0]?.count ?? 0),
      removals: Number(rows[0]?.removals ?? 0),
      ids: rows.filter((r) => r.id !== null).map((r) => Number(r.id)),
    };
  }
}
