import { ADMIN_TOKEN } from '../support/test-app.js';
import { adminAuth, oktaUser, SCIM_JSON, setUpGroup, setUpInstance } from '../support/fixtures.js';
import { scimClient } from '../support/scim-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * Who may talk to which SCIM server. Every refusal is the same 401 SCIM error, whose body says
 * nothing about the group, its users or the token.
 */
describe('SCIM authentication and isolation', () => {
  let t: TestApp;
  let acme: Awaited<ReturnType<typeof setUpGroup>>;
  let other: Awaited<ReturnType<typeof setUpGroup>>;
  let instanceToken: string;
  const person = oktaUser();

  beforeAll(async () => {
    t = await startTestApp();
    acme = await setUpGroup(t, 'acme');
    other = await setUpGroup(t, 'other');
    instanceToken = (await setUpInstance(t)).scimToken;
    await scimClient(t, acme.base, acme.scimToken).create(person).expect(201);
  });
  afterAll(async () => t.close());

  const requests = (base: string) =>
    [
      ['GET Users', (h: Record<string, string>) => t.http().get(`${base}/Users`).set(h)],
      ['GET Users/:id', (h: Record<string, string>) => t.http().get(`${base}/Users/${person.externalId}`).set(h)],
      ['POST Users', (h: Record<string, string>) => t.http().post(`${base}/Users`).set(h).set('Content-Type', SCIM_JSON).send(JSON.stringify(oktaUser()))],
      [
        'PATCH Users/:id',
        (h: Record<string, string>) =>
          t
            .http()
            .patch(`${base}/Users/${person.externalId}`)
            .set(h)
            .set('Content-Type', SCIM_JSON)
            .send(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] })),
      ],
      ['DELETE Users/:id', (h: Record<string, string>) => t.http().delete(`${base}/Users/${person.externalId}`).set(h)],
      ['GET ServiceProviderConfig', (h: Record<string, string>) => t.http().get(`${base}/ServiceProviderConfig`).set(h)],
    ] as const;

  const credentials = () =>
    [
      ['no Authorization header', {}],
      ['another scheme', { Authorization: `Basic ${Buffer.from('user:pass').toString('base64')}` }],
      ["Okta's non-token header", { Authorization: 'non-token' }],
      ['an unknown token', { Authorization: 'Bearer roster_scim_not-a-real-token-at-all-000000000000' }],
      ["another group's token", { Authorization: `Bearer ${other.scimToken}` }],
      ['the instance token', { Authorization: `Bearer ${instanceToken}` }],
      ['a personal access token', { Authorization: `Bearer ${ADMIN_TOKEN}` }],
    ] as const;

  it("refuses every credential that is not this group's SCIM token, on every endpoint, identically", async () => {
    for (const [label, headers] of credentials()) {
      for (const [name, send] of requests(acme.base)) {
        const res = await send(headers as Record<string, string>);
        expect({ label, name, status: res.status }).toEqual({ label, name, status: 401 });
        expect(res.headers['content-type']).toBe('application/scim+json; charset=utf-8');
        expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
        expect(res.body.status).toBe('401');
        expect(res.body.detail).toEqual(expect.any(String));
        const text = JSON.stringify(res.body);
        expect(text).not.toContain(person.externalId);
        expect(text).not.toContain('acme');
      }
    }
    // The person was not deactivated by any of those attempts.
    const read = await scimClient(t, acme.base, acme.scimToken).get(person.externalId).expect(200);
    expect(read.body.active).toBe(true);
  });

  it('answers a group that does not exist exactly like a group the token does not belong to', async () => {
    const missing = await t.http().get('/api/scim/v2/groups/no-such-group/Users').set('Authorization', `Bearer ${acme.scimToken}`);
    const foreign = await t.http().get(`${other.base}/Users`).set('Authorization', `Bearer ${acme.scimToken}`);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual(foreign.body);
    const anonymous = await t.http().get('/api/scim/v2/groups/no-such-group/Users');
    expect(anonymous.status).toBe(401);
  });

  it('refuses a group token on the instance server', async () => {
    const res = await t.http().get('/api/scim/v2/application/Users').set('Authorization', `Bearer ${acme.scimToken}`).expect(401);
    expect(res.body.status).toBe('401');
  });

  it('refuses a SCIM token on the admin API', async () => {
    const res = await t.http().get('/api/v4/groups').set('Authorization', `Bearer ${acme.scimToken}`).expect(401);
    expect(res.body).toEqual({ message: '401 Unauthorized' });
    await t.http().get('/api/v4/groups').set('PRIVATE-TOKEN', acme.scimToken).expect(401);
  });

  it('revokes the previous token the moment a new one is generated', async () => {
    const g = await setUpGroup(t, 'rotate');
    const old = scimClient(t, g.base, g.scimToken);
    await old.list().expect(200);
    const regenerated = await t.http().post(`/api/v4/groups/${g.id}/scim_token`).set(adminAuth).expect(201);
    expect(regenerated.body.scim_token).toMatch(/^roster_scim_/);
    await old.list().expect(401);
    await scimClient(t, g.base, regenerated.body.scim_token).list().expect(200);
    const events = await t.sql<{ event_name: string }>('SELECT event_name FROM audit_events WHERE group_id = ? AND event_name LIKE ? ORDER BY id', [g.id, 'scim_token_%']);
    expect(events.map((e) => e.event_name)).toEqual(['scim_token_created', 'scim_token_regenerated']);
  });

  it('stores only a digest of SCIM tokens and shows only their prefix afterwards', async () => {
    const status = await t.http().get(`/api/v4/groups/${acme.id}/scim_token`).set(adminAuth).expect(200);
    expect(status.body).toMatchObject({ exists: true, scim_api_url: 'http://roster.test/api/scim/v2/groups/acme' });
    expect(acme.scimToken.startsWith(status.body.token_prefix)).toBe(true);
    expect(JSON.stringify(status.body)).not.toContain(acme.scimToken);
    const rows = await t.sql<{ token_digest: string }>('SELECT token_digest FROM scim_tokens');
    for (const row of rows) {
      expect(row.token_digest).toMatch(/^[0-9a-f]{64}$/);
      expect(row.token_digest).not.toContain(acme.scimToken.slice(12, 24));
    }
  });

  it('answers 403 "Group SAML SSO is not configured" to a group token whose group has no SAML provider', async () => {
    const group = await t.http().post('/api/v4/groups').set(adminAuth).send({ name: 'Bare', path: 'bare' }).expect(201);
    const token = (await t.http().post(`/api/v4/groups/${group.body.id}/scim_token`).set(adminAuth).expect(201)).body.scim_token;
    const res = await t.http().get('/api/scim/v2/groups/bare/Users').set('Authorization', `Bearer ${token}`).expect(403);
    expect(res.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '403', detail: 'Group SAML SSO is not configured' });
  });

  it('never writes a token into the SCIM request log', async () => {
    // A token in the query string is not accepted (it would end up in logs and proxies) — and is redacted.
    await t.http().get(`${acme.base}/Users`).query({ access_token: acme.scimToken }).expect(401);
    await scimClient(t, acme.base, acme.scimToken)
      .create(oktaUser({ password: 'hunter2-secret' }))
      .expect(201);
    await t.flushLogs();
    const rows = await t.sql<{ query: string | null; body: string | null }>('SELECT query, body FROM scim_requests');
    const all = JSON.stringify(rows);
    expect(all).not.toContain(acme.scimToken);
    expect(all).not.toContain('hunter2-secret');
    expect(all).toContain('[FILTERED]');
  });

  it('logs requests refused before authentication, such as a body in the wrong media type', async () => {
    const res = await t.http().post(`${acme.base}/Users`).set('Authorization', `Bearer ${acme.scimToken}`).set('Content-Type', 'text/plain').send('userName=alice');
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '415' });
    await t.flushLogs();
    const rows = await t.sql<{ status: number; path: string; error_detail: string }>('SELECT status, path, error_detail FROM scim_requests WHERE status = 415');
    expect(rows).toEqual([{ status: 415, path: `${acme.base}/Users`, error_detail: expect.stringContaining('application/scim+json') }]);
  });
});
