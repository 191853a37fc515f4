import type { FilterAttribute, FilterAttributeMap } from './user-filter-attributes.js';

export const CORE_GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const caseInsensitive = (path: string, column: string): FilterAttribute => ({ path, type: 'string', column, nullable: false, caseExact: false, sortable: true });

/**
 * Where each filterable SCIM Group attribute lives (`scim_groups g`): what Okta's exists check
 * (`displayName eq`) and Entra's matching (`displayName eq`, `externalId eq`) ask for.
 */
export const GROUP_FILTER_ATTRIBUTES: FilterAttributeMap = {
  rootTable: 'scim_groups',
  rootAlias: 'g',
  schemas: [CORE_GROUP_SCHEMA.toLowerCase()],
  attributes: {
    // Resource ids are stored lower-case, and looked up ignoring case like User ids.
    id: caseInsensitive('id', 'resource_id'),
    displayname: caseInsensitive('displayName', 'display_name_lower'),
    // RFC 7643 §3.1: externalId is caseExact.
    externalid: { path: 'externalId', type: 'string', column: 'external_id', nullable: true, caseExact: true },
    'meta.created': { path: 'meta.created', type: 'dateTime', column: 'created_at', nullable: false, caseExact: true, sortable: true },
    'meta.lastmodified': { path: 'meta.lastModified', type: 'dateTime', column: 'updated_at', nullable: false, caseExact: true, sortable: true },
  },
  aliases: {},
  multiValued: {},
  complex: ['meta'],
};
