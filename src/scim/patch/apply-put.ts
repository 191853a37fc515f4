/**
 * PUT `Users/:id`: the body replaces the stored attributes (RFC 7644 §3.5.1). Okta's AIW apps GET,
 * edit and PUT the whole resource back, so `id`, `meta`, `groups` and `password` are tolerated and
 * dropped rather than refused (idp-clients.md §1.4).
 */
import { DomainError } from '../../common/domain-error.js';
import { canonicalizeUserDoc } from './canonicalize-user-doc.js';
import type { ScimUserDoc } from './user-doc.js';

export function applyPut(current: ScimUserDoc, body: unknown): { doc: ScimUserDoc } {
  const doc = canonicalizeUserDoc(body);
  if (typeof doc.userName !== 'string') throw new DomainError('invalid_value', 'userName is required');
  // scim-api.md: "a PUT without active keeps the current state" (RFC 7644 §3.5.1 lets us choose).
  if (doc.active === undefined && typeof current.active === 'boolean') doc.active = current.active;
  // The extern_uid is the identity's anchor: a PUT that omits it does not clear it. `id` is the
  // SCIM id echoed back by Okta, readOnly in a PUT, so it never changes the anchor either.
  if (doc.externalId === undefined && typeof current.externalId === 'string') doc.externalId = current.externalId;
  if (doc.schemas === undefined && Array.isArray(current.schemas)) {
    return { doc: { schemas: [...current.schemas], ...doc } };
  }
  return { doc };
}
