import { adminAuth, auth, setUpGroup } from '../support/fixtures.js';
import { addMember, createPerson, provision } from '../support/admin-people.js';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app.js';

/** Secrets are shown once, when created: no later response and no database row contains them. */
describe('admin API secrets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('SCIM tokens, PATs and session secrets appear only in the response that created them', async () => {
    const g = await setUpGroup(t, 'secret-acme');
    const firstScimToken = g.scimToken;
    const regenerated = await t.http().post(`/api/v4/groups/${g.id}/scim_token`).set(adminAuth).expect(201);
    const scimToken: string = regenerated.body.scim_token;
    expect(scimToken).toMatch(/^roster_scim_[A-Za-z0-9_-]{43}$/);
    expect(regenerated.headers['cache-control']).toBe('no-store');
    // The old token stops working at once; the new one works.
    await t.http().get(`${g.base}/Users`).set(auth(firstScimToken)).expect(401);
    await provision(t, { base: g.base, scimToken }, { externalId: 'secret-person', password: 'p4ssw0rd-secret' });

    const instanceToken = (await t.http().post('/api/v4/application/scim_token').set(adminAuth).expect(201)).body.scim_token as string;
    const owner = await createPerson(t, 'secretowner');
    await addMember(t, g.id, owner.id, 50);
    const pat = (await t.http().post(`/api/v4/users/${owner.id}/personal_access_tokens`).set(auth(owner.token)).send({ name: 'second' }).expect(201)).body.token as string;
    const session = await t.http().post('/api/v4/session').send({ token: pat }).expect(201);
    const sessionSecret = /roster_session=([^;]+)/.exec((session.headers['set-cookie'] as unknown as string[])[0])![1];
    expect(JSON.stringify(session.body)).not.toContain(sessionSecret);
    expect(JSON.stringify(session.body)).not.toContain(pat);

    const status = await t.http().get(`/api/v4/groups/${g.id}/scim_token`).set(adminAuth).expect(200);
    expect(status.body).toEqual({
      scim_api_url: 'http://roster.test/api/scim/v2/groups/secret-acme',
      exists: true,
      token_prefix: scimToken.slice(0, 16),
      created_at: expect.any(String),
      last_used_at: expect.any(String),
    });
    const instanceStatus = await t.http().get('/api/v4/application/scim_token').set(adminAuth).expect(200);
    expect(instanceStatus.body.token_prefix).toBe(instanceToken.slice(0, 16));

    const secrets = [firstScimToken, scimToken, instanceToken, pat, owner.token, ADMIN_TOKEN, sessionSecret, 'p4ssw0rd-secret'];
    const reads = [
      '/api/v4/user',
      '/api/v4/users?per_page=100',
      `/api/v4/users/${owner.id}`,
      '/api/v4/groups',
      `/api/v4/groups/${g.id}`,
      `/api/v4/groups/${g.id}/saml_provider`,
      `/api/v4/groups/${g.id}/scim_token`,
      `/api/v4/groups/${g.id}/members`,
      `/api/v4/groups/${g.id}/saml/identities`,
      `/api/v4/groups/${g.id}/scim/identities`,
      `/api/v4/groups/${g.id}/audit_events?per_page=100`,
      `/api/v4/groups/${g.id}/scim_requests?per_page=100`,
      '/api/v4/audit_events?per_page=100',
      '/api/v4/application/scim_token',
      '/api/v4/application/saml_provider',
      '/api/v4/application/scim_requests?per_page=100',
    ];
    for (const path of reads) {
      for (const headers of [adminAuth, auth(owner.token), { Cookie: `roster_session=${sessionSecret}` }]) {
        const res = await t.http().get(path).set(headers);
        for (const secret of secrets) expect({ path, leaked: res.text.includes(secret) }).toEqual({ path, leaked: false });
      }
    }

    // At rest: digests and display prefixes only.
    for (const table of ['scim_tokens', 'personal_access_tokens', 'sessions', 'audit_events', 'scim_requests', 'scim_identities']) {
      const dump = JSON.stringify(await t.sql(`SELECT * FROM ${table}`));
      for (const secret of secrets) expect({ table, stored: dump.includes(secret) }).toEqual({ table, stored: false });
    }
  });

  it("the SCIM request log never shows the connector's token, in a header or a query string", async () => {
    const g = await setUpGroup(t, 'secret-log');
    await t.http().get(`${g.base}/Users`).set(auth(g.scimToken)).expect(200);
    // A token in the query string is refused (it would end up in logs), and still never shown.
    await t.http().get(`${g.base}/Users`).query({ access_token: g.scimToken }).expect(401);
    await t.flushLogs();
    const group = await t.http().get(`/api/v4/groups/${g.id}/scim_requests`).set(adminAuth).expect(200);
    expect(group.body.map((r: { status: number }) => r.status)).toContain(200);
    const instance = await t.http().get('/api/v4/application/scim_requests').query({ status: '401' }).set(adminAuth).expect(200);
    expect(instance.body.length).toBeGreaterThan(0);
    for (const res of [group, instance]) expect(res.text).not.toContain(g.scimToken);
    expect(JSON.stringify(await t.sql('SELECT * FROM scim_requests'))).not.toContain(g.scimToken);
  });
});
