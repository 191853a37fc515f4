import { jest } from '@jest/globals';
import request from 'supertest';
import { IDP_CERT, IDP_SSO_URL, oktaUser, SCIM_JSON } from './fixtures.js';
import { rawQuery } from './raw-database.js';
import { ServerProcess, startRosterProcesses } from './server-process.js';
import { TestDatabase, usingPostgres } from './test-database.js';
import { startTestApp, TestApp } from './test-app.js';

/** The HTTP side of one Roster (a process, or the in-process test app) and its database. */
export interface Roster {
  http: () => ReturnType<typeof request>;
  sql: <T = Record<string, unknown>>(query: string, params?: unknown[]) => Promise<T[]>;
}

/**
 * A race test run twice: in one Roster process (the in-process test app answers both sides), and
 * on PostgreSQL through two Roster processes sharing the database, each side sent to its own — how
 * big users run Roster, and where a rule that reads then writes has to hold across processes.
 * `race` receives the two sides and asserts the outcome of every round. Afterwards no transaction
 * may have been run again after a deadlock (see transactionRetries): locks taken in one order
 * everywhere never deadlock, and PostgreSQL answers a cycle only after a second's wait.
 */
export function raceInOneAndTwoProcesses(what: string, behaviour: string, env: Record<string, string>, race: (first: Roster, second: Roster) => Promise<void>): void {
  env = { ...env, METRICS_TOKEN: RACE_METRICS_TOKEN };
  const raceWithoutDeadlocks = async (first: Roster, second: Roster) => {
    const before = await transactionRetries(first, second);
    await race(first, second);
    expect({ transactionsRetried: (await transactionRetries(first, second)) - before }).toEqual({ transactionsRetried: 0 });
  };
  describe(`${what}, in one Roster process`, () => {
    jest.setTimeout(120_000);
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp(env);
    });
    afterAll(async () => t?.close());

    it(behaviour, async () => {
      await raceWithoutDeadlocks(t, t);
    });
  });

  const suite = usingPostgres() ? describe : describe.skip;
  if (!usingPostgres()) console.log(`${what}: two-process rounds skipped — they need a shared PostgreSQL; run with TEST_DATABASE_URL=postgres://…`);

  suite(`${what}, through two Roster processes on one PostgreSQL`, () => {
    let database: TestDatabase;
    let servers: ServerProcess[] = [];
    let stop: (() => Promise<void>) | undefined;
    jest.setTimeout(180_000);

    beforeAll(async () => {
      ({ database, servers, stop } = await startRosterProcesses(2, env));
    });
    afterAll(async () => stop?.());

    it(behaviour, async () => {
      const roster = (server: ServerProcess): Roster => ({ http: () => request(server.url), sql: (query, params) => rawQuery(database.url, query, params) });
      await raceWithoutDeadlocks(roster(servers[0]), roster(servers[1]));
    });
  });
}

/** A group of the race files, made through a Roster's admin API: SAML SSO configured and a SCIM token. */
export interface RaceGroup {
  id: number;
  path: string;
  /** The group's SCIM base path, e.g. `/api/scim/v2/groups/<path>`. */
  base: string;
  /** Headers of a SCIM request with the group's token. */
  scim: Record<string, string>;
}

/** Creates the group `path` through `roster` as the admin `adminToken`; `provider` adds SAML settings (e.g. enforced_sso). */
export async function raceGroup(roster: Roster, adminToken: string, path: string, provider: Record<string, unknown> = {}): Promise<RaceGroup> {
  const admin = { Authorization: `Bearer ${adminToken}` };
  const id = (await roster.http().post('/api/v4/groups').set(admin).send({ name: path, path }).expect(201)).body.id as number;
  await roster
    .http()
    .put(`/api/v4/groups/${id}/saml_provider`)
    .set(admin)
    .send({ enabled: true, sso_url: IDP_SSO_URL, certificate: IDP_CERT, ...provider })
    .expect(200);
  const token = (await roster.http().post(`/api/v4/groups/${id}/scim_token`).set(admin).expect(201)).body.scim_token as string;
  return { id, path, base: `/api/scim/v2/groups/${path}`, scim: { Authorization: `Bearer ${token}`, 'Content-Type': SCIM_JSON } };
}

/** POSTs a new person (Okta-shaped) to the group's SCIM API: their SCIM id and account id. */
export async function raceProvision(roster: Roster, group: RaceGroup, overrides: Record<string, unknown> = {}): Promise<{ id: string; userId: number; email: string }> {
  const doc = oktaUser(overrides);
  const id = (await roster.http().post(`${group.base}/Users`).set(group.scim).send(doc).expect(201)).body.id as string;
  const [row] = await roster.sql<{ user_id: number | string }>('SELECT user_id FROM scim_identities WHERE group_id = ? AND extern_uid = ?', [group.id, id]);
  return { id, userId: Number(row.user_id), email: (doc.emails as { value: string }[])[0].value };
}

/** The token the race files give Roster's /metrics (METRICS_TOKEN in their env). */
export const RACE_METRICS_TOKEN = 'race-files-metrics-token-0123456789';

/**
 * PostgreSQL transactions the Rosters ran again after a deadlock or a serialization failure so far
 * (roster_db_transaction_retries_total), summed over both sides. A race whose locks are taken in
 * one order everywhere needs none; retries hide a deadlock from the answers, not from this count.
 */
export async function transactionRetries(first: Roster, second: Roster): Promise<number> {
  let total = 0;
  for (const roster of first === second ? [first] : [first, second]) {
    const text = (await roster.http().get('/metrics').set('Authorization', `Bearer ${RACE_METRICS_TOKEN}`).expect(200)).text;
    const line = text.split('\n').find((l) => l.startsWith('roster_db_transaction_retries_total '));
    // Missing, the check could not fail: say so instead of counting nothing.
    if (line === undefined) throw new Error('/metrics has no roster_db_transaction_retries_total');
    total += Number(line.split(' ')[1]);
  }
  return total;
}
