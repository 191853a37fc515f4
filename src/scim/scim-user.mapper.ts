import type { ScimIdentityEntity } from './scim-identity.entity.js';
import { CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA, ScimUserDoc } from './scim-user-doc.js';

export type ScimUserResource = Record<string, unknown> & { id: string };

export function versionTag(identity: Pick<ScimIdentityEntity, 'version'>): string {
  return `W/"${identity.version}"`;
}

export function userLocation(baseUrl: string, externUid: string): string {
  return `${baseUrl}/Users/${encodeURIComponent(externUid)}`;
}

/**
 * The SCIM view of an identity: the stored attributes exactly as sent, with `id` and `externalId`
 * both the extern_uid (GitLab's invariant), `active` from the identity's state, and `meta`.
 */
export function toScimUser(identity: ScimIdentityEntity, baseUrl: string): ScimUserResource {
  const doc = JSON.parse(identity.attributes) as ScimUserDoc;
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
