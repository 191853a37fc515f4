import { adminAuth, auth, oktaUser, SCIM_JSON } from './fixtures.js';
import type { TestApp } from './test-app.js';

export interface Person {
  id: number;
  username: string;
  email: string;
  token: string;
}

let counter = 0;

/** A platform account with a personal access token, created through the admin API. */
export async function createPerson(t: TestApp, prefix = 'person', overrides: { email?: string; name?: string; is_admin?: boolean } = {}): Promise<Person> {
  counter += 1;
  const username = `${prefix}${counter}`;
  const email = overrides.email ?? `${username}@people.test`;
  const user = await t
    .http()
    .post('/api/v4/users')
    .set(adminAuth)
    .send({ username, name: overrides.name ?? `Person ${username}`, email, is_admin: overrides.is_admin ?? false })
    .expect(201);
  const pat = await t.http().post(`/api/v4/users/${user.body.id}/personal_access_tokens`).set(adminAuth).send({ name: 'tests' }).expect(201);
  return { id: user.body.id, username, email, token: pat.body.token };
}

export async function addMember(t: TestApp, groupId: number, userId: number, accessLevel: number): Promise<void> {
  await t.http().post(`/api/v4/groups/${groupId}/members`).set(adminAuth).send({ user_id: userId, access_level: accessLevel }).expect(201);
}

/** Provisions a person through the group's (or instance's) SCIM API, as an IdP would; returns the platform user id. */
export async function provision(t: TestApp, scim: { base: string; scimToken: string }, overrides: Record<string, unknown> = {}) {
  const doc = oktaUser(overrides);
  const res = await t.http().post(`${scim.base}/Users`).set(auth(scim.scimToken)).set('Content-Type', SCIM_JSON).send(JSON.stringify(doc));
  if (res.status !== 201) throw new Error(`SCIM provisioning failed: ${res.status} ${JSON.stringify(res.body)}`);
  const [row] = await t.sql<{ user_id: number }>('SELECT user_id FROM scim_identities WHERE extern_uid = ? ORDER BY id DESC', [res.body.id]);
  return { userId: Number(row.user_id), doc };
}
