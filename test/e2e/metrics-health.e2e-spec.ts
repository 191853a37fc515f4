import { jest } from '@jest/globals';
import { adminAuth, oktaUser, setUpGroup, SCIM_JSON } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { createAccount, signInWithSaml } from '../support/saml-fixtures.js';
import { parseExposition, Sample, valueOf } from '../support/prometheus-text.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const METRICS_TOKEN = 'metrics-e2e-token-0123456789abcdef';

/**
 * Who may read /metrics. Each case runs its own app, one at a time: Passport's strategies are
 * process-wide, so two apps alive in one test process would authenticate against each other.
 */
describe('GET /metrics access', () => {
  jest.setTimeout(60_000);

  async function withApp(env: Record<string, string>, check: (app: TestApp) => Promise<void>): Promise<void> {
    const app = await startTestApp(env);
    try {
      await check(app);
    } finally {
      await app.close();
    }
  }

  it('wants the configured bearer token', () =>
    withApp({ METRICS_TOKEN }, async (app) => {
      await app.http().get('/metrics').expect(401);
      await app.http().get('/metrics').set('Authorization', 'Bearer not-the-metrics-token-at-all').expect(401);
      await app.http().get('/metrics').set(adminAuth).expect(401);
      const res = await app.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      expect(valueOf(parseExposition(res.text), 'roster_process_cpu_seconds_total')).toBeGreaterThan(0);
    }));

  it('is off (404) when no token is set and Roster is bound to every interface', () =>
    withApp({}, async (app) => {
      expect(app.config.host).toBe('0.0.0.0');
      await app.http().get('/metrics').expect(404);
      await app.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(404);
    }));

  it('is served without a token when Roster is bound to loopback only', () =>
    withApp({ HOST: '127.0.0.1' }, async (app) => {
      const res = await app.http().get('/metrics').expect(200);
      expect(res.text).toContain('# TYPE roster_scim_requests_total counter');
    }));
});

describe('metrics and health', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let g: GroupSetup;

  beforeAll(async () => {
    t = await startTestApp({ METRICS_TOKEN });
    g = await setUpGroup(t, 'metrics-acme');
  });
  afterAll(async () => t.close());

  async function scrape(): Promise<Sample[]> {
    const res = await t.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parseExposition(res.text);
  }

  /** How much each named series moved while `work` ran. */
  async function moved(series: [string, Record<string, string>][], work: () => Promise<unknown>): Promise<number[]> {
    const before = await scrape();
    await work();
    const after = await scrape();
    return series.map(([name, labels]) => valueOf(after, name, labels) - valueOf(before, name, labels));
  }

  const scim = (method: 'get' | 'post' | 'patch', path: string, token = g.scimToken) => t.http()[method](`${g.base}${path}`).set('Authorization', `Bearer ${token}`).set('Content-Type', SCIM_JSON);

  it('counts SCIM requests by scope kind, method, resource and status', async () => {
    const series: [string, Record<string, string>][] = [
      ['roster_scim_requests_total', { scope_kind: 'group', method: 'POST', resource: 'Users', status: '201' }],
      ['roster_scim_requests_total', { scope_kind: 'group', method: 'POST', resource: 'Users', status: '409' }],
      ['roster_scim_requests_total', { scope_kind: 'group', method: 'GET', resource: 'Users', status: '200' }],
      ['roster_scim_requests_total', { scope_kind: 'group', method: 'GET', resource: 'Users', status: '404' }],
      ['roster_scim_requests_total', { scope_kind: 'group', method: 'GET', resource: 'ServiceProviderConfig', status: '200' }],
      ['roster_scim_requests_total', { scope_kind: 'none', method: 'GET', resource: 'Users', status: '401' }],
      ['roster_http_request_duration_seconds_count', { surface: 'scim', route: '/api/scim/v2/groups/:group/Users', method: 'POST', status_class: '2xx' }],
      ['roster_db_transaction_duration_seconds_count', { outcome: 'commit' }],
    ];
    const user = oktaUser();
    const deltas = await moved(series, async () => {
      await scim('post', '/Users').send(JSON.stringify(user)).expect(201);
      await scim('post', '/Users').send(JSON.stringify(user)).expect(409);
      await scim('get', '/Users').expect(200);
      await scim('get', '/Users?filter=userName%20eq%20%22x%22').expect(200);
      await scim('get', '/Users/no-such-person').expect(404);
      await scim('get', '/ServiceProviderConfig').expect(200);
      await scim('get', '/Users', 'wrong-token').expect(401);
    });
    expect(deltas.slice(0, 7)).toEqual([1, 1, 2, 1, 1, 1, 1]);
    expect(deltas[7]).toBeGreaterThanOrEqual(1); // the 201's transaction (and the request-log batch)
  });

  it('counts POST /Users outcomes by row of the decision table', async () => {
    const restricted = await setUpGroup(t, 'metrics-restricted');
    await t
      .http()
      .put(`/api/v4/groups/${restricted.id}`)
      .set(adminAuth)
      .send({ allowed_email_domains: ['acme.com'] })
      .expect(200);
    const enforced = await setUpGroup(t, 'metrics-enforced', { enforced_sso: true });
    const outcome = (o: string): [string, Record<string, string>] => ['roster_scim_provisioning_total', { outcome: o }];
    const post = (group: GroupSetup, body: unknown) =>
      t.http().post(`${group.base}/Users`).set('Authorization', `Bearer ${group.scimToken}`).set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
    const deltas = await moved(['created', 'taken_409', 'linked', 'reactivated', 'domain_not_allowed_412', 'not_linked_412'].map(outcome), async () => {
      const person = oktaUser();
      await post(g, person).expect(201); // created
      await post(g, person).expect(409); // taken
      await createAccount(t, { username: 'metrics-linked', email: 'metrics-linked@acme.com' });
      await post(g, oktaUser({ userName: 'metrics-linked@acme.com', emails: [{ value: 'metrics-linked@acme.com', primary: true, type: 'work' }] })).expect(201); // linked
      await t
        .http()
        .patch(`${g.base}/Users/${encodeURIComponent(person.externalId as string)}`)
        .set('Authorization', `Bearer ${g.scimToken}`)
        .set('Content-Type', SCIM_JSON)
        .send(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }))
        .expect(204); // deactivated
      await post(g, person).expect(201); // reactivated
      await post(restricted, oktaUser({ userName: 'eve@evil.example', emails: [{ value: 'eve@evil.example', type: 'work' }] })).expect(412);
      await createAccount(t, { username: 'metrics-unlinked', email: 'metrics-unlinked@acme.com' });
      await post(enforced, oktaUser({ userName: 'metrics-unlinked@acme.com', emails: [{ value: 'metrics-unlinked@acme.com', primary: true, type: 'work' }] })).expect(412);
    });
    expect(deltas).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('counts SAML sign-ins by outcome and refusal reason', async () => {
    const person = oktaUser();
    await scim('post', '/Users').send(JSON.stringify(person)).expect(201);
    const deltas = await moved(
      [
        ['roster_saml_sign_ins_total', { outcome: 'signed_in', reason: '' }],
        ['roster_saml_sign_ins_total', { outcome: 'refused', reason: 'unsigned' }],
        ['roster_saml_sign_ins_total', { outcome: 'refused', reason: 'invalid_signature' }],
        ['roster_saml_sign_ins_total', { outcome: 'refused', reason: 'missing_response' }],
      ],
      async () => {
        await signInWithSaml(t, g, { nameId: person.externalId as string }).expect(303);
        await signInWithSaml(t, g, { nameId: person.externalId as string, sign: 'none' }).expect(400);
        await signInWithSaml(t, g, { nameId: person.externalId as string, key: 'other' }).expect(400);
        await t.http().post(`/groups/${g.path}/-/saml/callback`).type('form').send({}).expect(400);
      },
    );
    expect(deltas).toEqual([1, 1, 1, 1]);
  });

  it("reports each SAML group's identity-mismatch count, as the report gives it, and the request-log backlog", async () => {
    // An account that became a member without any identity is a mismatch in an SSO group.
    const id = await createAccount(t, { username: 'metrics-stray', email: 'metrics-stray@acme.com' });
    await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).send({ user_id: id, access_level: 30 }).expect(201);
    const report = await t.http().get(`/api/v4/groups/${g.id}/identity_mismatches`).set(adminAuth).expect(200);
    const total = Number(report.headers['x-total']);
    expect(total).toBeGreaterThanOrEqual(1);
    const samples = await scrape();
    expect(valueOf(samples, 'roster_identity_mismatches', { group: 'metrics-acme' })).toBe(total);
    expect(samples.some((s) => s.name === 'roster_scim_request_log_backlog')).toBe(true);
  });

  describe('health', () => {
    it('/health/live answers while the process runs', async () => {
      const res = await t.http().get('/health/live').expect(200);
      expect(res.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    });

    it('/health/ready checks the database and the migrations; /health keeps its shape', async () => {
      const ready = await t.http().get('/health/ready').expect(200);
      expect(ready.body).toEqual({
        status: 'ok',
        info: { database: { status: 'up' }, migrations: { status: 'up' } },
        error: {},
        details: { database: { status: 'up' }, migrations: { status: 'up' } },
      });
      expect((await t.http().get('/health').expect(200)).body).toEqual({ status: 'ok', database: 'ok' });
    });

    it('/health/ready answers 503 naming a migration the database has not applied', async () => {
      const [newest] = await t.sql<{ id: number; timestamp: number | string; name: string }>('SELECT id, timestamp, name FROM migrations ORDER BY timestamp DESC LIMIT 1');
      await t.sql('DELETE FROM migrations WHERE id = ?', [newest.id]);
      try {
        const res = await t.http().get('/health/ready').expect(503);
        expect(res.body.status).toBe('error');
        expect(res.body.error).toEqual({ migrations: { status: 'down', pending: [newest.name] } });
        expect(res.body.info).toEqual({ database: { status: 'up' } });
      } finally {
        await t.sql('INSERT INTO migrations (id, timestamp, name) VALUES (?, ?, ?)', [newest.id, newest.timestamp, newest.name]);
      }
      await t.http().get('/health/ready').expect(200);
    });
  });
});
