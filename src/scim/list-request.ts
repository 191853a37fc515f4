import { DomainError } from '../common/domain-error.js';

/** RFC 7644 §3.4.2.4 paging and RFC 9865 cursors, as scim-api.md fixes them. */
export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 1000;

export interface ListRequest {
  filter?: string;
  sortBy?: string;
  sortOrder?: string;
  attributes?: unknown;
  excludedAttributes?: unknown;
  count: number;
  /** Index paging (1-based) — or cursor paging when `cursor` is set. */
  startIndex: number;
  cursor?: Cursor;
}

/** A cursor is opaque to clients: the last id seen (creation order) or the next offset (sorted). */
export type Cursor = { after: number } | { offset: number };

/** Any integer, however long: out-of-range values are clamped by the caller, not refused. */
function integer(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) return Number(value.trim());
  throw new DomainError('invalid_value', `${name} must be an integer`);
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new DomainError('invalid_value', `${name} must be a string`);
  return value;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(raw: string): Cursor | undefined {
  if (raw === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (Number.isSafeInteger(parsed.after) && (parsed.after as number) >= 0) return { after: parsed.after as number };
    if (Number.isSafeInteger(parsed.offset) && (parsed.offset as number) >= 0) return { offset: parsed.offset as number };
  } catch {
    /* fall through */
  }
  throw new DomainError('invalid_cursor', 'The cursor is not valid; start again with cursor= (empty)');
}

/** From GET query parameters or a POST .search body; the same rules for both. */
export function parseListRequest(source: Record<string, unknown>): ListRequest {
  // RFC 7644 §3.4.2.4: count < 0 is 0, startIndex < 1 is 1; scim-api.md clamps count to 1000. A huge
  // startIndex is kept within what an SQL OFFSET takes (it simply returns an empty page).
  const count = clamp(integer(source.count, 'count') ?? DEFAULT_COUNT, 0, MAX_COUNT);
  const startIndex = clamp(integer(source.startIndex, 'startIndex') ?? 1, 1, Number.MAX_SAFE_INTEGER);
  const rawCursor = optionalString(source.cursor, 'cursor');
  if (rawCursor !== undefined && source.startIndex !== undefined && source.startIndex !== '') {
    throw new DomainError('invalid_value', 'Use either cursor or startIndex, not both');
  }
  return {
    filter: optionalString(source.filter, 'filter'),
    sortBy: optionalString(source.sortBy, 'sortBy'),
    sortOrder: optionalString(source.sortOrder, 'sortOrder'),
    attributes: source.attributes,
    excludedAttributes: source.excludedAttributes,
    count,
    startIndex,
    cursor: rawCursor === undefined ? undefined : (decodeCursor(rawCursor) ?? { after: 0 }),
  };
}
