import type { TestApp } from './test-app.js';
import { SCIM_JSON } from './fixtures.js';

/** A SCIM connector talking to one base URL with one token, as an IdP would. */
export function scimClient(t: TestApp, base: string, token: string) {
  const withAuth = <T extends { set(name: string, value: string): T }>(req: T) => req.set('Authorization', `Bearer ${token}`);
  return {
    list: (filter?: string, extra: Record<string, string | number> = {}) =>
      withAuth(
        t
          .http()
          .get(`${base}/Users`)
          .query({ ...(filter ? { filter } : {}), ...extra }),
      ),
    get: (id: string) => withAuth(t.http().get(`${base}/Users/${encodeURIComponent(id)}`)),
    create: (body: unknown) =>
      withAuth(t.http().post(`${base}/Users`))
        .set('Content-Type', SCIM_JSON)
        .send(JSON.stringify(body)),
    put: (id: string, body: unknown) =>
      withAuth(t.http().put(`${base}/Users/${encodeURIComponent(id)}`))
        .set('Content-Type', SCIM_JSON)
        .send(JSON.stringify(body)),
    patch: (id: string, operations: unknown[]) =>
      withAuth(t.http().patch(`${base}/Users/${encodeURIComponent(id)}`))
        .set('Content-Type', SCIM_JSON)
        .send(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations })),
    delete: (id: string) => withAuth(t.http().delete(`${base}/Users/${encodeURIComponent(id)}`)),
  };
}

export type ScimClient = ReturnType<typeof scimClient>;

/** Row counts of the provisioning tables: a refused request must leave them as they were. */
export async function provisioningCounts(t: TestApp) {
  const count = async (table: string) => Number((await t.sql<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  return {
    users: await count('users'),
    scim_identities: await count('scim_identities'),
    saml_identities: await count('saml_identities'),
    members: await count('members'),
  };
}

export async function auditNames(t: TestApp, targetId?: number): Promise<string[]> {
  const rows =
    targetId === undefined
      ? await t.sql<{ event_name: string }>('SELECT event_name FROM audit_events ORDER BY id')
      : await t.sql<{ event_name: string }>('SELECT event_name FROM audit_events WHERE target_id = ? ORDER BY id', [targetId]);
  return rows.map((r) => r.event_name);
}
