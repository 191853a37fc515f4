import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * The whole schema, written with TypeORM's portable Table API so one migration serves SQLite and
 * PostgreSQL. Timestamps are ISO-8601 UTC strings (identical ordering and formatting on both
 * engines); case-insensitive lookups use `*_lower` columns computed in the application, because
 * SQLite's lower() only folds ASCII. Instance-scope rows have group_id NULL and get partial unique
 * indexes of their own (a NULL never collides in a plain unique index).
 */
const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
const str = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', isNullable: nullable });
const text = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
const int = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable });
const bool = (name: string): TableColumnOptions => ({ name, type: 'boolean', isNullable: false });
const timestamps = [str('created_at'), str('updated_at')];

function index(name: string, columnNames: string[], options: { unique?: boolean; where?: string } = {}): TableIndex {
  return new TableIndex({ name, columnNames, isUnique: options.unique ?? false, where: options.where });
}

/** Uniqueness per scope: one index for group rows, a partial one for instance rows. */
function scoped(table: string, column: string): TableIndex[] {
  return [index(`uq_${table}_group_${column}`, ['group_id', column], { unique: true }), index(`uq_${table}_instance_${column}`, [column], { unique: true, where: 'group_id IS NULL' })];
}

export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'users',
        columns: [id, str('username'), str('username_lower'), str('name'), str('email'), str('email_lower'), str('state'), bool('is_admin'), int('enterprise_group_id', true), ...timestamps],
        indices: [
          index('uq_users_username_lower', ['username_lower'], { unique: true }),
          index('uq_users_email_lower', ['email_lower'], { unique: true }),
          index('ix_users_enterprise_group', ['enterprise_group_id']),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'groups',
        columns: [id, str('name'), str('path'), str('path_lower'), text('allowed_email_domains'), text('verified_domains'), ...timestamps],
        indices: [index('uq_groups_path_lower', ['path_lower'], { unique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'members',
        columns: [id, int('group_id'), int('user_id'), int('access_level'), ...timestamps],
        indices: [index('uq_members_group_user', ['group_id', 'user_id'], { unique: true }), index('ix_members_user', ['user_id']), index('ix_members_group_access', ['group_id', 'access_level'])],
        foreignKeys: [
          { columnNames: ['group_id'], referencedTableName: 'groups', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
          { columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'saml_providers',
        columns: [id, int('group_id', true), str('scope_key'), bool('enabled'), bool('enforced_sso'), int('default_membership_role'), str('sso_url', true), text('certificate', true), ...timestamps],
        indices: [
          // scope_key is 'group:<id>' or 'instance': one provider per scope, instance included.
          index('uq_saml_providers_scope', ['scope_key'], { unique: true }),
        ],
        foreignKeys: [{ columnNames: ['group_id'], referencedTableName: 'groups', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'personal_access_tokens',
        columns: [id, int('user_id'), str('name'), str('token_digest'), str('token_prefix'), str('created_at'), str('last_used_at', true), str('revoked_at', true)],
        indices: [index('uq_pats_digest', ['token_digest'], { unique: true }), index('ix_pats_user', ['user_id'])],
        foreignKeys: [{ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'scim_tokens',
        columns: [id, int('group_id', true), str('active_scope', true), str('token_digest'), str('token_prefix'), str('created_at'), str('last_used_at', true), str('revoked_at', true)],
        indices: [index('uq_scim_tokens_digest', ['token_digest'], { unique: true }), index('uq_scim_tokens_active_scope', ['active_scope'], { unique: true })],
        foreignKeys: [{ columnNames: ['group_id'], referencedTableName: 'groups', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'sessions',
        columns: [id, str('session_digest'), int('user_id'), str('csrf_token'), str('created_at'), str('last_seen_at'), str('expires_at')],
        indices: [index('uq_sessions_digest', ['session_digest'], { unique: true }), index('ix_sessions_expires', ['expires_at'])],
        foreignKeys: [{ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          id,
          str('created_at'),
          str('event_name'),
          int('author_id', true),
          str('author_name'),
          int('group_id', true),
          str('entity_type'),
          int('entity_id', true),
          str('target_type', true),
          int('target_id', true),
          str('target_details', true),
          text('details'),
          str('ip_address', true),
        ],
        indices: [index('ix_audit_events_group', ['group_id', 'id']), index('ix_audit_events_name', ['event_name', 'id']), index('ix_audit_events_target', ['target_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'scim_identities',
        columns: [
          id,
          int('group_id', true),
          int('user_id'),
          str('extern_uid'),
          str('extern_uid_lower'),
          bool('active'),
          str('user_name_lower'),
          str('display_name_lower', true),
          str('name_formatted_lower', true),
          str('given_name_lower', true),
          str('family_name_lower', true),
          text('attributes'),
          int('version'),
          ...timestamps,
        ],
        indices: [
          ...scoped('scim_identities', 'extern_uid_lower'),
          ...scoped('scim_identities', 'user_id'),
          index('ix_scim_identities_group', ['group_id', 'id']),
          index('ix_scim_identities_user_name', ['user_name_lower']),
          index('ix_scim_identities_user', ['user_id']),
        ],
        foreignKeys: [
          { columnNames: ['group_id'], referencedTableName: 'groups', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
          { columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'scim_identity_emails',
        columns: [id, int('identity_id'), str('value_lower'), str('type_lower', true), bool('is_primary')],
        indices: [index('ix_scim_identity_emails_identity', ['identity_id']), index('ix_scim_identity_emails_value', ['value_lower'])],
        foreignKeys: [{ columnNames: ['identity_id'], referencedTableName: 'scim_identities', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'scim_requests',
        columns: [
          id,
          str('created_at'),
          int('group_id', true),
          str('method'),
          str('path'),
          text('query', true),
          int('status'),
          int('duration_ms'),
          str('external_id', true),
          str('external_id_lower', true),
          str('user_name', true),
          str('resource_id', true),
          text('error_detail', true),
          text('body', true),
        ],
        indices: [index('ix_scim_requests_group', ['group_id', 'id']), index('ix_scim_requests_external_id', ['group_id', 'external_id_lower'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'saml_identities',
        columns: [id, int('group_id', true), int('user_id'), str('extern_uid'), ...timestamps],
        indices: [...scoped('saml_identities', 'extern_uid'), ...scoped('saml_identities', 'user_id'), index('ix_saml_identities_user', ['user_id'])],
        foreignKeys: [
          { columnNames: ['group_id'], referencedTableName: 'groups', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
          { columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'saml_sign_ins',
        columns: [id, int('group_id', true), str('name_id'), str('email', true), int('user_id', true), str('outcome'), str('created_at')],
        indices: [index('ix_saml_sign_ins_group_user', ['group_id', 'user_id', 'id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'saml_requests',
        columns: [{ name: 'id', type: 'varchar', isPrimary: true }, int('group_id', true), str('created_at'), str('expires_at'), str('used_at', true)],
        indices: [index('ix_saml_requests_expires', ['expires_at'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'saml_assertions',
        columns: [{ name: 'id', type: 'varchar', isPrimary: true }, str('expires_at')],
        indices: [index('ix_saml_assertions_expires', ['expires_at'])],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'saml_assertions',
      'saml_requests',
      'saml_sign_ins',
      'saml_identities',
      'scim_requests',
      'scim_identity_emails',
      'scim_identities',
      'audit_events',
      'sessions',
      'scim_tokens',
      'personal_access_tokens',
      'saml_providers',
      'members',
      'groups',
      'users',
    ]) {
      await q.dropTable(table);
    }
  }
}
