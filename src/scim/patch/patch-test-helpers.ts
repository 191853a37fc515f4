/** Shared fixtures for the patch specs (not a spec itself, never imported by production code). */
import { DomainError } from '../../common/domain-error.js';
import { applyPatch } from './apply-patch.js';
import type { ScimUserDoc } from './user-doc.js';

export const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A user as Entra creates it (idp-clients.md §2.4), after canonicalisation. */
export function aliceDoc(): ScimUserDoc {
  return {
    schemas: [CORE, ENT],
    externalId: 'a1b2c3',
    userName: 'alice@acme.com',
    name: { formatted: 'Alice Liddell', givenName: 'Alice', familyName: 'Liddell' },
    displayName: 'Alice Liddell',
    emails: [{ value: 'alice@acme.com', type: 'work', primary: true }],
    active: true,
    title: 'Engineer',
    [ENT]: { employeeNumber: '7', department: 'R&D', manager: { value: 'boss1' } },
  };
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** Applies operations to a frozen copy of `doc`, proving the input is never mutated. */
export function patch(doc: ScimUserDoc, ...operations: unknown[]): ScimUserDoc {
  return applyPatch(deepFreeze(structuredClone(doc)), { schemas: [PATCH_OP], Operations: operations }).doc;
}

/** The DomainError `fn` throws (fails the test when it throws nothing or something else). */
export function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

export function patchError(doc: ScimUserDoc, ...operations: unknown[]): DomainError {
  return errorOf(() => patch(doc, ...operations));
}
