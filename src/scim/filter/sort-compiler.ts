import { DomainError } from '../../common/domain-error.js';
import { collateC, type SqlDialect } from './sql-dialect.js';
import { USER_FILTER_ATTRIBUTES, type FilterAttributeMap } from './user-filter-attributes.js';

/** One ORDER BY term; with TypeORM: `terms.forEach((t) => qb.addOrderBy(t.expression, t.direction, t.nulls))`. */
export interface SortTerm {
  expression: string;
  direction: 'ASC' | 'DESC';
  nulls?: 'NULLS FIRST' | 'NULLS LAST';
}

/**
 * RFC 7644 §3.4.2.3 sorting of Users by `sortBy` / `sortOrder` (scim-api.md "Reading"). Without sortBy the
 * order is creation order (`i.id`). Ties are broken by `i.id` in the same direction, so paging is stable.
 */
export function compileUserSort(sortBy: string | undefined, sortOrder: string | undefined, dialect: SqlDialect): SortTerm[] {
  return compileSort(USER_FILTER_ATTRIBUTES, sortBy, sortOrder, dialect);
}

export function compileSort(map: FilterAttributeMap, sortBy: string | undefined, sortOrder: string | undefined, dialect: SqlDialect): SortTerm[] {
  const direction = parseSortOrder(sortOrder);
  const id = `${map.rootAlias}.id`;
  if (sortBy === undefined || sortBy === '') return [{ expression: id, direction: 'ASC' }];
  const attribute = typeof sortBy === 'string' ? findSortable(map, sortBy) : undefined;
  if (!attribute) {
    const sortable = Object.values(map.attributes)
      .filter((a) => a.sortable)
      .map((a) => a.path);
    throw new DomainError('invalid_value', `Cannot sort by ${JSON.stringify(String(sortBy).slice(0, 100))}; sortable attributes are ${sortable.join(', ')}`);
  }
  const column = collateC(`${map.rootAlias}.${attribute.column}`, dialect);
  const term: SortTerm = { expression: column, direction };
  // RFC 7644 §3.4.2.3: values that are missing sort last ascending and first descending. That is
  // PostgreSQL's default but the opposite of SQLite's, so it is spelled out.
  if (attribute.nullable) term.nulls = direction === 'ASC' ? 'NULLS LAST' : 'NULLS FIRST';
  return [term, { expression: id, direction }];
}

function parseSortOrder(sortOrder: string | undefined): 'ASC' | 'DESC' {
  if (sortOrder === undefined || sortOrder === '') return 'ASC';
  const lower = typeof sortOrder === 'string' ? sortOrder.toLowerCase() : undefined;
  if (lower === 'ascending') return 'ASC';
  if (lower === 'descending') return 'DESC';
  throw new DomainError('invalid_value', 'sortOrder must be "ascending" or "descending"');
}

/** Case-insensitive, with the optional core schema prefix (`urn:…:core:2.0:User:name.givenName`). */
function findSortable(map: FilterAttributeMap, sortBy: string) {
  const colon = sortBy.lastIndexOf(':');
  if (colon >= 0 && !map.schemas.includes(sortBy.slice(0, colon).toLowerCase())) return undefined;
  const key = sortBy.slice(colon + 1).toLowerCase();
  const attribute = Object.hasOwn(map.attributes, key) ? map.attributes[key] : undefined;
  return attribute?.sortable && !attribute.multiValued ? attribute : undefined;
}
