/**
 * The stored form of a SCIM User: the attributes exactly as the IdP sent them (canonical names,
 * no nulls), never `id`, `meta` or `password` (scim-api.md "The User resource").
 */
import { DomainError } from '../../common/domain-error.js';

/** Structurally the same type as `../scim-user-doc.ts` declares, so the two interchange freely. */
export type ScimUserDoc = Record<string, unknown>;

export type JsonObject = Record<string, unknown>;

/** Values nest a few levels at most; deeper input is hostile and must not blow the stack. */
const MAX_DEPTH = 32;

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7643 §2.5: null and the empty array are "unassigned"; Roster treats "" the same way. */
export function isNoValue(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

export function isEmptyCollection(value: unknown): boolean {
  return Array.isArray(value) ? value.length === 0 : isPlainObject(value) && Object.keys(value).length === 0;
}

/** Reads an own property only, so `constructor` or `toString` never resolve to Object.prototype. */
export function own(obj: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Writes an own property; `__proto__` would replace the prototype instead, so it is never written. */
export function setOwn(obj: JsonObject, key: string, value: unknown): void {
  if (key !== '__proto__') obj[key] = value;
}

/** The key of `obj` equal to `name` ignoring case (RFC 7643 §2.1: attribute names are case-insensitive). */
export function keyOf(obj: JsonObject, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

/**
 * Deep copy without `null` members or `null` array entries (scim-api.md: "null values in a request
 * mean no value and are not stored").
 */
export function stripNulls<T>(value: T): T {
  return strip(value, 0) as T;
}

function strip(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new DomainError('invalid_value', 'value is nested too deeply');
  if (Array.isArray(value)) {
    return value.filter((v) => v !== null).map((v) => strip(v, depth + 1));
  }
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== null) setOwn(out, k, strip(v, depth + 1));
    }
    return out;
  }
  return value;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => deepEqual(a[k], own(b, k)));
  }
  return false;
}

/** A short, single-line rendering of a client value for error details. */
export function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
