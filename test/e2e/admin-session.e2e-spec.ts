import { createHash } from 'node:crypto';
import { adminAuth, setUpGroup } from '../support/fixtures.js';
import { createPerson } from '../support/admin-people.js';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app.js';

const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');

function sessionCookie(res: { headers: Record<string, unknown> }): { header: string; value: string } {
  const cookies = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  const header = cookies.find((c) => c.startsWith('roster_session='));
  if (!header) throw new Error(`no roster_session cookie in ${JSON.stringify(cookies)}`);
  return { header, value: header.slice('roster_session='.length, header.indexOf(';')) };
}

describe('admin API sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  async function signIn(token = ADMIN_TOKEN) {
    const res = await t.http().post('/api/v4/session').send({ token }).expect(201);
    return { cookie: `roster_session=${sessionCookie(res).value}`, csrf: res.body.csrf_token as string, res };
  }

  it('signing in with a personal access token sets an HttpOnly, SameSite=Lax session cookie for 12 hours and returns the user and CSRF token', async () => {
    const res = await t.http().post('/api/v4/session').send({ token: ADMIN_TOKEN }).expect(201);
    expect(res.body).toEqual({
      user: expect.objectContaining({ username: 'root', is_admin: true, state: 'active' }),
      csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
    });
    expect(res.headers['cache-control']).toBe('no-store');
    const { header, value } = sessionCookie(res);
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; SameSite=Lax/);
    expect(header).toMatch(/; Path=\//);
    expect(header).toMatch(/; Max-Age=43200/);
    expect(header).not.toMatch(/Secure/);
    expect(value).toMatch(/^roster_session_/);

    const rows = await t.sql<{ user_id: number; csrf_token: string; session_digest: string }>('SELECT user_id, csrf_token, session_digest FROM sessions WHERE session_digest = ?', [digest(value)]);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].user_id)).toBe(res.body.user.id);
    expect(rows[0].csrf_token).toBe(res.body.csrf_token);
    const leaked = await t.sql('SELECT id FROM sessions WHERE session_digest = ? OR csrf_token = ?', [value, value]);
    expect(leaked).toEqual([]);
  });

  it('refuses a wrong token, a SCIM token and a blocked account with 401 and creates no session', async () => {
    const group = await setUpGroup(t, 'session-scim');
    const blocked = await createPerson(t, 'blocked');
    await t.sql("UPDATE users SET state = 'blocked' WHERE id = ?", [blocked.id]);
    const before = await t.sql('SELECT id FROM sessions');
    for (const token of ['roster_pat_nope', group.scimToken, blocked.token]) {
      const res = await t.http().post('/api/v4/session').send({ token }).expect(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(await t.sql('SELECT id FROM sessions')).toEqual(before);
  });

  it('answers a missing token or a body that is not an object with 400', async () => {
    const missing = await t.http().post('/api/v4/session').send({}).expect(400);
    expect(missing.body).toEqual({ error: 'token is missing' });
    const wrongType = await t
      .http()
      .post('/api/v4/session')
      .send({ token: { $ne: '' } })
      .expect(400);
    expect(wrongType.body.message).toEqual({ token: ['must be given once, as text'] });
    // GitLab's String coercion: a number is its text, and no such token exists.
    await t.http().post('/api/v4/session').send({ token: 42 }).expect(401);
    const array = await t.http().post('/api/v4/session').set('Content-Type', 'application/json').send('["x"]').expect(400);
    expect(array.body).toEqual({ message: 'The request body must be a JSON object' });
    const none = await t.http().post('/api/v4/session').expect(400);
    expect(none.body).toEqual({ error: 'token is missing' });
  });

  it('GET /session tells a cookie-authenticated browser who it is and its CSRF token', async () => {
    const { cookie, csrf } = await signIn();
    const res = await t.http().get('/api/v4/session').set('Cookie', cookie).expect(200);
    expect(res.body).toEqual({ user: expect.objectContaining({ username: 'root' }), csrf_token: csrf });
    expect(sessionCookie(res).header).toMatch(/HttpOnly/);
    const me = await t.http().get('/api/v4/user').set('Cookie', cookie).expect(200);
    expect(me.body.username).toBe('root');
  });

  it('GET /session without a valid session cookie answers 200 with nulls (a token header is not a session)', async () => {
    expect((await t.http().get('/api/v4/session').expect(200)).body).toEqual({ user: null, csrf_token: null });
    expect((await t.http().get('/api/v4/session').set(adminAuth).expect(200)).body).toEqual({ user: null, csrf_token: null });
    const forged = await t.http().get('/api/v4/session').set('Cookie', 'roster_session=roster_session_forged').expect(200);
    expect(forged.body).toEqual({ user: null, csrf_token: null });
    expect(String(forged.headers['set-cookie'])).toMatch(/roster_session=;/);
  });

  it('a cookie-authenticated unsafe request without the right X-CSRF-Token is refused with 403 and changes nothing', async () => {
    const { cookie, csrf } = await signIn();
    const noHeader = await t.http().post('/api/v4/groups').set('Cookie', cookie).send({ name: 'Csrf', path: 'csrf-group' }).expect(403);
    expect(noHeader.body).toEqual({ message: '403 Forbidden - missing or invalid X-CSRF-Token' });
    await t.http().post('/api/v4/groups').set('Cookie', cookie).set('X-CSRF-Token', `${csrf}x`).send({ name: 'Csrf', path: 'csrf-group' }).expect(403);
    await t.http().post('/api/v4/groups').set('Cookie', cookie).set('X-CSRF-Token', '').send({ name: 'Csrf', path: 'csrf-group' }).expect(403);
    expect(await t.sql("SELECT id FROM groups WHERE path = 'csrf-group'")).toEqual([]);

    const other = await signIn();
    await t.http().post('/api/v4/groups').set('Cookie', cookie).set('X-CSRF-Token', other.csrf).send({ name: 'Csrf', path: 'csrf-group' }).expect(403);

    const ok = await t.http().post('/api/v4/groups').set('Cookie', cookie).set('X-CSRF-Token', csrf).send({ name: 'Csrf', path: 'csrf-group' }).expect(201);
    expect(await t.sql("SELECT id FROM groups WHERE path = 'csrf-group'")).toEqual([{ id: ok.body.id }]);
  });

  it('signing out needs the CSRF token, ends the session, clears the cookie, and the old cookie stops working', async () => {
    const { cookie, csrf } = await signIn();
    const value = cookie.slice('roster_session='.length);
    await t.http().delete('/api/v4/session').set('Cookie', cookie).expect(403);
    expect(await t.sql('SELECT id FROM sessions WHERE session_digest = ?', [digest(value)])).toHaveLength(1);

    const res = await t.http().delete('/api/v4/session').set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(204);
    expect(res.text).toBe('');
    expect(sessionCookie(res).header).toMatch(/^roster_session=; .*Expires=Thu, 01 Jan 1970/);
    expect(await t.sql('SELECT id FROM sessions WHERE session_digest = ?', [digest(value)])).toEqual([]);
    await t.http().get('/api/v4/user').set('Cookie', cookie).expect(401);
    await t.http().delete('/api/v4/session').set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(401);
  });

  it('signing in again from a signed-in browser ends the previous session', async () => {
    const first = await signIn();
    const res = await t.http().post('/api/v4/session').set('Cookie', first.cookie).send({ token: ADMIN_TOKEN }).expect(201);
    const second = sessionCookie(res).value;
    expect(await t.sql('SELECT id FROM sessions WHERE session_digest = ?', [digest(first.cookie.slice('roster_session='.length))])).toEqual([]);
    await t.http().get('/api/v4/user').set('Cookie', first.cookie).expect(401);
    await t.http().get('/api/v4/user').set('Cookie', `roster_session=${second}`).expect(200);
  });

  it('a session stops working when its account is blocked', async () => {
    const person = await createPerson(t, 'sessblock');
    const { cookie } = await signIn(person.token);
    await t.http().get('/api/v4/user').set('Cookie', cookie).expect(200);
    await t.sql("UPDATE users SET state = 'blocked' WHERE id = ?", [person.id]);
    await t.http().get('/api/v4/user').set('Cookie', cookie).expect(401);
  });
});

describe('admin API sessions over https', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ BASE_URL: 'https://roster.test' });
  });
  afterAll(async () => t.close());

  it('marks the session cookie Secure when BASE_URL is https', async () => {
    const res = await t.http().post('/api/v4/session').send({ token: ADMIN_TOKEN }).expect(201);
    expect(sessionCookie(res).header).toMatch(/; Secure/);
    const out = await t
      .http()
      .delete('/api/v4/session')
      .set('Cookie', `roster_session=${sessionCookie(res).value}`)
      .set('X-CSRF-Token', res.body.csrf_token)
      .expect(204);
    expect(sessionCookie(out).header).toMatch(/; Secure/);
  });
});
