/**
 * Where each filterable SCIM User attribute lives (scim-api.md "Filters", "Reading"). The compiler only
 * ever puts these trusted names into SQL; client input reaches SQL as parameters.
 *
 * Tables and fixed aliases: `scim_identities i` (the outer query), `scim_identity_emails` (reached through
 * an `i.id IN (subquery)` with its own alias), `users` (the platform account, for the userName fallback).
 */

export type FilterAttributeType = 'string' | 'boolean' | 'dateTime';

export interface PlatformAccountFallback {
  /** The platform account table, e.g. `users`. */
  table: string;
  /** Primary key of `table`, matched against `foreignKey` of the outer row. */
  idColumn: string;
  foreignKey: string;
  /** Columns of `table` compared with the same normalised value. */
  columns: string[];
}

export interface FilterAttribute {
  /** Canonical SCIM path, for messages. */
  path: string;
  type: FilterAttributeType;
  /** Column name without alias. String columns of case-insensitive attributes hold normalizeForCompare(value). */
  column: string;
  nullable: boolean;
  /**
   * RFC 7643 §2.2. false: the column holds the normalised value and parameters are normalised too.
   * true: column and parameter are compared raw (byte-wise on both engines).
   */
  caseExact: boolean;
  /** The multi-valued attribute (key of `multiValued`) whose table holds this column. */
  multiValued?: string;
  /**
   * An index leads with this column, so an `eq` on it can drive the query: a multi-valued table is
   * then reached with `id IN (SELECT … WHERE col = ?)` instead of a subquery correlated with each row.
   */
  indexed?: boolean;
  sortable?: boolean;
  /** `eq` also matches the outer row whose platform account has this value (see the compiler). */
  fallback?: PlatformAccountFallback;
}

export interface MultiValuedTable {
  table: string;
  /** Column of `table` that references the outer row's `id`. */
  foreignKey: string;
  /** Subquery aliases are `<aliasPrefix><n>`. */
  aliasPrefix: string;
}

export interface FilterAttributeMap {
  /** The outer table and its alias; `id` breaks sort ties and correlates subqueries. */
  rootTable: string;
  rootAlias: string;
  /** Schema URNs accepted as an attribute prefix, lower-case. */
  schemas: string[];
  /** Keyed by lower-case path. */
  attributes: Record<string, FilterAttribute>;
  /** RFC 7644 §3.4.2.2: a multi-valued attribute named without a sub-attribute compares its `value`. */
  aliases: Record<string, string>;
  multiValued: Record<string, MultiValuedTable>;
  /** Complex single-valued attributes that may carry a value filter: `name[givenName eq "a"]`. */
  complex: string[];
}

const string = (path: string, column: string, nullable: boolean, sortable = false): FilterAttribute => ({
  path,
  type: 'string',
  column,
  nullable,
  // scim-api.md: userName, emails and externalId compare case-insensitively; lookups by id are
  // case-insensitive too, and the other names are compared the same way for the IdPs' sake.
  caseExact: false,
  sortable,
});

export const CORE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

export const USER_FILTER_ATTRIBUTES: FilterAttributeMap = {
  rootTable: 'scim_identities',
  rootAlias: 'i',
  schemas: [CORE_USER_SCHEMA.toLowerCase()],
  attributes: {
    // `id` is the extern_uid (scim-api.md "Reading"), so id and externalId are one column.
    id: string('id', 'extern_uid_lower', false, true),
    externalid: string('externalId', 'extern_uid_lower', false, true),
    username: {
      ...string('userName', 'user_name_lower', false, true),
      // scim-api.md: `userName eq "x"` also finds the identity whose platform username or email is x
      // (Okta looks users up by the email it uses as userName).
      fallback: { table: 'users', idColumn: 'id', foreignKey: 'user_id', columns: ['username_lower', 'email_lower'] },
    },
    displayname: string('displayName', 'display_name_lower', true, true),
    'name.formatted': string('name.formatted', 'name_formatted_lower', true),
    'name.givenname': string('name.givenName', 'given_name_lower', true, true),
    'name.familyname': string('name.familyName', 'family_name_lower', true, true),
    'emails.value': { ...string('emails.value', 'value_lower', false), multiValued: 'emails', indexed: true },
    'emails.type': { ...string('emails.type', 'type_lower', true), multiValued: 'emails' },
    'emails.primary': {
      path: 'emails.primary',
      type: 'boolean',
      column: 'is_primary',
      nullable: false,
      caseExact: false,
      multiValued: 'emails',
    },
    active: { path: 'active', type: 'boolean', column: 'active', nullable: false, caseExact: false },
    // ISO-8601 UTC strings of one fixed format, so string order is time order.
    'meta.created': { path: 'meta.created', type: 'dateTime', column: 'created_at', nullable: false, caseExact: true, sortable: true },
    'meta.lastmodified': {
      path: 'meta.lastModified',
      type: 'dateTime',
      column: 'updated_at',
      nullable: false,
      caseExact: true,
      sortable: true,
    },
  },
  aliases: { emails: 'emails.value' },
  multiValued: { emails: { table: 'scim_identity_emails', foreignKey: 'identity_id', aliasPrefix: 'e' } },
  complex: ['name', 'meta'],
};

/** The names a client may filter on (for error details), in map order, each alias before its target. */
export function filterableNames(map: FilterAttributeMap): string[] {
  const names: string[] = [];
  for (const [key, attribute] of Object.entries(map.attributes)) {
    for (const [alias, target] of Object.entries(map.aliases)) if (target === key) names.push(alias);
    names.push(attribute.path);
  }
  return names;
}
