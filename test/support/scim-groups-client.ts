import { adminAuth, auth, SCIM_JSON } from './fixtures.js';
import type { TestApp } from './test-app.js';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** An IdP's `/Groups` calls against one SCIM base with its token. */
export function scimGroups(t: TestApp, base: string, token: string) {
  const send = <T extends { set(name: string, value: string): T; send(body: string): T }>(req: T, body: unknown) =>
    req.set('Authorization', `Bearer ${token}`).set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
  return {
    list: (query: Record<string, string | number> = {}) => t.http().get(`${base}/Groups`).query(query).set(auth(token)),
    get: (id: string, query: Record<string, string> = {}) => t.http().get(`${base}/Groups/${id}`).query(query).set(auth(token)),
    create: (body: unknown) => send(t.http().post(`${base}/Groups`), body),
    put: (id: string, body: unknown) => send(t.http().put(`${base}/Groups/${id}`), body),
    patch: (id: string, operations: unknown[]) => send(t.http().patch(`${base}/Groups/${id}`), { schemas: [PATCH_OP], Operations: operations }),
    delete: (id: string) => t.http().delete(`${base}/Groups/${id}`).set(auth(token)),
  };
}

export async function addLink(t: TestApp, groupId: number, name: string, accessLevel: number): Promise<void> {
  await t.http().post(`/api/v4/groups/${groupId}/saml_group_links`).set(adminAuth).send({ saml_group_name: name, access_level: accessLevel }).expect(201);
}

/** Each member's access level and role source, through the admin API: user id → [level, source, links]. */
export async function roles(t: TestApp, groupId: number): Promise<Map<number, [number, string, string[]]>> {
  const res = await t.http().get(`/api/v4/groups/${groupId}/members`).query({ per_page: 100 }).set(adminAuth).expect(200);
  return new Map((res.body as { id: number; access_level: number; role_source: string; group_sync_links: string[] }[]).map((m) => [m.id, [m.access_level, m.role_source, m.group_sync_links]]));
}

export async function roleOf(t: TestApp, groupId: number, userId: number): Promise<number | null> {
  return (await roles(t, groupId)).get(userId)?.[0] ?? null;
}
