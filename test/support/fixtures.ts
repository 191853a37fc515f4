import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/project-root.js';
import { ADMIN_TOKEN, TestApp } from './test-app.js';

export const IDP_CERT = readFileSync(join(projectRoot(), 'test/fixtures/saml/idp-cert.pem'), 'utf8');
export const IDP_SSO_URL = 'https://idp.example.test/sso/saml';

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
export const adminAuth = auth(ADMIN_TOKEN);
export const SCIM_JSON = 'application/scim+json';

export interface GroupSetup {
  id: number;
  path: string;
  scimToken: string;
  base: string;
}

/** A bare group (named `Group <path>`), created by the admin; answers its id. */
export async function createGroup(t: TestApp, path: string): Promise<number> {
  const group = await t
    .http()
    .post('/api/v4/groups')
    .set(adminAuth)
    .send({ name: `Group ${path}`, path })
    .expect(201);
  return group.body.id as number;
}

/** A group with SAML configured and a SCIM token, set up through the admin API like an owner would. */
export async function setUpGroup(t: TestApp, path: string, saml: Record<string, unknown> = {}): Promise<GroupSetup> {
  const id = await createGroup(t, path);
  await t
    .http()
    .put(`/api/v4/groups/${id}/saml_provider`)
    .set(adminAuth)
    .send({ enabled: true, sso_url: IDP_SSO_URL, certificate: IDP_CERT, ...saml })
    .expect(200);
  const token = await t.http().post(`/api/v4/groups/${id}/scim_token`).set(adminAuth).expect(201);
  return { id, path, scimToken: token.body.scim_token, base: `/api/scim/v2/groups/${path}` };
}

/** The instance SAML provider and the instance SCIM token. */
export async function setUpInstance(t: TestApp, saml: Record<string, unknown> = {}): Promise<{ scimToken: string; base: string }> {
  await t
    .http()
    .put('/api/v4/application/saml_provider')
    .set(adminAuth)
    .send({ enabled: true, sso_url: IDP_SSO_URL, certificate: IDP_CERT, ...saml })
    .expect(200);
  const token = await t.http().post('/api/v4/application/scim_token').set(adminAuth).expect(201);
  return { scimToken: token.body.scim_token, base: '/api/scim/v2/application' };
}

let counter = 0;
/** An Okta-shaped SCIM User for a fresh person. */
export function oktaUser(overrides: Record<string, unknown> = {}) {
  counter += 1;
  const n = `${Date.now().toString(36)}${counter}`;
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `person${n}@acme.com`,
    externalId: `ext-${n}`,
    name: { givenName: 'Pat', familyName: `Person${n}` },
    emails: [{ primary: true, value: `person${n}@acme.com`, type: 'work' }],
    displayName: `Pat Person${n}`,
    active: true,
    ...overrides,
  };
}
