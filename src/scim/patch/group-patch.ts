/**
 * PATCH and PUT of `Groups/:id` (RFC 7644 §3.5.2) as pure functions, accepting what Okta Group Push
 * and Entra group provisioning send (idp-clients.md §1.6, §2.4, §2.5): case-insensitive ops and
 * attribute names, `add`/`remove` with value arrays, `remove` with `members[value eq "…"]`, a
 * pathless `replace` carrying the group's own `id`. The result is a list of member operations and
 * attribute changes, never a member list: the caller applies each to the rows it names, so a
 * change of one member costs the same whatever the group's size.
 */
import { DomainError } from '../../common/domain-error.js';
import { MAX_PATCH_OPERATIONS, PATCH_OP_SCHEMA } from './apply-patch.js';
import { isPlainObject, keyOf, preview, type JsonObject } from './user-doc.js';
import { parseValueFilter, type ValueFilter } from './value-filter.js';

import { CORE_GROUP_SCHEMA } from '../filter/group-filter-attributes.js';

export { CORE_GROUP_SCHEMA };
/** Members one request may name (Entra and Okta push memberships in batches far below this). */
export const MAX_GROUP_MEMBER_VALUES = 10_000;
export const MAX_DISPLAY_NAME_LENGTH = 255;

export type MemberOperation = { kind: 'add' | 'remove' | 'replace'; values: string[] } | { kind: 'removeAll' };

export interface GroupChange {
  displayName?: string;
  /** null removes it. */
  externalId?: string | null;
  members: MemberOperation[];
}

const syntax = (message: string): never => {
  throw new DomainError('invalid_syntax', message);
};

function member(obj: JsonObject, name: string): unknown {
  const key = keyOf(obj, name);
  return key === undefined ? undefined : obj[key];
}

/** A path or key without the core Group schema prefix, lower-cased. */
function attributeName(raw: string): string {
  const lower = raw.trim().toLowerCase();
  const prefix = `${CORE_GROUP_SCHEMA.toLowerCase()}:`;
  return lower.startsWith(prefix) ? lower.slice(prefix.length) : lower;
}

export function parseDisplayName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new DomainError('invalid_value', 'displayName must be a non-empty string');
  if (value.length > MAX_DISPLAY_NAME_LENGTH) throw new DomainError('invalid_value', `displayName must be at most ${MAX_DISPLAY_NAME_LENGTH} characters`);
  return value;
}

function parseExternalId(value: unknown): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > MAX_DISPLAY_NAME_LENGTH) throw new DomainError('invalid_value', `externalId must be a string of at most ${MAX_DISPLAY_NAME_LENGTH} characters`);
  return value;
}

/** Member values: `[{value, display?, $ref?, type?}]`, one such object, or plain id strings. */
export function parseMemberValues(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.length > MAX_GROUP_MEMBER_VALUES) throw new DomainError('too_many', `a request may name at most ${MAX_GROUP_MEMBER_VALUES} members; this one names ${list.length}`);
  return list.map((element) => {
    const id = isPlainObject(element) ? member(element, 'value') : element;
    if (typeof id !== 'string' || id === '') throw new DomainError('invalid_value', `each member must be an object with a "value" holding a User id, got ${preview(element)}`);
    return id;
  });
}

/** The ids a members filter names: `value eq "x"`, or several of those joined by `or`. */
function filteredValues(filter: ValueFilter): string[] {
  if (filter.kind === 'or') return [...filteredValues(filter.left), ...filteredValues(filter.right)];
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.attr.toLowerCase() === 'value' && typeof filter.value === 'string') return [filter.value];
  throw new DomainError('invalid_filter', 'a members filter must be value eq "<User id>" (several may be joined with or)');
}

function pathless(change: GroupChange, op: string, value: unknown, resourceId: string): void {
  if (!isPlainObject(value)) syntax(`a "${op}" without "path" needs an object "value"`);
  for (const [key, inner] of Object.entries(value as JsonObject)) {
    const name = attributeName(key);
    if (name === 'displayname') change.displayName = parseDisplayName(inner);
    else if (name === 'externalid') change.externalId = parseExternalId(inner);
    else if (name === 'members') change.members.push({ kind: op === 'replace' ? 'replace' : 'add', values: parseMemberValues(inner) });
    else if (name === 'id') {
      // Okta's rename carries the group's id (idp-clients.md §1.6): the same id is no change.
      if (inner !== resourceId) throw new DomainError('mutability', 'id is read-only');
    } else if (name !== 'schemas' && name !== 'meta') throw new DomainError('invalid_path', `Groups have no attribute "${key}" that can be changed`);
  }
}

function operation(change: GroupChange, raw: unknown, resourceId: string): void {
  if (!isPlainObject(raw)) syntax('an operation must be an object with "op", "path" and "value"');
  const opText = member(raw as JsonObject, 'op');
  if (typeof opText !== 'string' || !['add', 'replace', 'remove'].includes(opText.toLowerCase())) syntax(`"op" must be "add", "replace" or "remove" (any case), got ${preview(opText)}`);
  const op = (opText as string).toLowerCase();
  const path = member(raw as JsonObject, 'path');
  const hasValue = keyOf(raw as JsonObject, 'value') !== undefined;
  const value = member(raw as JsonObject, 'value');
  if (path !== undefined && path !== null && typeof path !== 'string') throw new DomainError('invalid_path', `"path" must be a string, got ${preview(path)}`);
  if (op !== 'remove' && !hasValue) syntax(`"${op}" needs a "value"`);
  if (path === undefined || path === null || path.trim() === '') {
    if (op === 'remove') throw new DomainError('no_target', '"remove" needs a "path"');
    return pathless(change, op, value, resourceId);
  }
  const bracket = path.indexOf('[');
  if (bracket >= 0) {
    if (attributeName(path.slice(0, bracket)) !== 'members' || !path.trimEnd().endsWith(']')) throw new DomainError('invalid_path', `Unsupported path ${preview(path)}`);
    if (op !== 'remove') throw new DomainError('invalid_path', `only "remove" may take a filtered members path; got "${op}"`);
    const filter = parseValueFilter(path.slice(bracket + 1, path.trimEnd().length - 1));
    change.members.push({ kind: 'remove', values: filteredValues(filter) });
    return;
  }
  const name = attributeName(path);
  if (name === 'members') {
    if (op === 'remove') change.members.push(hasValue && value !== null ? { kind: 'remove', values: parseMemberValues(value) } : { kind: 'removeAll' });
    else change.members.push({ kind: op === 'replace' ? 'replace' : 'add', values: parseMemberValues(value) });
  } else if (name === 'displayname') {
    if (op === 'remove') throw new DomainError('mutability', 'displayName is required and cannot be removed');
    change.displayName = parseDisplayName(value);
  } else if (name === 'externalid') {
    change.externalId = op === 'remove' ? null : parseExternalId(value);
  } else if (name === 'id') {
    throw new DomainError('mutability', 'id is read-only');
  } else {
    throw new DomainError('invalid_path', `Groups have no attribute ${preview(path)} that can be changed`);
  }
}

export function parseGroupPatch(body: unknown, resourceId: string): GroupChange {
  if (!isPlainObject(body)) syntax('the PATCH body must be a JSON object');
  const request = body as JsonObject;
  const schemas = member(request, 'schemas');
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase()))) {
    syntax(`"schemas" must contain "${PATCH_OP_SCHEMA}"`);
  }
  const operations = member(request, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) syntax('"Operations" must be a non-empty array');
  const list = operations as unknown[];
  if (list.length > MAX_PATCH_OPERATIONS) throw new DomainError('too_many', `a PATCH request may hold at most ${MAX_PATCH_OPERATIONS} operations; this one has ${list.length}`);
  const change: GroupChange = { members: [] };
  list.forEach((raw, index) => {
    try {
      operation(change, raw, resourceId);
    } catch (error) {
      if (error instanceof DomainError) throw new DomainError(error.code, `Operation ${index + 1}: ${error.message}`, { ...error.options, operationIndex: index });
      throw error;
    }
  });
  return change;
}

/** A POST or PUT body: displayName (required), externalId, the full member list. */
export function parseGroupDocument(body: unknown): { displayName: string; externalId: string | null; members: string[] } {
  if (!isPlainObject(body)) syntax('the request body must be a JSON object');
  const doc = body as JsonObject;
  const displayName = member(doc, 'displayName');
  if (displayName === undefined || displayName === null) throw new DomainError('invalid_value', 'displayName is required');
  return { displayName: parseDisplayName(displayName), externalId: parseExternalId(member(doc, 'externalId') ?? null), members: parseMemberValues(member(doc, 'members')) };
}
