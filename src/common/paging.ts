import { DomainError } from './domain-error.js';

/** Admin API paging (GitLab style): 1-based `page`, `per_page` default 20, at most 100. */
export interface PageRequest {
  page: number;
  perPage: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  perPage: number;
}

function positiveInteger(raw: unknown, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) {
    throw new DomainError('validation', `${name} must be a positive whole number`, { fields: { [name]: ['must be a positive whole number'] } });
  }
  return Number(raw);
}

export function parsePageRequest(query: Record<string, unknown>, maxPerPage = 100): PageRequest {
  const page = Math.max(1, positiveInteger(query.page, 'page') ?? 1);
  const perPage = Math.min(maxPerPage, Math.max(1, positiveInteger(query.per_page, 'per_page') ?? 20));
  return { page, perPage };
}

export function pageOffset(request: PageRequest): number {
  return (request.page - 1) * request.perPage;
}

/**
 * Keyset paging (`pagination=keyset`), for lists a client may page deep (members, users, audit
 * events): no offset is walked and nothing shifts when rows are added. `id_after` continues after
 * a row and `id_before` goes back before one, in the list's own order (newest first for audit
 * events); `from_end=true` gives the last page; none of them gives the first page. The cursors are
 * the values of the previous answer's X-Next-Cursor / X-Prev-Cursor headers.
 */
export interface KeysetRequest {
  perPage: number;
  afterId?: number;
  beforeId?: number;
  fromEnd?: boolean;
}

export interface KeysetPage<T> {
  items: T[];
  total: number;
  perPage: number;
  /** id_after of the next page, null when this page is the last. */
  nextCursor: number | null;
  /** id_before of the previous page, null when this page is the first. */
  prevCursor: number | null;
}

export function isKeysetRequest(query: Record<string, unknown>): boolean {
  return query.pagination === 'keyset';
}

export function parseKeysetRequest(query: Record<string, unknown>, maxPerPage = 100): KeysetRequest {
  const perPage = Math.min(maxPerPage, Math.max(1, positiveInteger(query.per_page, 'per_page') ?? 20));
  const afterId = positiveInteger(query.id_after, 'id_after');
  const beforeId = positiveInteger(query.id_before, 'id_before');
  if (query.from_end !== undefined && query.from_end !== 'true' && query.from_end !== 'false') {
    throw new DomainError('validation', 'from_end must be true or false', { fields: { from_end: ['must be true or false'] } });
  }
  const fromEnd = query.from_end === 'true';
  if ([afterId !== undefined, beforeId !== undefined, fromEnd].filter(Boolean).length > 1) {
    throw new DomainError('validation', 'Give at most one of id_after, id_before and from_end', { fields: { id_after: ['cannot be combined with id_before or from_end'] } });
  }
  return { perPage, afterId, beforeId, fromEnd };
}

/**
 * The page and its cursors from rows read one past the page in the direction of travel and given
 * in the list's order: the extra row, if read, is the last one going forwards and the first one
 * going backwards (id_before, from_end). The cursors are the ids of the page's first and last rows.
 */
export function keysetWindow<T>(rows: T[], request: KeysetRequest, idOf: (row: T) => number): Omit<KeysetPage<T>, 'total'> {
  const backwards = request.beforeId !== undefined || request.fromEnd === true;
  const more = rows.length > request.perPage;
  const items = more ? (backwards ? rows.slice(rows.length - request.perPage) : rows.slice(0, request.perPage)) : rows;
  const hasNext = backwards ? request.beforeId !== undefined : more;
  const hasPrev = backwards ? more : request.afterId !== undefined;
  return {
    items,
    perPage: request.perPage,
    nextCursor: hasNext && items.length > 0 ? idOf(items[items.length - 1]) : null,
    prevCursor: hasPrev && items.length > 0 ? idOf(items[0]) : null,
  };
}
