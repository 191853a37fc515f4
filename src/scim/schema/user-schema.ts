/**
 * The SCIM User schema as data: RFC 7643 §4.1 (core User), §4.3 (enterprise extension) and the
 * common attributes of §3.1. PATCH/PUT normalisation (../patch/) and the discovery documents
 * (schemas-document.ts) both read these definitions, so the advertised characteristics are the
 * ones the server applies.
 */

export const CORE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'binary' | 'reference' | 'complex';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

/** RFC 7643 §2.2 / §7 attribute characteristics. */
export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDefinition[];
  /**
   * Longest accepted string (UTF-16 units); for values Roster indexes. Not advertised: RFC 7643 §7
   * has no such characteristic.
   */
  readonly maxLength?: number;
}

/**
 * userName and email values are indexed (filters, uniqueness); GitLab's columns hold 255 characters,
 * and PostgreSQL refuses index entries over ~2.7 kB, which a longer value could exceed.
 */
export const MAX_INDEXED_LENGTH = 255;

export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

type Overrides = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>;

function attr(name: string, type: AttributeType, description: string, overrides: Overrides = {}): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    // RFC 7643 §2.2 default for caseExact is false; only meaningful for strings.
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...(type === 'reference' && !overrides.referenceTypes ? { referenceTypes: ['external'] } : {}),
    ...overrides,
  };
}

const str = (name: string, description: string, o: Overrides = {}) => attr(name, 'string', description, o);

/**
 * The value/display/type/primary quartet RFC 7643 §2.4 gives multi-valued attributes; `value`'s
 * type and the canonical `type` values differ per attribute.
 */
function multiValued(name: string, description: string, opts: { valueType?: AttributeType; types?: readonly string[]; mutability?: Mutability; valueMaxLength?: number } = {}): AttributeDefinition {
  const mutability = opts.mutability ?? 'readWrite';
  const sub = (a: AttributeDefinition) => ({ ...a, mutability });
  return attr(name, 'complex', description, {
    multiValued: true,
    mutability,
    subAttributes: [
      sub(
        attr('value', opts.valueType ?? 'string', `The value of the ${name} entry.`, {
          ...(opts.valueMaxLength ? { maxLength: opts.valueMaxLength } : {}),
        }),
      ),
      sub(str('display', 'A human-readable name, primarily used for display purposes.')),
      sub(
        str('type', `A label indicating the ${name} entry's function.`, {
          ...(opts.types ? { canonicalValues: opts.types } : {}),
        }),
      ),
      sub(attr('primary', 'boolean', `Whether this is the primary ${name} entry; true at most once.`)),
    ],
  });
}

/** RFC 7643 §3.1. Not listed in /Schemas (RFC 7643 §8.7.1 omits them) but resolvable for PATCH. */
export const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = [
  str('id', "The service provider's identifier of the resource; in Roster, the extern_uid.", {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  // Roster: externalId is the extern_uid, compared case-insensitively and unique per scope.
  str('externalId', "The provisioning client's identifier of the resource.", {
    uniqueness: 'server',
  }),
  attr('meta', 'complex', 'Resource metadata.', {
    mutability: 'readOnly',
    subAttributes: [
      str('resourceType', 'The name of the resource type.', { caseExact: true, mutability: 'readOnly' }),
      attr('created', 'dateTime', 'When the resource was added.', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', 'When the resource was last changed.', { mutability: 'readOnly' }),
      attr('location', 'reference', 'The URI of the resource.', {
        referenceTypes: ['uri'],
        caseExact: true,
        mutability: 'readOnly',
      }),
      str('version', 'The version (ETag) of the resource.', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];

export const CORE_USER: SchemaDefinition = {
  id: CORE_USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    str('userName', 'Unique identifier for the User, typically used to sign in. REQUIRED.', {
      required: true,
      uniqueness: 'server',
      maxLength: MAX_INDEXED_LENGTH,
    }),
    attr('name', 'complex', "The components of the user's real name.", {
      subAttributes: [
        str('formatted', 'The full name, formatted for display.'),
        str('familyName', 'The family name (last name in most Western languages).'),
        str('givenName', 'The given name (first name in most Western languages).'),
        str('middleName', 'The middle name(s).'),
        str('honorificPrefix', 'The honorific prefix(es), e.g. "Ms.".'),
        str('honorificSuffix', 'The honorific suffix(es), e.g. "III".'),
      ],
    }),
    str('displayName', 'The name of the User, suitable for display to end-users.'),
    str('nickName', 'The casual way to address the user.'),
    attr('profileUrl', 'reference', "A URI of the user's online profile."),
    str('title', 'The user\'s title, such as "Vice President".'),
    str('userType', 'The relationship between the organization and the user, e.g. "Employee".'),
    str('preferredLanguage', "The user's preferred written or spoken language (RFC 7231 §5.3.5)."),
    str('locale', 'The user\'s default location, e.g. "en-US" (RFC 5646).'),
    str('timezone', 'The user\'s time zone in IANA format, e.g. "America/Los_Angeles".'),
    attr('active', 'boolean', "The user's administrative status."),
    // RFC 7643 §4.1.1: never returned; Roster discards it on arrival as well.
    str('password', "The user's cleartext password; accepted and discarded, never stored.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValued('emails', 'Email addresses for the user.', {
      types: ['work', 'home', 'other'],
      valueMaxLength: MAX_INDEXED_LENGTH,
    }),
    multiValued('phoneNumbers', 'Phone numbers for the user.', {
      types: ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
    }),
    multiValued('ims', 'Instant messaging addresses for the user.', {
      types: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
    }),
    multiValued('photos', 'URLs of photos of the user.', {
      valueType: 'reference',
      types: ['photo', 'thumbnail'],
    }),
    attr('addresses', 'complex', 'Physical mailing addresses for this user.', {
      multiValued: true,
      subAttributes: [
        str('formatted', 'The full mailing address, formatted for display.'),
        str('streetAddress', 'The full street address component.'),
        str('locality', 'The city or locality component.'),
        str('region', 'The state or region component.'),
        str('postalCode', 'The zip code or postal code component.'),
        str('country', 'The country name component (ISO 3166-1 alpha-2).'),
        str('type', "A label indicating the address's function.", {
          canonicalValues: ['work', 'home', 'other'],
        }),
        attr('primary', 'boolean', 'Whether this is the primary address; true at most once.'),
      ],
    }),
    // RFC 7643 §4.1.2: membership is managed through Group resources, never on the User.
    attr('groups', 'complex', 'The groups the user belongs to, direct or indirect.', {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        str('value', 'The id of the Group.', { mutability: 'readOnly' }),
        attr('$ref', 'reference', 'The URI of the Group.', {
          referenceTypes: ['User', 'Group'],
          mutability: 'readOnly',
        }),
        str('display', 'A human-readable name of the Group.', { mutability: 'readOnly' }),
        str('type', 'How the membership was derived.', {
          canonicalValues: ['direct', 'indirect'],
          mutability: 'readOnly',
        }),
      ],
    }),
    multiValued('entitlements', 'Entitlements the user has.'),
    multiValued('roles', 'Roles the user has.'),
    multiValued('x509Certificates', 'X.509 certificates issued to the user (DER, base64).', {
      valueType: 'binary',
    }),
  ],
};

export const ENTERPRISE_USER: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber', 'A string identifier, typically numeric or alphanumeric, of the user.'),
    str('costCenter', 'The name of a cost center.'),
    str('organization', 'The name of an organization.'),
    str('division', 'The name of a division.'),
    str('department', 'The name of a department.'),
    attr('manager', 'complex', "The user's manager.", {
      subAttributes: [
        str('value', "The id of the SCIM resource representing the user's manager."),
        attr('$ref', 'reference', "The URI of the SCIM resource representing the user's manager.", {
          referenceTypes: ['User'],
        }),
        // RFC 7643 §4.3: readOnly, the service provider fills it in.
        str('displayName', "The displayName of the user's manager.", { mutability: 'readOnly' }),
      ],
    }),
  ],
};

export const USER_SCHEMAS: readonly SchemaDefinition[] = [CORE_USER, ENTERPRISE_USER];

export interface ResolvedAttribute {
  /** The schema that owns the attribute (common attributes resolve to the core User schema). */
  readonly schema: SchemaDefinition;
  readonly attribute: AttributeDefinition;
  readonly subAttribute?: AttributeDefinition;
  /** The leaf definition: `subAttribute` when there is one, else `attribute`. */
  readonly definition: AttributeDefinition;
  /** Canonical spelling without URN, e.g. `name.givenName`, `manager.value`. */
  readonly canonicalName: string;
  /** Canonical spelling with the schema URN, e.g. `urn:…:enterprise:2.0:User:manager.value`. */
  readonly qualifiedName: string;
}

const eqi = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** RFC 7644 §3.10: schema URNs and attribute names are case-insensitive. */
export function findSchema(urn: string): SchemaDefinition | undefined {
  return USER_SCHEMAS.find((s) => eqi(s.id, urn));
}

/**
 * A top-level attribute by name. Without a schema, the core schema (and the common attributes) wins,
 * then the enterprise extension: RFC 7644 §3.10 only says extension names SHOULD be qualified, and
 * Entra's older manager mapping sends the bare path `manager`.
 */
export function findAttribute(name: string, schemaUrn?: string): { schema: SchemaDefinition; attribute: AttributeDefinition } | undefined {
  const only = schemaUrn === undefined ? undefined : findSchema(schemaUrn);
  if (schemaUrn !== undefined && !only) return undefined;
  const schemas = only ? [only] : USER_SCHEMAS;
  for (const schema of schemas) {
    const pool = schema === CORE_USER ? [...COMMON_ATTRIBUTES, ...schema.attributes] : schema.attributes;
    const attribute = pool.find((a) => eqi(a.name, name));
    if (attribute) return { schema, attribute };
  }
  return undefined;
}

export function findSubAttribute(attribute: AttributeDefinition, name: string): AttributeDefinition | undefined {
  return attribute.subAttributes?.find((a) => eqi(a.name, name));
}

/**
 * `userName`, `NAME.GivenName`, `urn:ietf:params:scim:schemas:core:2.0:User:emails.value`,
 * `urn:…:enterprise:2.0:User:manager.value` → the definition, its canonical name and owning schema.
 * Unknown names (or an unknown sub-attribute) → undefined.
 */
export function resolveAttribute(path: string): ResolvedAttribute | undefined {
  let schemaUrn: string | undefined;
  let rest = path;
  if (/^urn:/i.test(path)) {
    const schema = USER_SCHEMAS.find((s) => path.toLowerCase().startsWith(`${s.id.toLowerCase()}:`));
    if (!schema) return undefined;
    schemaUrn = schema.id;
    rest = path.slice(schema.id.length + 1);
  }
  const parts = rest.split('.');
  if (parts.length > 2 || parts.some((p) => p === '')) return undefined;
  const found = findAttribute(parts[0], schemaUrn);
  if (!found) return undefined;
  const subAttribute = parts.length === 2 ? findSubAttribute(found.attribute, parts[1]) : undefined;
  if (parts.length === 2 && !subAttribute) return undefined;
  const canonicalName = subAttribute ? `${found.attribute.name}.${subAttribute.name}` : found.attribute.name;
  return {
    schema: found.schema,
    attribute: found.attribute,
    ...(subAttribute ? { subAttribute } : {}),
    definition: subAttribute ?? found.attribute,
    canonicalName,
    qualifiedName: `${found.schema.id}:${canonicalName}`,
  };
}
