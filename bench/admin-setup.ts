import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchGroup {
  id: number;
  path: string;
  scimToken?: string;
}

/** Admin API calls the benchmark makes once, as an owner would in the UI. */
export class AdminClient {
  constructor(
    private readonly baseUrl: string,
    private readonly adminToken: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.adminToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 500)}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** A group with SAML SSO configured (the IdP certificate of the test fixtures) and, if asked, a SCIM token. */
  async setUpGroup(root: string, path: string, withScimToken: boolean): Promise<BenchGroup> {
    const group = await this.call<{ id: number }>('POST', '/api/v4/groups', { name: `Group ${path}`, path });
    const certificate = readFileSync(join(root, 'test/fixtures/saml/idp-cert.pem'), 'utf8');
    await this.call('PUT', `/api/v4/groups/${group.id}/saml_provider`, { enabled: true, sso_url: 'https://idp.example.test/sso/saml', certificate });
    if (!withScimToken) return { id: group.id, path };
    const token = await this.call<{ scim_token: string }>('POST', `/api/v4/groups/${group.id}/scim_token`);
    return { id: group.id, path, scimToken: token.scim_token };
  }
}
