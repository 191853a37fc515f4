import { DomainError } from '../common/domain-error.js';
import { utcDay } from '../common/clock.js';

/**
 * Parsing of admin API input (bodies, path ids, query filters). Every problem is a 400 with the
 * field named, never a 500: ids are bounded so they never overflow an integer column on PostgreSQL.
 */
const MAX_DB_INTEGER = 2_147_483_647;

function invalid(field: string, problem: string): DomainError {
  return new DomainError('validation', `${field} ${problem}`, { fields: { [field]: [problem] } });
}

export function jsonObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DomainError('validation', 'The request body must be a JSON object');
  return value as Record<string, unknown>;
}

/** A numeric id from the path: a positive whole number; one too large to exist is "not found". */
export function pathId(raw: string, field: string, notFound: string): number {
  if (!/^\d{1,15}$/.test(raw) || Number(raw) === 0) throw invalid(field, 'must be a positive whole number');
  const value = Number(raw);
  if (value > MAX_DB_INTEGER) throw new DomainError('not_found', notFound);
  return value;
}

/** A numeric id in a JSON body (numbers only: a string "5" is a wrong type). */
export function bodyId(value: unknown, field: string): number {
  if (value === undefined || value === null) throw invalid(field, 'is missing');
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_DB_INTEGER) throw invalid(field, 'must be a positive whole number');
  return value;
}

export function queryString(query: Record<string, unknown>, field: string, maxLength = 255): string | undefined {
  const value = query[field];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(field, 'must be given once, as text');
  if (value.length > maxLength) throw invalid(field, `must be at most ${maxLength} characters`);
  return value;
}

export function queryInteger(query: Record<string, unknown>, field: string, min: number, max: number): number | undefined {
  const value = queryString(query, field, 16);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw invalid(field, `must be a whole number from ${min} to ${max}`);
  return Number(value);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * A bound for `created_after` / `created_before`: an ISO 8601 date or date-time, inclusive (GitLab's
 * "on or after" / "on or before"), returned as the exclusive ISO UTC bound the database compares
 * against. A bare date covers the whole day: `created_before=2025-01-31` includes all of 31 January.
 */
export function queryTimeBound(query: Record<string, unknown>, field: string, side: 'after' | 'before'): string | undefined {
  const raw = queryString(query, field, 40);
  if (raw === undefined) return undefined;
  // An unencoded "+02:00" arrives as " 02:00" (a query string's "+" is a space).
  const value = raw.replace(/ (\d{2}:?\d{2})$/, '+$1');
  const problem = () => invalid(field, 'must be an ISO 8601 date or date-time');
  if (!ISO_DATE.test(value) && !ISO_DATE_TIME.test(value)) throw problem();
  // Date.parse rolls 30 February over to March; a real calendar day survives the round trip.
  const day = value.slice(0, 10);
  const midnight = Date.parse(`${day}T00:00:00.000Z`);
  if (Number.isNaN(midnight) || utcDay(new Date(midnight)) !== day) throw problem();
  const first = value.length === 10 ? midnight : Date.parse(value);
  if (Number.isNaN(first)) throw problem();
  const last = value.length === 10 ? first + 86_400_000 - 1 : first;
  const bound = side === 'after' ? first - 1 : last + 1;
  if (bound < 0 || bound > 253_402_300_799_999) throw problem();
  return new Date(bound).toISOString();
}
