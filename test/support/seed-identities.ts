import type { TestApp } from './test-app.js';

/**
 * Inserts `count` provisioned people (account + SCIM identity + work email) into a group scope
 * directly in SQL, for tests that need many rows (query plans) and must not spend minutes on HTTP.
 * Values follow the same conventions as the app writes them (`*_lower` columns lower-cased).
 */
export async function seedIdentities(t: TestApp, groupId: number | null, count: number, prefix = 'seed'): Promise<void> {
  const now = new Date().toISOString();
  const active = t.database.kind === 'postgres' ? 'true' : '1';
  const bool = (v: boolean) => (t.database.kind === 'postgres' ? String(v) : v ? '1' : '0');
  const batch = 400;
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const users: unknown[] = [];
    const rows: string[] = [];
    for (let i = start; i < start + size; i++) {
      const name = `${prefix}${i}`;
      rows.push('(?, ?, ?, ?, ?, ?, ' + bool(false) + ', ?, ?, ?)');
      users.push(name, name, `Seed ${i}`, `${name}@seed.test`, `${name}@seed.test`, 'active', groupId, now, now);
    }
    await t.sql(`INSERT INTO users (username, username_lower, name, email, email_lower, state, is_admin, enterprise_group_id, created_at, updated_at) VALUES ${rows.join(', ')}`, users);
    const ids = await t.sql<{ id: number; username: string }>(`SELECT id, username FROM users WHERE username LIKE ? AND id NOT IN (SELECT user_id FROM scim_identities) ORDER BY id`, [`${prefix}%`]);
    const identityRows: string[] = [];
    const params: unknown[] = [];
    for (const u of ids) {
      const doc = { userName: `${u.username}@seed.test`, name: { givenName: 'Seed', familyName: u.username }, emails: [{ value: `${u.username}@seed.test`, type: 'work', primary: true }] };
      identityRows.push(`(?, ?, ?, ?, ${active}, ?, ?, ?, ?, ?, 1, ?, ?)`);
      params.push(groupId, u.id, `ext-${u.username}`, `ext-${u.username}`, `${u.username}@seed.test`, null, 'seed', u.username, JSON.stringify(doc), now, now);
    }
    if (identityRows.length === 0) continue;
    await t.sql(
      `INSERT INTO scim_identities (group_id, user_id, extern_uid, extern_uid_lower, active, user_name_lower, display_name_lower, given_name_lower, family_name_lower, attributes, version, created_at, updated_at) VALUES ${identityRows.join(', ')}`,
      params,
    );
    await t.sql(
      `INSERT INTO scim_identity_emails (identity_id, value_lower, type_lower, is_primary) SELECT id, user_name_lower, 'work', ${bool(true)} FROM scim_identities WHERE id NOT IN (SELECT identity_id FROM scim_identity_emails)`,
    );
  }
}
