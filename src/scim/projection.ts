import { DomainError } from '../common/domain-error.js';
import { CORE_USER_SCHEMA } from './scim-user-doc.js';

/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.9, §3.4.2.5). Names are case-insensitive and may
 * carry a schema URN prefix; `name.givenName` selects a sub-attribute (of each element for
 * multi-valued attributes). `id` and `schemas` are always returned (returned: always).
 */
export interface Projection {
  mode: 'include' | 'exclude';
  /** lower-cased paths: ['username', 'name.givenname', 'urn:…:enterprise:2.0:user:employeenumber'] */
  paths: string[];
}

const ALWAYS = new Set(['id', 'schemas']);
const MAX_ATTRIBUTE_LIST = 2048;

function parseList(raw: unknown, name: string): string[] | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  // A SearchRequest carries a JSON array of names (RFC 7644 §3.4.3); a query string a comma-separated list.
  if (Array.isArray(raw) && !raw.every((name) => typeof name === 'string')) {
    throw new DomainError('invalid_value', `${name} must be a list of attribute names`);
  }
  const text = Array.isArray(raw) ? raw.join(',') : raw;
  if (typeof text !== 'string' || text.length > MAX_ATTRIBUTE_LIST) throw new DomainError('invalid_value', `${name} must be a comma-separated list of attribute names`);
  return text
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '')
    .map((p) => (p.startsWith(`${CORE_USER_SCHEMA.toLowerCase()}:`) ? p.slice(CORE_USER_SCHEMA.length + 1) : p));
}

export function parseProjection(attributes: unknown, excludedAttributes: unknown): Projection | undefined {
  const include = parseList(attributes, 'attributes');
  if (include) return { mode: 'include', paths: include };
  const exclude = parseList(excludedAttributes, 'excludedAttributes');
  return exclude ? { mode: 'exclude', paths: exclude } : undefined;
}

/** Splits `urn:…:User:employeeNumber` into the extension key and the rest. */
function splitPath(path: string, resource: Record<string, unknown>): string[] {
  for (const key of Object.keys(resource)) {
    const lower = key.toLowerCase();
    if (lower.startsWith('urn:') && (path === lower || path.startsWith(`${lower}:`))) {
      const rest = path.slice(lower.length + 1);
      return rest === '' ? [lower] : [lower, ...rest.split('.')];
    }
  }
  return path.split('.');
}

function findKey(obj: Record<string, unknown>, lower: string): string | undefined {
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

function pick(source: unknown, segments: string[]): unknown {
  if (segments.length === 0) return source;
  if (Array.isArray(source)) {
    const picked = source.map((element) => pick(element, segments)).filter((v) => v !== undefined);
    return picked.length > 0 ? picked : undefined;
  }
  if (typeof source !== 'object' || source === null) return undefined;
  const obj = source as Record<string, unknown>;
  const key = findKey(obj, segments[0]);
  if (key === undefined) return undefined;
  const inner = pick(obj[key], segments.slice(1));
  return inner === undefined ? undefined : { [key]: inner };
}

function merge(target: Record<string, unknown>, addition: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(addition)) {
    const existing = target[key];
    if (Array.isArray(existing) && Array.isArray(value)) {
      target[key] = existing.map((e, i) => (typeof e === 'object' && e && typeof value[i] === 'object' ? { ...e, ...(value[i] as object) } : e));
    } else if (typeof existing === 'object' && existing !== null && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      merge(existing as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      target[key] = value;
    }
  }
}

function remove(source: unknown, segments: string[]): void {
  if (Array.isArray(source)) {
    source.forEach((element) => remove(element, segments));
    return;
  }
  if (typeof source !== 'object' || source === null) return;
  const obj = source as Record<string, unknown>;
  const key = findKey(obj, segments[0]);
  if (key === undefined) return;
  if (segments.length === 1) delete obj[key];
  else remove(obj[key], segments.slice(1));
}

export function applyProjection<T extends Record<string, unknown>>(resource: T, projection: Projection | undefined): T {
  if (!projection) return resource;
  if (projection.mode === 'include') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(resource)) if (ALWAYS.has(key)) out[key] = resource[key];
    for (const path of projection.paths) {
      const picked = pick(resource, splitPath(path, resource));
      if (picked && typeof picked === 'object') merge(out, picked as Record<string, unknown>);
    }
    return out as T;
  }
  const copy = structuredClone(resource) as Record<string, unknown>;
  for (const path of projection.paths) {
    if (ALWAYS.has(path)) continue;
    remove(copy, splitPath(path, copy));
  }
  return copy as T;
}
