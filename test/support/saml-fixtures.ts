/**
 * Scenario helpers for the SAML and mismatch-report tests: people provisioned through the real
 * SCIM API, accounts and browser sessions through the admin API, and a snapshot of every table a
 * sign-in could touch, to prove that a refusal changed nothing but the audit log.
 */
import { adminAuth, GroupSetup, oktaUser, SCIM_JSON } from './fixtures.js';
import type { TestApp } from './test-app.js';
import { groupSp, postSamlResponse, PostOptions, ServiceProvider, sessionCookieFrom } from './test-idp.js';

export interface Provisioned {
  userId: number;
  externalId: string;
  email: string;
  userName: string;
}

/** POST Users through the group's SCIM API (an Okta-shaped body); returns who was provisioned. */
export async function provision(t: TestApp, g: GroupSetup, overrides: Record<string, unknown> = {}): Promise<Provisioned> {
  const body = oktaUser(overrides);
  const res = await t.http().post(`${g.base}/Users`).set('Authorization', `Bearer ${g.scimToken}`).set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
  if (res.status !== 201) throw new Error(`SCIM POST failed: ${res.status} ${JSON.stringify(res.body)}`);
  const [row] = await t.sql<{ user_id: number }>('SELECT user_id FROM scim_identities WHERE group_id = ? AND extern_uid = ?', [g.id, body.externalId]);
  return { userId: Number(row.user_id), externalId: body.externalId as string, email: (body.emails as { value: string }[])[0].value, userName: body.userName as string };
}

/** A platform account made by an admin (no identities anywhere). */
export async function createAccount(t: TestApp, who: { username: string; email: string; name?: string }): Promise<number> {
  const res = await t
    .http()
    .post('/api/v4/users')
    .set(adminAuth)
    .send({ name: who.name ?? who.username, ...who });
  if (res.status !== 201) throw new Error(`POST /api/v4/users failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

export interface BrowserSession {
  cookie: string;
  csrfToken: string;
}

/** A browser signed in as the user through the UI's PAT sign-in. */
export async function signInBrowser(t: TestApp, userId: number): Promise<BrowserSession> {
  const pat = await t.http().post(`/api/v4/users/${userId}/personal_access_tokens`).set(adminAuth).send({ name: 'browser' });
  if (pat.status !== 201) throw new Error(`PAT creation failed: ${pat.status} ${JSON.stringify(pat.body)}`);
  const res = await t.http().post('/api/v4/session').send({ token: pat.body.token });
  if (res.status !== 201) throw new Error(`session sign-in failed: ${res.status}`);
  return { cookie: sessionCookieFrom(res.headers['set-cookie'])!, csrfToken: res.body.csrf_token };
}

export function spFor(t: TestApp, g: { path: string }): ServiceProvider {
  return groupSp(t.config.baseUrl, g.path);
}

/** Posts a response for the group's SP. */
export function signInWithSaml(t: TestApp, g: { path: string }, options: PostOptions) {
  return postSamlResponse(t.http(), spFor(t, g), options);
}

const SNAPSHOT_TABLES: Record<string, string> = {
  users: 'SELECT id, username, email, state FROM users ORDER BY id',
  members: 'SELECT group_id, user_id, access_level FROM members ORDER BY group_id, user_id',
  saml_identities: 'SELECT group_id, user_id, extern_uid FROM saml_identities ORDER BY id',
  scim_identities: 'SELECT group_id, user_id, extern_uid, active FROM scim_identities ORDER BY id',
  sessions: 'SELECT id, user_id FROM sessions ORDER BY id',
  saml_sign_ins: 'SELECT id, group_id, name_id, user_id, outcome FROM saml_sign_ins ORDER BY id',
  saml_assertions: 'SELECT id FROM saml_assertions ORDER BY id',
  saml_requests: 'SELECT id, used_at FROM saml_requests ORDER BY id',
  audit_events: 'SELECT id, event_name FROM audit_events ORDER BY id',
};

export type Snapshot = Record<string, unknown[]>;

/** Every row a SAML sign-in could write, normalised so SQLite and PostgreSQL compare alike. */
export async function snapshot(t: TestApp): Promise<Snapshot> {
  const result: Snapshot = {};
  for (const [table, query] of Object.entries(SNAPSHOT_TABLES)) {
    const rows = await t.sql<Record<string, unknown>>(query);
    result[table] = rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v]))));
  }
  return result;
}

/** The audit events (name and details) written after `afterId`. */
export async function auditSince(t: TestApp, afterId: number): Promise<{ event_name: string; details: Record<string, unknown>; target_id: number | null }[]> {
  const rows = await t.sql<{ event_name: string; details: string; target_id: number | null }>('SELECT event_name, details, target_id FROM audit_events WHERE id > ? ORDER BY id', [afterId]);
  return rows.map((r) => ({ event_name: r.event_name, details: JSON.parse(r.details) as Record<string, unknown>, target_id: r.target_id === null ? null : Number(r.target_id) }));
}

export async function lastAuditId(t: TestApp): Promise<number> {
  const [row] = await t.sql<{ id: number | null }>('SELECT MAX(id) AS id FROM audit_events');
  return Number(row.id ?? 0);
}
