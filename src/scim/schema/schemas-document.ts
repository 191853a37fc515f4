/**
 * Discovery documents (RFC 7643 §5, §6, §7; RFC 7644 §4). Entra's gallery checklist requires
 * `/Schemas` without `null` values and with camelCase characteristic values (idp-clients.md §2.5
 * item 12), so every document is built from explicit literals, never from optional fields.
 */
import { CORE_GROUP_SCHEMA } from '../filter/group-filter-attributes.js';
import { CORE_GROUP } from './group-schema.js';
import { CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA, USER_SCHEMAS, type AttributeDefinition, type SchemaDefinition } from './user-schema.js';

/** What /Schemas serves: the User schemas and the Group schema (group sync). */
const SERVED_SCHEMAS: readonly SchemaDefinition[] = [...USER_SCHEMAS, CORE_GROUP];

export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** scim-api.md "Media types" / quality.md: bodies over 1 MiB are refused with 413. */
export const MAX_PAYLOAD_BYTES = 1_048_576;
/** scim-api.md "Reading": `count` is clamped to 1000, and defaults to 100. */
export const MAX_RESULTS = 1000;
export const DEFAULT_PAGE_SIZE = 100;

export interface RenderedAttribute {
  name: string;
  type: string;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: string;
  returned: string;
  uniqueness: string;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: RenderedAttribute[];
}

export interface SchemaResource {
  schemas: string[];
  id: string;
  name: string;
  description: string;
  attributes: RenderedAttribute[];
  meta: { resourceType: 'Schema'; location: string };
}

export interface ResourceTypeResource {
  schemas: string[];
  id: string;
  name: string;
  endpoint: string;
  description: string;
  schema: string;
  schemaExtensions: { schema: string; required: boolean }[];
  meta: { resourceType: 'ResourceType'; location: string };
}

export interface ListResponse<T> {
  schemas: string[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

const trimBase = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

function renderAttribute(a: AttributeDefinition): RenderedAttribute {
  return {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.description,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
    ...(a.canonicalValues ? { canonicalValues: [...a.canonicalValues] } : {}),
    ...(a.referenceTypes ? { referenceTypes: [...a.referenceTypes] } : {}),
    ...(a.subAttributes ? { subAttributes: a.subAttributes.map(renderAttribute) } : {}),
  };
}

export function renderSchema(schema: SchemaDefinition, baseUrl: string): SchemaResource {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(renderAttribute),
    meta: { resourceType: 'Schema', location: `${trimBase(baseUrl)}/Schemas/${schema.id}` },
  };
}

export function renderSchemas(baseUrl: string): SchemaResource[] {
  return SERVED_SCHEMAS.map((s) => renderSchema(s, baseUrl));
}

/** `GET Schemas/:urn`; the URN is matched case-insensitively (RFC 7644 §3.10). */
export function findSchemaResource(urn: string, baseUrl: string): SchemaResource | undefined {
  const schema = SERVED_SCHEMAS.find((s) => s.id.toLowerCase() === urn.toLowerCase());
  return schema ? renderSchema(schema, baseUrl) : undefined;
}

export function renderUserResourceType(baseUrl: string): ResourceTypeResource {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: CORE_USER_SCHEMA,
    schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
    meta: { resourceType: 'ResourceType', location: `${trimBase(baseUrl)}/ResourceTypes/User` },
  };
}

export function renderGroupResourceType(baseUrl: string): ResourceTypeResource {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'Group (group sync: its displayName matches SAML Group Links)',
    schema: CORE_GROUP_SCHEMA,
    schemaExtensions: [],
    meta: { resourceType: 'ResourceType', location: `${trimBase(baseUrl)}/ResourceTypes/Group` },
  };
}

/** User and Group (scim-api.md "Discovery", docs/group-sync.md). */
export function renderResourceTypes(baseUrl: string): ResourceTypeResource[] {
  return [renderUserResourceType(baseUrl), renderGroupResourceType(baseUrl)];
}

export function findResourceType(name: string, baseUrl: string): ResourceTypeResource | undefined {
  return renderResourceTypes(baseUrl).find((r) => r.id.toLowerCase() === name.toLowerCase());
}

/** RFC 7643 §5; every flag states what Roster really does (scim-api.md "Discovery"). */
export function renderServiceProviderConfig(baseUrl: string) {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: MAX_PAYLOAD_BYTES },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    // RFC 9865 §4: both paging methods; cursors encode a position, so they never time out.
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: DEFAULT_PAGE_SIZE,
      maxPageSize: MAX_RESULTS,
    },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: "Authentication with the group's (or the instance's) SCIM token in an " + '"Authorization: Bearer <token>" header.',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${trimBase(baseUrl)}/ServiceProviderConfig`,
    },
  };
}

export type ServiceProviderConfigResource = ReturnType<typeof renderServiceProviderConfig>;

/** RFC 7644 §4: `/Schemas` and `/ResourceTypes` answer with an unpaged ListResponse. */
export function discoveryListResponse<T>(resources: T[]): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
