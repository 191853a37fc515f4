/**
 * PATCH `Users/:id` (RFC 7644 §3.5.2), accepting the shapes Okta and Entra really send
 * (idp-clients.md §1.4, §2.4, §2.5): capitalised ops, pathless value objects with dotted and
 * URN-prefixed keys, string booleans, value-filtered paths. All operations apply to a copy, so a
 * failing operation leaves the caller's doc untouched (scim-api.md: atomically, or none).
 */
import { DomainError, isDomainError } from '../../common/domain-error.js';
import { writeObject, writeTarget, type PatchOpName } from './attribute-writer.js';
import { parsePatchPath } from './patch-path.js';
import { isPlainObject, keyOf, preview, type JsonObject, type ScimUserDoc } from './user-doc.js';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** quality.md "Limits": PATCH ≤ 100 operations. */
export const MAX_PATCH_OPERATIONS = 100;

/**
 * The operations by their lower-cased name. `update` is not RFC 7644's, but GitLab's instance SCIM
 * API page documents `{"op":"Update","path":"active","value":"false"}` as the way to change a user,
 * and scripts copied from that page must do what the page says: it is read as `replace`.
 */
const OPS = new Map<string, PatchOpName>([
  ['add', 'add'],
  ['replace', 'replace'],
  ['remove', 'remove'],
  ['update', 'replace'],
]);

const syntax = (message: string): never => {
  throw new DomainError('invalid_syntax', message);
};

/** Members are looked up ignoring case: RFC 7643 §2.1, and Entra asks SPs not to be strict about case. */
function member(obj: JsonObject, name: string): unknown {
  const key = keyOf(obj, name);
  return key === undefined ? undefined : obj[key];
}

export function applyPatch(doc: ScimUserDoc, body: unknown): { doc: ScimUserDoc } {
  if (!isPlainObject(body)) syntax('the PATCH body must be a JSON object');
  const request = body as JsonObject;
  const schemas = member(request, 'schemas');
  const patchOp = PATCH_OP_SCHEMA.toLowerCase();
  // Every PATCH example in GitLab's SCIM documentation omits `schemas`, and GitLab accepts them:
  // an absent member is read as the PatchOp message; one that names something else is refused.
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === patchOp))) {
    syntax(`"schemas" must contain "${PATCH_OP_SCHEMA}"`);
  }
  const operations = member(request, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) syntax('"Operations" must be a non-empty array');
  const list = operations as unknown[];
  if (list.length > MAX_PATCH_OPERATIONS) {
    throw new DomainError('too_many', `a PATCH request may hold at most ${MAX_PATCH_OPERATIONS} operations; this one has ${list.length}`);
  }
  const next = structuredClone(doc);
  list.forEach((operation, index) => applyOperation(next, operation, index));
  return { doc: next };
}

function applyOperation(doc: ScimUserDoc, operation: unknown, index: number): void {
  let label = `Operation ${index + 1}`;
  try {
    if (!isPlainObject(operation)) syntax('an operation must be an object with "op", "path" and "value"');
    const raw = operation as JsonObject;
    const opText = member(raw, 'op');
    const path = member(raw, 'path');
    const named = [
      typeof opText === 'string' ? opText.toLowerCase() : undefined,
      typeof path === 'string' ? JSON.stringify(path.length > 200 ? `${path.slice(0, 197)}...` : path) : undefined,
    ].filter((part) => part !== undefined);
    if (named.length > 0) label = `Operation ${index + 1} (${named.join(' ')})`;
    const op = (typeof opText === 'string' && OPS.get(opText.toLowerCase())) || syntax(`"op" must be "add", "replace" or "remove" (any case), got ${preview(opText)}`);
    const hasValue = keyOf(raw, 'value') !== undefined;
    const value = member(raw, 'value');
    if (path !== undefined && path !== null && typeof path !== 'string') {
      throw new DomainError('invalid_path', `"path" must be a string, got ${preview(path)}`);
    }
    if (op !== 'remove' && !hasValue) syntax(`"${op}" needs a "value"`);
    if (typeof path === 'string') {
      writeTarget(doc, parsePatchPath(path, doc, value), op, value, 'patch');
    } else if (op === 'remove') {
      // RFC 7644 §3.5.2.2: "If "path" is unspecified, the operation fails with ... noTarget".
      throw new DomainError('no_target', '"remove" needs a "path"');
    } else {
      writeObject(doc, value, op as 'add' | 'replace', 'patch');
    }
  } catch (e) {
    if (!isDomainError(e)) throw e;
    throw new DomainError(e.code, `${label}: ${e.message}`, { ...e.options, operationIndex: index });
  }
}
