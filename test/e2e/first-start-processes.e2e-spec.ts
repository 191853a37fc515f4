import { jest } from '@jest/globals';
import { rawQuery } from '../support/raw-database.js';
import { ensureBuilt, ServerProcess, startServer } from '../support/server-process.js';
import { createTestDatabase, TestDatabase, usingPostgres } from '../support/test-database.js';

const ROUNDS = 5;
const PROCESSES = 3;

/**
 * Several Roster processes started at the same moment on one empty PostgreSQL database — a
 * deployment's first rollout with several replicas. All of them come up (one migrates, the others
 * wait for it), exactly one instance admin is created, and its token (ADMIN_TOKEN) works on every
 * process. A fresh database every round.
 */
(usingPostgres() ? describe : describe.skip)('first start of several Roster processes at once (PostgreSQL)', () => {
  jest.setTimeout(300_000);
  beforeAll(() => ensureBuilt());

  it(`every process starts and exactly one admin is created, in each of ${ROUNDS} rounds`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const database: TestDatabase = await createTestDatabase();
      const token = `roster_pat_first-start-${round}-0123456789abcdef`;
      const started = await Promise.allSettled(Array.from({ length: PROCESSES }, () => startServer({ DATABASE_URL: database.url, ADMIN_TOKEN: token })));
      const servers = started.filter((s): s is PromiseFulfilledResult<ServerProcess> => s.status === 'fulfilled').map((s) => s.value);
      try {
        const failures = started.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => String(s.reason).slice(0, 300));
        expect({ round, failures }).toEqual({ round, failures: [] });
        const admins = await rawQuery<{ username: string }>(database.url, 'SELECT username FROM users WHERE is_admin = TRUE');
        expect({ round, admins: admins.map((a) => a.username) }).toEqual({ round, admins: ['root'] });
        for (const server of servers) {
          const me = await fetch(`${server.url}/api/v4/user`, { headers: { Authorization: `Bearer ${token}` } });
          expect({ round, status: me.status }).toEqual({ round, status: 200 });
        }
      } finally {
        await Promise.all(servers.map((s) => s.kill('SIGKILL')));
        await database.drop();
      }
    }
  });
});
