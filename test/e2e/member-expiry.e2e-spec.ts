import { MemberExpiryService } from '../../src/groups/member-expiry.service.js';
import { adminAuth, auth, setUpGroup } from '../support/fixtures.js';
import { addMember, createPerson } from '../support/admin-people.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/**
 * GitLab's member `expires_at`: access ends at 00:00 UTC of that day, and the membership is then
 * removed by a background job, audited as the System. The day's arrival is simulated by writing an
 * earlier date into the row: a running server's clock cannot be moved.
 */
describe('member expiry', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The job is run by hand below; its timer stays off so it cannot race the assertions.
    t = await startTestApp({ MEMBER_EXPIRY_INTERVAL_MS: '0' });
  });
  afterAll(async () => t.close());

  const members = (groupId: number) => t.sql<{ user_id: number; expires_at: string | null }>('SELECT user_id, expires_at FROM members WHERE group_id = ? ORDER BY user_id', [groupId]);
  const setExpiry = (groupId: number, userId: number, date: string) => t.sql('UPDATE members SET expires_at = ? WHERE group_id = ? AND user_id = ?', [date, groupId, userId]);

  it('refuses a date in the past, accepts today and later', async () => {
    const g = await setUpGroup(t, 'expiry-input');
    const person = await createPerson(t, 'expiry-input');
    const past = await t
      .http()
      .post(`/api/v4/groups/${g.id}/members`)
      .set(adminAuth)
      .send({ user_id: person.id, access_level: 30, expires_at: day(-1) })
      .expect(400);
    expect(past.body).toEqual({ message: { expires_at: ['cannot be a date in the past'] } });
    await t
      .http()
      .post(`/api/v4/groups/${g.id}/members`)
      .set(adminAuth)
      .send({ user_id: person.id, access_level: 30, expires_at: day(30) })
      .expect(201);
    await t
      .http()
      .put(`/api/v4/groups/${g.id}/members/${person.id}`)
      .set(adminAuth)
      .send({ access_level: 30, expires_at: day(-3) })
      .expect(400);
    expect(await members(g.id)).toContainEqual({ user_id: person.id, expires_at: day(30) });
  });

  it('ends access on the day and removes the membership once, audited; later dates and the last Owner stay', async () => {
    const g = await setUpGroup(t, 'expiry-run');
    const leaving = await createPerson(t, 'leaving');
    const staying = await createPerson(t, 'staying');
    const owner = await createPerson(t, 'lone-owner');
    await addMember(t, g.id, leaving.id, 30);
    await addMember(t, g.id, staying.id, 30);
    await t
      .http()
      .put(`/api/v4/groups/${g.id}/members/${leaving.id}`)
      .set(adminAuth)
      .send({ access_level: 30, expires_at: day(1) })
      .expect(200);
    await t
      .http()
      .put(`/api/v4/groups/${g.id}/members/${staying.id}`)
      .set(adminAuth)
      .send({ access_level: 30, expires_at: day(1) })
      .expect(200);
    await t.http().get(`/api/v4/groups/${g.id}`).set(auth(leaving.token)).expect(200);

    // The day comes for `leaving` (and for the group's only other Owner, who must be kept).
    await setExpiry(g.id, leaving.id, day(0));
    await t.http().get(`/api/v4/groups/${g.id}`).set(auth(leaving.token)).expect(404);
    await t.http().get(`/api/v4/groups/${g.id}`).set(auth(staying.token)).expect(200);
    const lone = await setUpGroup(t, 'expiry-lone-owner');
    await addMember(t, lone.id, owner.id, 50);
    await t.http().delete(`/api/v4/groups/${lone.id}/members/1`).set(adminAuth).expect(204);
    await setExpiry(lone.id, owner.id, day(-2));

    const job = t.app.get(MemberExpiryService);
    const [first, second] = [await job.runOnce(), await job.runOnce()];
    expect(first).toBeGreaterThanOrEqual(1);
    expect(second).toBe(0);
    expect((await members(g.id)).map((m) => m.user_id)).not.toContain(leaving.id);
    expect((await members(g.id)).map((m) => m.user_id)).toContain(staying.id);
    expect(await members(lone.id)).toEqual([{ user_id: owner.id, expires_at: day(-2) }]);

    const events = await t.sql<{ author_id: number | null; details: string }>("SELECT author_id, details FROM audit_events WHERE group_id = ? AND event_name = 'member_removed' AND target_id = ?", [
      g.id,
      leaving.id,
    ]);
    expect(events.map((e) => ({ author_id: e.author_id, details: JSON.parse(e.details) }))).toEqual([{ author_id: null, details: { access_level: 30, reason: 'expired', expires_at: day(0) } }]);
  });

  it('keeps a membership whose date was moved on before the job reached it', async () => {
    const g = await setUpGroup(t, 'expiry-extended');
    const person = await createPerson(t, 'extended');
    await addMember(t, g.id, person.id, 20);
    await setExpiry(g.id, person.id, day(0));
    await t
      .http()
      .put(`/api/v4/groups/${g.id}/members/${person.id}`)
      .set(adminAuth)
      .send({ access_level: 20, expires_at: day(7) })
      .expect(200);
    await t.app.get(MemberExpiryService).runOnce();
    expect(await members(g.id)).toContainEqual({ user_id: person.id, expires_at: day(7) });
    await t.http().get(`/api/v4/groups/${g.id}`).set(auth(person.token)).expect(200);
  });
});
