import { adminAuth, auth, setUpGroup } from '../support/fixtures.js';
import { addMember, createPerson, provision } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * Requests shaped as GitLab's documentation and clients send them: `curl --data` (form-urlencoded),
 * `curl --form` (multipart), parameters in the query string, numbers as text, several ids in one
 * comma-separated value, `username` instead of `user_id`, GitLab's access levels 5 and 15.
 */
describe('GitLab request conventions on /api/v4', () => {
  let t: TestApp;
  let g: Awaited<ReturnType<typeof setUpGroup>>;
  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'inputs-acme');
  });
  afterAll(async () => t.close());

  const level = async (userId: number) =>
    (await t.sql<{ access_level: number; expires_at: string | null }>('SELECT access_level, expires_at FROM members WHERE group_id = ? AND user_id = ?', [g.id, userId]))[0] ?? null;

  it('adds a member from a form-urlencoded body (curl --data "user_id=…&access_level=30")', async () => {
    const person = await createPerson(t, 'formed');
    const res = await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).type('form').send(`user_id=${person.id}&access_level=30`).expect(201);
    expect(res.body).toEqual(expect.objectContaining({ id: person.id, access_level: 30 }));
    expect(await level(person.id)).toEqual({ access_level: 30, expires_at: null });
  });

  it('adds a member from a multipart body and from the query string', async () => {
    const multipart = await createPerson(t, 'multi');
    await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).field('user_id', String(multipart.id)).field('access_level', '20').expect(201);
    expect(await level(multipart.id)).toEqual({ access_level: 20, expires_at: null });
    const queried = await createPerson(t, 'queried');
    await t.http().post(`/api/v4/groups/${g.id}/members?user_id=${queried.id}&access_level=40`).set(adminAuth).expect(201);
    expect(await level(queried.id)).toEqual({ access_level: 40, expires_at: null });
  });

  it('takes numbers as text, a username, comma-separated ids, levels 5 and 15, and keeps expires_at', async () => {
    const [a, b, c, d] = [await createPerson(t, 'texty'), await createPerson(t, 'named'), await createPerson(t, 'many'), await createPerson(t, 'more')];
    const texty = await t
      .http()
      .post(`/api/v4/groups/${g.id}/members`)
      .set(adminAuth)
      .send({ user_id: String(a.id), access_level: '15', expires_at: '2030-01-31' })
      .expect(201);
    expect(texty.body).toEqual(expect.objectContaining({ id: a.id, access_level: 15, expires_at: '2030-01-31' }));
    expect(await level(a.id)).toEqual({ access_level: 15, expires_at: '2030-01-31' });
    await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).send({ username: b.username.toUpperCase(), access_level: 5 }).expect(201);
    expect(await level(b.id)).toEqual({ access_level: 5, expires_at: null });
    const many = await t
      .http()
      .post(`/api/v4/groups/${g.id}/members`)
      .set(adminAuth)
      .send({ user_id: `${c.id},${d.id}`, access_level: 30 })
      .expect(201);
    expect(many.body).toEqual({ status: 'success' });
    expect([await level(c.id), await level(d.id)]).toEqual([
      { access_level: 30, expires_at: null },
      { access_level: 30, expires_at: null },
    ]);
    const again = await t
      .http()
      .post(`/api/v4/groups/${g.id}/members`)
      .set(adminAuth)
      .send({ user_id: `${c.id},999999`, access_level: 30 })
      .expect(201);
    expect(again.body).toEqual({ status: 'error', message: { [c.username]: 'Member already exists', '999999': '404 User Not Found' } });
    await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).send({ username: 'nobody-here', access_level: 30 }).expect(404);
  });

  it('changes the role and the expiry date with PUT, and clears the date with an empty value', async () => {
    const person = await createPerson(t, 'expiring');
    await addMember(t, g.id, person.id, 10);
    const res = await t.http().put(`/api/v4/groups/${g.id}/members/${person.id}`).set(adminAuth).type('form').send('access_level=20&expires_at=2031-12-01').expect(200);
    expect(res.body).toEqual(expect.objectContaining({ access_level: 20, expires_at: '2031-12-01' }));
    const [event] = await t.sql<{ details: string }>("SELECT details FROM audit_events WHERE event_name = 'member_role_changed' AND target_id = ? ORDER BY id DESC", [person.id]);
    expect(JSON.parse(event.details)).toEqual({ from: 10, to: 20, expires_at: { from: null, to: '2031-12-01' } });
    await t.http().put(`/api/v4/groups/${g.id}/members/${person.id}`).set(adminAuth).send({ access_level: 20, expires_at: '' }).expect(200);
    expect(await level(person.id)).toEqual({ access_level: 20, expires_at: null });
  });

  it('updates an identity with curl --form extern_uid=… and a group with form fields', async () => {
    await provision(t, g, { externalId: 'form-uid' });
    const saml = await t.http().patch(`/api/v4/groups/${g.id}/saml/form-uid`).set(adminAuth).field('extern_uid', 'form-uid-new').expect(200);
    expect(saml.body).toEqual(expect.objectContaining({ extern_uid: 'form-uid-new' }));
    expect(await t.sql('SELECT extern_uid FROM saml_identities WHERE group_id = ? AND extern_uid = ?', [g.id, 'form-uid-new'])).toHaveLength(1);
    const scim = await t.http().patch(`/api/v4/groups/${g.id}/scim/form-uid`).set(adminAuth).type('form').send('extern_uid=form-uid-scim').expect(200);
    expect(scim.body).toEqual(expect.objectContaining({ extern_uid: 'form-uid-scim' }));
    const group = await t.http().put(`/api/v4/groups/${g.id}`).set(adminAuth).type('form').send('name=Renamed&allowed_email_domains[]=acme.test&allowed_email_domains[]=people.test').expect(200);
    expect(group.body).toEqual(expect.objectContaining({ name: 'Renamed', allowed_email_domains: ['acme.test', 'people.test'] }));
    const provider = await t.http().put(`/api/v4/groups/${g.id}/saml_provider`).set(adminAuth).type('form').send('enforced_sso=true&default_membership_role=20').expect(200);
    expect(provider.body).toEqual(expect.objectContaining({ enforced_sso: true, default_membership_role: 20 }));
  });

  it('creates users and tokens from forms, GitLab `admin` included', async () => {
    const user = await t.http().post('/api/v4/users').set(adminAuth).type('form').send('username=formuser&name=Form%20User&email=form@people.test&admin=false').expect(201);
    expect(user.body).toEqual(expect.objectContaining({ username: 'formuser', is_admin: false }));
    const token = await t.http().post(`/api/v4/users/${user.body.id}/personal_access_tokens`).set(adminAuth).field('name', 'ci').field('scopes[]', 'api').expect(201);
    expect(token.body).toEqual(expect.objectContaining({ name: 'ci', token: expect.stringMatching(/^roster_pat_/) }));
    await t.http().get('/api/v4/user').set(auth(token.body.token)).expect(200);
  });

  it('refuses file parts, and bodies of other types with 415', async () => {
    const person = await createPerson(t, 'filed');
    const file = await t
      .http()
      .post(`/api/v4/groups/${g.id}/members`)
      .set(adminAuth)
      .field('access_level', '30')
      .attach('user_id', Buffer.from(String(person.id)), 'id.txt')
      .expect(400);
    expect(file.body).toEqual({ message: 'File uploads are not accepted here' });
    await t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth).set('Content-Type', 'text/plain').send(`user_id=${person.id}`).expect(415);
    expect(await level(person.id)).toBeNull();
  });

  it('bounds a multipart body: its declared size, each field, and the number of fields (413, nothing added)', async () => {
    const person = await createPerson(t, 'bounded');
    const post = () => t.http().post(`/api/v4/groups/${g.id}/members`).set(adminAuth);
    let big = post().field('user_id', String(person.id)).field('access_level', '30');
    big = big.field('note', 'x'.repeat(1024 * 1024 + 1));
    expect((await big.expect(413)).body).toEqual({ message: 'The request body is larger than 1 MiB' });
    expect(
      (
        await post()
          .field('user_id', String(person.id))
          .field('access_level', '30')
          .field('note', 'y'.repeat(64 * 1024 + 1))
          .expect(413)
      ).body,
    ).toEqual({
      message: 'A multipart field is larger than 64 KiB',
    });
    let many = post().field('user_id', String(person.id)).field('access_level', '30');
    for (let i = 0; i < 63; i++) many = many.field(`extra_${i}`, 'z');
    expect((await many.expect(413)).body).toEqual({ message: 'A multipart body may hold at most 64 fields' });
    expect(await level(person.id)).toBeNull();
  });

  it('keeps the CSRF check for cookie-authenticated writes whatever the body type', async () => {
    const owner = await createPerson(t, 'csrfowner');
    await addMember(t, g.id, owner.id, 50);
    const signIn = await t.http().post('/api/v4/session').send({ token: owner.token }).expect(201);
    const cookie = signIn.headers['set-cookie'] as unknown as string[];
    const person = await createPerson(t, 'csrfperson');
    const path = `/api/v4/groups/${g.id}/members`;
    await t.http().post(path).set('Cookie', cookie).type('form').send(`user_id=${person.id}&access_level=30`).expect(403);
    await t.http().post(path).set('Cookie', cookie).field('user_id', String(person.id)).field('access_level', '30').expect(403);
    await t.http().post(`${path}?user_id=${person.id}&access_level=30`).set('Cookie', cookie).expect(403);
    expect(await level(person.id)).toBeNull();
    await t.http().post(path).set('Cookie', cookie).set('X-CSRF-Token', signIn.body.csrf_token).type('form').send(`user_id=${person.id}&access_level=30`).expect(201);
    expect(await level(person.id)).toEqual({ access_level: 30, expires_at: null });
  });
});
