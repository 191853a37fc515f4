import type { Response, Test } from 'supertest';
import { SCIM_JSON } from './fixtures.js';
import type { TestApp } from './test-app.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export type Query = Record<string, string | number | boolean>;

/** A SCIM connector for one base URL and token, sending bodies as application/scim+json. */
export interface ScimClient {
  base: string;
  token: string;
  get(path: string, query?: Query): Test;
  post(path: string, body: unknown, query?: Query): Test;
  put(path: string, body: unknown, query?: Query): Test;
  patch(path: string, body: unknown): Test;
  delete(path: string): Test;
  /** GET Users?filter=…, expecting 200; returns the ListResponse body. */
  find(filter: string, query?: Query): Promise<ListBody>;
  /** POST Users, expecting 201; returns the created resource. */
  create(user: Record<string, unknown>): Promise<Record<string, any>>;
}

export interface ListBody {
  schemas: string[];
  totalResults: number;
  startIndex?: number;
  itemsPerPage: number;
  nextCursor?: string;
  Resources: Record<string, any>[];
}

export function scimClient(t: TestApp, base: string, token: string): ScimClient {
  const auth = (req: Test) => req.set('Authorization', `Bearer ${token}`);
  const send = (req: Test, body: unknown) => auth(req).set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
  const client: ScimClient = {
    base,
    token,
    get: (path, query = {}) => auth(t.http().get(`${base}${path}`).query(query)),
    post: (path, body, query = {}) => send(t.http().post(`${base}${path}`).query(query), body),
    put: (path, body, query = {}) => send(t.http().put(`${base}${path}`).query(query), body),
    patch: (path, body) => send(t.http().patch(`${base}${path}`), body),
    delete: (path) => auth(t.http().delete(`${base}${path}`)),
    async find(filter, query = {}) {
      const res = await client.get('/Users', { filter, ...query });
      if (res.status !== 200) throw new Error(`filter ${filter} → ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as ListBody;
    },
    async create(user) {
      const res = await client.post('/Users', user);
      if (res.status !== 201) throw new Error(`create → ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as Record<string, any>;
    },
  };
  return client;
}

/** A PATCH body: `patchOp({op: 'replace', path: 'active', value: false}, …)`. */
export function patchOp(...operations: Record<string, unknown>[]) {
  return { schemas: [PATCH_OP], Operations: operations };
}

/** `/Users/<id>` with the id URL-encoded. */
export const userPath = (id: string) => `/Users/${encodeURIComponent(id)}`;

/** Asserts an RFC 7644 §3.12 error: SCIM media type, Error schema, status as a string, a detail. */
export function expectScimError(res: Response, status: number, scimType?: string): void {
  const summary = `${res.status} ${JSON.stringify(res.body)}`;
  if (res.status !== status) throw new Error(`expected ${status}, got ${summary}`);
  expectScimErrorBody(res);
  if (scimType !== undefined && res.body.scimType !== scimType) throw new Error(`expected scimType ${scimType}, got ${summary}`);
}

/** The error envelope alone, whatever the status. */
export function expectScimErrorBody(res: Response): void {
  const summary = `${res.status} ${res.headers['content-type']} ${res.text?.slice(0, 300)}`;
  if (!/^application\/scim\+json/.test(res.headers['content-type'] ?? '')) throw new Error(`not application/scim+json: ${summary}`);
  const body = res.body as Record<string, unknown>;
  const ok =
    Array.isArray(body?.schemas) && body.schemas.length === 1 && body.schemas[0] === ERROR_SCHEMA && body.status === String(res.status) && typeof body.detail === 'string' && body.detail.length > 0;
  if (!ok) throw new Error(`not a SCIM error body: ${summary}`);
}
