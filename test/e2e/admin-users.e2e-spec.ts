import { createHash } from 'node:crypto';
import { adminAuth, auth, setUpGroup, setUpInstance } from '../support/fixtures.js';
import { createPerson, provision } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');

describe('admin API users', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('GET /user returns the caller', async () => {
    const person = await createPerson(t, 'me');
    const res = await t.http().get('/api/v4/user').set('PRIVATE-TOKEN', person.token).expect(200);
    expect(res.body).toEqual({
      id: person.id,
      username: person.username,
      name: `Person ${person.username}`,
      email: person.email,
      state: 'active',
      locked: false,
      avatar_url: null,
      web_url: `http://roster.test/${person.username}`,
      is_admin: false,
      enterprise_group_id: null,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    await t.http().get('/api/v4/user').expect(401);
  });

  it('an admin creates a user with the exact username; the account and its audit event are stored', async () => {
    const res = await t.http().post('/api/v4/users').set(adminAuth).send({ username: 'Grace.Hopper', name: ' Grace Hopper ', email: 'Grace@Navy.test', is_admin: true }).expect(201);
    expect(res.body).toEqual(expect.objectContaining({ username: 'Grace.Hopper', name: 'Grace Hopper', email: 'Grace@Navy.test', is_admin: true, state: 'active' }));
    const [row] = await t.sql<Record<string, unknown>>('SELECT username, username_lower, email_lower, is_admin FROM users WHERE id = ?', [res.body.id]);
    expect(row).toEqual({ username: 'Grace.Hopper', username_lower: 'grace.hopper', email_lower: 'grace@navy.test', is_admin: expect.anything() });
    expect(Boolean(row.is_admin)).toBe(true);
    const events = await t.sql<{ event_name: string; author_id: number; target_details: string }>(
      "SELECT event_name, author_id, target_details FROM audit_events WHERE event_name = 'user_created' AND target_id = ?",
      [res.body.id],
    );
    expect(events).toEqual([{ event_name: 'user_created', author_id: 1, target_details: 'Grace.Hopper' }]);
  });

  it('refuses a taken email or username with 409 and stores nothing', async () => {
    await t.http().post('/api/v4/users').set(adminAuth).send({ username: 'ada', name: 'Ada', email: 'ada@math.test' }).expect(201);
    const count = async () => (await t.sql('SELECT id FROM users')).length;
    const before = await count();
    const email = await t.http().post('/api/v4/users').set(adminAuth).send({ username: 'ada2', name: 'Ada', email: 'ADA@math.test' }).expect(409);
    expect(email.body).toEqual({ message: 'Email has already been taken' });
    const username = await t.http().post('/api/v4/users').set(adminAuth).send({ username: 'ADA', name: 'Ada', email: 'other@math.test' }).expect(409);
    expect(username.body).toEqual({ message: 'Username has already been taken' });
    expect(await count()).toBe(before);
    expect(await t.sql("SELECT id FROM users WHERE email_lower = 'other@math.test'")).toEqual([]);
  });

  it('answers invalid user bodies with 400 per field', async () => {
    const res = await t.http().post('/api/v4/users').set(adminAuth).send({ username: '-bad name-', name: '', email: 'not-an-email', is_admin: 'perhaps' }).expect(400);
    expect(res.body).toEqual({
      message: {
        username: ['must be 1 to 60 letters, digits, "_", "-" or ".", starting and ending with a letter or digit'],
        name: ['must be a non-empty string of at most 255 characters'],
        email: ['must be a valid email address'],
        is_admin: ['must be true or false'],
      },
    });
    await t
      .http()
      .post('/api/v4/users')
      .set(adminAuth)
      .send({ username: ['x'], name: { a: 1 }, email: 5 })
      .expect(400);
    const notObject = await t.http().post('/api/v4/users').set(adminAuth).set('Content-Type', 'application/json').send('"x"').expect(400);
    expect(notObject.body).toEqual({ message: 'The request body must be a JSON object' });
    const broken = await t.http().post('/api/v4/users').set(adminAuth).set('Content-Type', 'application/json').send('{"username":').expect(400);
    expect(broken.body).toEqual({ message: 'The request body is not valid JSON' });
  });

  it('only admins may create or read users in full; others list public fields, searched without emails', async () => {
    const person = await createPerson(t, 'plain');
    await t.http().post('/api/v4/users').set(auth(person.token)).send({ username: 'sneaky', name: 'S', email: 's@x.test' }).expect(403);
    expect(await t.sql("SELECT id FROM users WHERE username = 'sneaky'")).toEqual([]);
    const listed = await t.http().get('/api/v4/users').query({ username: person.username }).set(auth(person.token)).expect(200);
    expect(listed.body).toEqual([
      { id: person.id, username: person.username, name: `Person ${person.username}`, state: 'active', locked: false, avatar_url: null, web_url: `http://roster.test/${person.username}` },
    ]);
    const byEmail = await t.http().get('/api/v4/users').query({ search: person.email }).set(auth(person.token)).expect(200);
    expect(byEmail.body).toEqual([]);
    await t.http().get('/api/v4/users').query({ extern_uid: 'x', provider: 'group_saml' }).set(auth(person.token)).expect(403);
    await t.http().get(`/api/v4/users/${person.id}`).set(auth(person.token)).expect(403);
    await t.http().get('/api/v4/users').expect(401);
  });

  it('lists users with search over username, name and email, and GitLab paging headers', async () => {
    await t.http().post('/api/v4/users').set(adminAuth).send({ username: 'searchable1', name: 'Zebra Unique', email: 'z1@zoo.test' }).expect(201);
    await t.http().post('/api/v4/users').set(adminAuth).send({ username: 'searchable2', name: 'Other', email: 'zebra-unique@zoo.test' }).expect(201);
    await t.http().post('/api/v4/users').set(adminAuth).send({ username: 'zebra_unique3', name: 'Third', email: 'z3@zoo.test' }).expect(201);
    const byName = await t.http().get('/api/v4/users').query({ search: 'zebra' }).set(adminAuth).expect(200);
    expect(byName.body.map((u: { username: string }) => u.username)).toEqual(['searchable1', 'searchable2', 'zebra_unique3']);
    expect(byName.headers['x-total']).toBe('3');

    const paged = await t.http().get('/api/v4/users').query({ search: 'zebra', per_page: '2' }).set(adminAuth).expect(200);
    expect(paged.body.map((u: { username: string }) => u.username)).toEqual(['searchable1', 'searchable2']);
    expect(paged.headers).toEqual(expect.objectContaining({ 'x-total': '3', 'x-page': '1', 'x-per-page': '2', 'x-next-page': '2', 'x-total-pages': '2' }));
    expect(paged.headers.link).toContain('<http://roster.test/api/v4/users?search=zebra&per_page=2&page=2>; rel="next"');
    const last = await t.http().get('/api/v4/users').query({ search: 'zebra', per_page: '2', page: '2' }).set(adminAuth).expect(200);
    expect(last.body.map((u: { username: string }) => u.username)).toEqual(['zebra_unique3']);
    expect(last.headers['x-next-page']).toBe('');

    // LIKE wildcards are literal characters in a search.
    const underscore = await t.http().get('/api/v4/users').query({ search: 'zebra_' }).set(adminAuth).expect(200);
    expect(underscore.body.map((u: { username: string }) => u.username)).toEqual(['zebra_unique3']);
    await t
      .http()
      .get('/api/v4/users')
      .query({ search: ['a', 'b'] })
      .set(adminAuth)
      .expect(400);
    await t.http().get('/api/v4/users').query({ per_page: 'ten' }).set(adminAuth).expect(400);
  });

  it('shows a user with their SAML and SCIM identities, state and Enterprise group', async () => {
    const group = await setUpGroup(t, 'users-acme');
    const instance = await setUpInstance(t);
    const { userId, doc } = await provision(t, group, { externalId: 'jane.doe@acme.test' });
    const [provider] = await t.sql<{ id: number }>('SELECT id FROM saml_providers WHERE group_id = ?', [group.id]);
    await t
      .http()
      .post(`${instance.base}/Users`)
      .set(auth(instance.scimToken))
      .set('Content-Type', 'application/scim+json')
      .send(JSON.stringify({ ...doc, externalId: 'instance-jane' }))
      .expect(201);
    await t
      .http()
      .patch(`${group.base}/Users/jane.doe@acme.test`)
      .set(auth(group.scimToken))
      .set('Content-Type', 'application/scim+json')
      .send(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }))
      .expect(204);

    const res = await t.http().get(`/api/v4/users/${userId}`).set(adminAuth).expect(200);
    expect(res.body).toEqual(
      expect.objectContaining({
        id: userId,
        state: 'active',
        enterprise_group_id: group.id,
        identities: expect.arrayContaining([{ provider: 'group_saml', saml_provider_id: provider.id, group_id: group.id, extern_uid: 'jane.doe@acme.test' }]),
        scim_identities: [
          { group_id: group.id, extern_uid: 'jane.doe@acme.test', active: false },
          { group_id: null, extern_uid: 'instance-jane', active: true },
        ],
      }),
    );
    const saml = await t.sql<{ group_id: number | null; extern_uid: string }>('SELECT group_id, extern_uid FROM saml_identities WHERE user_id = ? ORDER BY id', [userId]);
    expect(res.body.identities).toEqual(
      saml.map((s) => ({
        provider: s.group_id === null ? 'saml' : 'group_saml',
        saml_provider_id: provider.id,
        group_id: s.group_id === null ? null : Number(s.group_id),
        extern_uid: s.extern_uid,
      })),
    );

    await t.sql("UPDATE users SET state = 'blocked' WHERE id = ?", [userId]);
    expect((await t.http().get(`/api/v4/users/${userId}`).set(adminAuth).expect(200)).body.state).toBe('blocked');
  });

  it('answers unknown and malformed user ids with 404 and 400', async () => {
    expect((await t.http().get('/api/v4/users/999999').set(adminAuth).expect(404)).body).toEqual({ message: '404 User Not Found' });
    expect((await t.http().get('/api/v4/users/99999999999').set(adminAuth).expect(404)).body).toEqual({ message: '404 User Not Found' });
    expect((await t.http().get('/api/v4/users/abc').set(adminAuth).expect(400)).body).toEqual({ message: { id: ['must be a positive whole number'] } });
  });

  it('creates a personal access token shown once: only its digest and prefix are stored, and it works', async () => {
    const person = await createPerson(t, 'patowner');
    const res = await t.http().post(`/api/v4/users/${person.id}/personal_access_tokens`).set(adminAuth).send({ name: 'ci' }).expect(201);
    // GitLab's PersonalAccessTokenWithToken: the token's fields, and the secret this once.
    expect(res.body).toEqual({
      id: expect.any(Number),
      name: 'ci',
      token: expect.stringMatching(/^roster_pat_[A-Za-z0-9_-]{43}$/),
      scopes: ['api'],
      expires_at: null,
      active: true,
      revoked: false,
      user_id: person.id,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      last_used_at: null,
    });
    expect(res.headers['cache-control']).toBe('no-store');
    const [row] = await t.sql<Record<string, unknown>>('SELECT user_id, name, token_digest, token_prefix FROM personal_access_tokens WHERE id = ?', [res.body.id]);
    expect(row).toEqual({ user_id: person.id, name: 'ci', token_digest: digest(res.body.token), token_prefix: res.body.token.slice(0, 15) });
    expect(await t.sql('SELECT id FROM personal_access_tokens WHERE token_digest = ? OR token_prefix = ?', [res.body.token, res.body.token])).toEqual([]);
    const events = await t.sql<{ author_id: number; details: string }>(
      "SELECT author_id, details FROM audit_events WHERE event_name = 'personal_access_token_created' AND target_id = ? ORDER BY id",
      [person.id],
    );
    expect(JSON.parse(events.at(-1)!.details)).toEqual({ token_id: res.body.id, token_name: 'ci', scopes: ['api'], expires_at: null });
    expect((await t.http().get('/api/v4/user').set(auth(res.body.token)).expect(200)).body.id).toBe(person.id);
  });

  it('a user may create a token for themself but not for anyone else', async () => {
    const me = await createPerson(t, 'self');
    const other = await createPerson(t, 'other');
    const mine = await t.http().post(`/api/v4/users/${me.id}/personal_access_tokens`).set(auth(me.token)).send({ name: 'laptop' }).expect(201);
    expect(mine.body.name).toBe('laptop');
    const before = await t.sql('SELECT id FROM personal_access_tokens WHERE user_id = ?', [other.id]);
    expect((await t.http().post(`/api/v4/users/${other.id}/personal_access_tokens`).set(auth(me.token)).send({ name: 'x' }).expect(403)).body).toEqual({ message: '403 Forbidden' });
    await t.http().post('/api/v4/users/999999/personal_access_tokens').set(auth(me.token)).send({ name: 'x' }).expect(403);
    expect(await t.sql('SELECT id FROM personal_access_tokens WHERE user_id = ?', [other.id])).toEqual(before);
  });

  it('answers a token request without a usable name with 400, and for an unknown user with 404', async () => {
    const person = await createPerson(t, 'noname');
    expect((await t.http().post(`/api/v4/users/${person.id}/personal_access_tokens`).set(adminAuth).send({}).expect(400)).body).toEqual({ error: 'name is missing' });
    for (const body of [{ name: '' }, { name: '   ' }]) {
      const res = await t.http().post(`/api/v4/users/${person.id}/personal_access_tokens`).set(adminAuth).send(body).expect(400);
      expect(res.body).toEqual({ message: { name: ['must be a non-empty string of at most 255 characters'] } });
    }
    const long = await t
      .http()
      .post(`/api/v4/users/${person.id}/personal_access_tokens`)
      .set(adminAuth)
      .send({ name: 'x'.repeat(256) })
      .expect(400);
    expect(long.body).toEqual({ message: { name: ['must be at most 255 characters'] } });
    await t.http().post('/api/v4/users/999999/personal_access_tokens').set(adminAuth).send({ name: 'x' }).expect(404);
  });
});
