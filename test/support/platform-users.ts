import { adminAuth } from './fixtures.js';
import type { TestApp } from './test-app.js';

/** An existing platform account (made by an admin, not by SCIM). */
export async function createPlatformUser(t: TestApp, email: string, name = 'Existing Person'): Promise<number> {
  const res = await t
    .http()
    .post('/api/v4/users')
    .set(adminAuth)
    .send({ username: email.split('@')[0], name, email });
  if (res.status !== 201) throw new Error(`creating ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

/** Gives a user a SAML identity in a group directly (what a completed SAML link would leave behind). */
export async function linkSamlIdentity(t: TestApp, groupId: number | null, userId: number, externUid: string): Promise<void> {
  const now = new Date().toISOString();
  await t.sql('INSERT INTO saml_identities (group_id, user_id, extern_uid, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [groupId, userId, externUid, now, now]);
}

export async function userIdByEmail(t: TestApp, email: string): Promise<number | undefined> {
  const rows = await t.sql<{ id: number }>('SELECT id FROM users WHERE email_lower = ?', [email.toLowerCase()]);
  return rows[0] ? Number(rows[0].id) : undefined;
}

export async function membership(t: TestApp, groupId: number, userId: number): Promise<number | null> {
  const rows = await t.sql<{ access_level: number }>('SELECT access_level FROM members WHERE group_id = ? AND user_id = ?', [groupId, userId]);
  return rows[0] ? Number(rows[0].access_level) : null;
}

export async function scimIdentity(t: TestApp, groupId: number | null, userId: number) {
  const rows = await t.sql<{ extern_uid: string; active: unknown }>(
    groupId === null ? 'SELECT extern_uid, active FROM scim_identities WHERE group_id IS NULL AND user_id = ?' : 'SELECT extern_uid, active FROM scim_identities WHERE group_id = ? AND user_id = ?',
    groupId === null ? [userId] : [groupId, userId],
  );
  return rows[0] ? { externUid: rows[0].extern_uid, active: Boolean(rows[0].active) } : null;
}

export async function samlIdentity(t: TestApp, groupId: number | null, userId: number): Promise<string | null> {
  const rows = await t.sql<{ extern_uid: string }>(
    groupId === null ? 'SELECT extern_uid FROM saml_identities WHERE group_id IS NULL AND user_id = ?' : 'SELECT extern_uid FROM saml_identities WHERE group_id = ? AND user_id = ?',
    groupId === null ? [userId] : [groupId, userId],
  );
  return rows[0]?.extern_uid ?? null;
}

export async function userState(t: TestApp, userId: number): Promise<string> {
  return (await t.sql<{ state: string }>('SELECT state FROM users WHERE id = ?', [userId]))[0].state;
}
