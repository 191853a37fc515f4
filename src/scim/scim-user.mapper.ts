import type { IdentityView } from './scim-identities.repository.js';
import type { ScimIdentityEntity } from './scim-identity.entity.js';
import { CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA, ScimUserDoc } from './scim-user-doc.js';

export type ScimUserResource = Record<string, unknown> & { id: string };

export function versionTag(identity: Pick<ScimIdentityEntity, 'version'>): string {
  return `W/"${identity.version}"`;
}

/**
 * Whether an If-Match / If-None-Match header names this version: `*`, or any listed tag compared
 * weakly (`"3"` matches `W/"3"`). SCIM versions are weak tags (RFC 7644 §3.14), and clients differ
 * in whether they echo the `W/` prefix.
 */
export function etagListMatches(header: string, tag: string): boolean {
  const opaque = (t: string) => t.trim().replace(/^W\//i, '');
  return header.trim() === '*' || header.split(',').some((t) => opaque(t) === opaque(tag));
}

export function userLocation(baseUrl: string, externUid: string): string {
  return `${baseUrl}/Users/${encodeURIComponent(externUid)}`;
}

/**
 * The SCIM view of an identity: the stored attributes exactly as sent, with `id` and `externalId`
 * both the extern_uid (GitLab's invariant), `active` from the identity's state, and `meta`.
 */
export function toScimUser(identity: IdentityView, baseUrl: string): ScimUserResource {
  const doc = typeof identity.attributes === 'string' ? (JSON.parse(identity.attributes) as ScimUserDoc) : identity.attributes;
  const { schemas: _schemas, externalId: _externalId, active: _active, id: _id, meta: _meta, ...attributes } = doc;
  const schemas = [CORE_USER_SCHEMA];
  if (attributes[ENTERPRISE_USER_SCHEMA] !== undefined) schemas.push(ENTERPRISE_USER_SCHEMA);
  return {
    schemas,
    id: identity.externUid,
    externalId: identity.externUid,
    ...attributes,
    active: identity.active,
    meta: {
      resourceType: 'User',
      created: identity.createdAt,
      lastModified: identity.updatedAt,
      location: userLocation(baseUrl, identity.externUid),
      version: versionTag(identity),
    },
  };
}
