import { jest } from '@jest/globals';
import { rawQuery } from '../support/raw-database.js';
import { ServerProcess, startRosterProcesses } from '../support/server-process.js';
import { TestDatabase, usingPostgres } from '../support/test-database.js';

const ADMIN = 'roster_pat_member-expiry-processes-0123456789';
const ROUNDS = 15;
const PEOPLE = 12;

/**
 * The member-expiry job runs in every Roster process. With two processes on one PostgreSQL running
 * it every 20 ms, each due membership must be removed and audited exactly once, a group's last
 * Owner must survive every round, and a membership whose date is moved on must stay.
 */
const suite = usingPostgres() ? describe : describe.skip;
if (!usingPostgres()) console.log('member-expiry-processes: skipped — two Roster processes need a shared PostgreSQL; run with TEST_DATABASE_URL=postgres://…');

suite('member expiry with two Roster processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let servers: ServerProcess[] = [];
  let stop: (() => Promise<void>) | undefined;
  jest.setTimeout(180_000);

  beforeAll(async () => {
    ({ database, servers, stop } = await startRosterProcesses(2, { ADMIN_TOKEN: ADMIN, MEMBER_EXPIRY_INTERVAL_MS: '20' }));
  });
  afterAll(async () => stop?.());

  async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${servers[0].url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
  }

  const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const nextWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);

  it(`removes each due membership once, keeps the last Owner and moved-on dates (${ROUNDS} rounds)`, async () => {
    const people: number[] = [];
    for (let i = 0; i < PEOPLE + 1; i++) {
      const user = await call('POST', '/api/v4/users', { username: `exp${i}`, name: `Expiring ${i}`, email: `exp${i}@people.test` });
      people.push(Number(user.id));
    }
    const [owner, ...others] = people;
    for (let round = 0; round < ROUNDS; round++) {
      const group = await call('POST', '/api/v4/groups', { name: `Expiry ${round}`, path: `expiry-${round}` });
      const groupId = Number(group.id);
      for (const id of others) await call('POST', `/api/v4/groups/${groupId}/members`, { user_id: id, access_level: 30, expires_at: nextWeek() });
      await call('POST', `/api/v4/groups/${groupId}/members`, { user_id: owner, access_level: 50 });
      await call('DELETE', `/api/v4/groups/${groupId}/members/1`);
      // The day comes for everyone at once (the owner, now the last Owner, too); one keeps a later date.
      const kept = others[round % others.length];
      await rawQuery(database.url, 'UPDATE members SET expires_at = ? WHERE group_id = ? AND user_id <> ?', [yesterday(), groupId, kept]);

      const deadline = Date.now() + 20_000;
      let left: { user_id: number }[];
      do {
        await new Promise((resolve) => setTimeout(resolve, 50));
        left = await rawQuery<{ user_id: number }>(database.url, 'SELECT user_id FROM members WHERE group_id = ? ORDER BY user_id', [groupId]);
      } while (left.length > 2 && Date.now() < deadline);
      expect({ round, left: left.map((m) => Number(m.user_id)) }).toEqual({ round, left: [owner, kept].sort((a, b) => a - b) });

      const events = await rawQuery<{ target_id: number; n: string }>(
        database.url,
        "SELECT target_id, COUNT(*) AS n FROM audit_events WHERE group_id = ? AND event_name = 'member_removed' AND details LIKE '%expired%' GROUP BY target_id",
        [groupId],
      );
      const removed = others.filter((id) => id !== kept);
      expect({ round, events: events.map((e) => [Number(e.target_id), Number(e.n)]).sort((a, b) => a[0] - b[0]) }).toEqual({ round, events: removed.map((id) => [id, 1]) });
    }
    for (const server of servers) expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
