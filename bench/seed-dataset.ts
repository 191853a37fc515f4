import { normalizeForCompare } from '../src/scim/filter/normalize.js';
import { canonicalizeUserDoc } from '../src/scim/patch/canonicalize-user-doc.js';
import { identityColumns } from '../src/scim/scim-identities.repository.js';
import { sanitizeUsername } from '../src/users/username.js';
import type { BenchDatabase } from './bench-database.js';
import { openBulkWriter, Row } from './bulk-writer.js';
import { isMismatched, Person, scimUserBody } from './dataset-names.js';

export interface SeedGroup {
  id: number;
  size: number;
  person: (index: number) => Person;
  /** Whether every hundredth member gets a SAML extern_uid that differs from the SCIM one. */
  withMismatches: boolean;
}

const GUEST = 10;
const CHUNK = 5000;

const COLUMNS = {
  users: ['id', 'username', 'username_lower', 'name', 'email', 'email_lower', 'state', 'is_admin', 'enterprise_group_id', 'created_at', 'updated_at'],
  saml_identities: ['id', 'group_id', 'user_id', 'extern_uid', 'created_at', 'updated_at'],
  scim_identities: [
    'id',
    'group_id',
    'user_id',
    'extern_uid',
    'extern_uid_lower',
    'active',
    'user_name_lower',
    'display_name_lower',
    'name_formatted_lower',
    'given_name_lower',
    'family_name_lower',
    'attributes',
    'version',
    'created_at',
    'updated_at',
  ],
  scim_identity_emails: ['id', 'identity_id', 'value_lower', 'type_lower', 'is_primary'],
  members: ['id', 'group_id', 'user_id', 'access_level', 'created_at', 'updated_at'],
  audit_events: ['id', 'created_at', 'event_name', 'author_id', 'author_name', 'group_id', 'entity_type', 'entity_id', 'target_type', 'target_id', 'target_details', 'details', 'ip_address'],
} as const;
type Table = keyof typeof COLUMNS;
const TABLES = Object.keys(COLUMNS) as Table[];

/**
 * Writes SCIM-provisioned members exactly as POST Users leaves them (the account, its SAML and
 * SCIM identities, the identity's email rows, the membership at the provider's default role, and
 * the two audit events), using the application's own projection and username functions.
 * Returns the number of people written.
 */
export async function seedDataset(database: BenchDatabase, groups: SeedGroup[]): Promise<number> {
  const writer = await openBulkWriter(database);
  try {
    const next = {} as Record<Table, number>;
    for (const table of TABLES) next[table] = (await writer.maxId(table)) + 1;
    const now = new Date().toISOString();
    let people = 0;
    for (const group of groups) {
      for (let start = 1; start <= group.size; start += CHUNK) {
        const rows = Object.fromEntries(TABLES.map((t) => [t, [] as Row[]])) as Record<Table, Row[]>;
        for (let index = start; index < Math.min(start + CHUNK, group.size + 1); index++) {
          const person = group.person(index);
          const doc = canonicalizeUserDoc(scimUserBody(person));
          const columns = identityColumns(doc);
          const userId = next.users++;
          const identityId = next.scim_identities++;
          const username = sanitizeUsername(person.userName);
          const name = `${person.givenName} ${person.familyName}`;
          const samlUid = group.withMismatches && isMismatched(index) ? `${person.externalId}-saml` : person.externalId;
          rows.users.push([userId, username, username.toLowerCase(), name, person.email, person.email.toLowerCase(), 'active', false, group.id, now, now]);
          rows.saml_identities.push([next.saml_identities++, group.id, userId, samlUid, now, now]);
          rows.scim_identities.push([
            identityId,
            group.id,
            userId,
            person.externalId,
            normalizeForCompare(person.externalId),
            true,
            columns.userNameLower,
            columns.displayNameLower,
            columns.nameFormattedLower,
            columns.givenNameLower,
            columns.familyNameLower,
            JSON.stringify(doc),
            1,
            now,
            now,
          ]);
          for (const email of columns.emails) rows.scim_identity_emails.push([next.scim_identity_emails++, identityId, email.valueLower, email.typeLower, email.isPrimary]);
          rows.members.push([next.members++, group.id, userId, GUEST, now, now]);
          const event = (name: string, details: Record<string, unknown>): Row => [
            next.audit_events++,
            now,
            name,
            null,
            'System',
            group.id,
            'Group',
            group.id,
            'User',
            userId,
            username,
            JSON.stringify(details),
            '127.0.0.1',
          ];
          rows.audit_events.push(event('member_added', { access_level: GUEST }));
          rows.audit_events.push(event('user_provisioned_by_scim', { extern_uid: person.externalId, email: person.email, active: true }));
          people++;
        }
        for (const table of TABLES) await writer.insert(table, [...COLUMNS[table]], rows[table]);
      }
    }
    await writer.finish(TABLES);
    return people;
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
