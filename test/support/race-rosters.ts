import { jest } from '@jest/globals';
import request from 'supertest';
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
 * `race` receives the two sides and asserts the outcome of every round.
 */
export function raceInOneAndTwoProcesses(what: string, behaviour: string, env: Record<string, string>, race: (first: Roster, second: Roster) => Promise<void>): void {
  describe(`${what}, in one Roster process`, () => {
    jest.setTimeout(120_000);
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp(env);
    });
    afterAll(async () => t?.close());

    it(behaviour, async () => {
      await race(t, t);
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
      await race(roster(servers[0]), roster(servers[1]));
    });
  });
}
