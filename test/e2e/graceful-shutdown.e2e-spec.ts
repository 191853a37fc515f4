import { jest } from '@jest/globals';
import { oktaUser } from '../support/fixtures.js';
import { rawQuery } from '../support/raw-database.js';
import { ensureBuilt, ServerProcess, setUpGroupOverHttp, startServer } from '../support/server-process.js';
import { createTestDatabase, TestDatabase } from '../support/test-database.js';

const ADMIN = 'roster_pat_shutdown-test-admin-0123456789abcdef';

/** quality.md "Graceful shutdown": SIGTERM stops accepting, finishes in-flight requests, closes the database. */
describe('graceful shutdown', () => {
  let database: TestDatabase;
  let server: ServerProcess | undefined;
  jest.setTimeout(60_000);

  beforeAll(async () => {
    ensureBuilt();
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await server?.kill('SIGKILL');
    await database.drop();
  });

  it('answers every request that was in flight at SIGTERM, then exits 0 and refuses new connections', async () => {
    server = await startServer({ DATABASE_URL: database.url, ADMIN_TOKEN: ADMIN });
    const { scimToken: token } = await setUpGroupOverHttp(server, ADMIN, 'stop');
    const people = Array.from({ length: 40 }, () => oktaUser());
    const inFlight = people.map((p) =>
      fetch(`${server!.url}/api/scim/v2/groups/stop/Users`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json', Connection: 'close' },
        body: JSON.stringify(p),
      }).then((r) => r.status),
    );
    await new Promise((r) => setTimeout(r, 15));
    const exitCode = server.kill('SIGTERM');
    const statuses = await Promise.allSettled(inFlight);
    expect(await exitCode).toBe(0);
    // Each request either completed normally or was never accepted; none got a 5xx.
    const answered = statuses.filter((s): s is PromiseFulfilledResult<number> => s.status === 'fulfilled').map((s) => s.value);
    expect(answered.every((s) => s === 201)).toBe(true);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    // What was acknowledged is stored, and the database was closed cleanly (SQLite: WAL checkpointed).
    const rows = await rawQuery<{ n: number | string }>(database.url, 'SELECT COUNT(*) AS n FROM scim_identities');
    expect(Number(rows[0].n)).toBeGreaterThanOrEqual(answered.length);
    server = undefined;
  });

  it('keeps serving for SHUTDOWN_GRACE_MS after SIGTERM while /health/ready says 503 shutting_down, then exits 0', async () => {
    server = await startServer({ DATABASE_URL: database.url, ADMIN_TOKEN: ADMIN, SHUTDOWN_GRACE_MS: '1500' });
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
    const exitCode = server.kill('SIGTERM');
    let ready: Response | undefined;
    for (let i = 0; i < 50; i++) {
      ready = await fetch(`${server.url}/health/ready`, { headers: { Connection: 'close' } });
      if (ready.status !== 200) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(ready!.status).toBe(503);
    expect(((await ready!.json()) as { status: string }).status).toBe('shutting_down');
    // Still draining: the process is alive and ordinary requests are answered.
    const live = await fetch(`${server.url}/health/live`, { headers: { Connection: 'close' } });
    expect([live.status, await live.json()]).toEqual([200, { status: 'ok', info: {}, error: {}, details: {} }]);
    const api = await fetch(`${server.url}/api/v4/groups`, { headers: { Authorization: `Bearer ${ADMIN}`, Connection: 'close' } });
    expect(api.status).toBe(200);
    expect(await exitCode).toBe(0);
    await expect(fetch(`${server.url}/health/live`)).rejects.toThrow();
    server = undefined;
  });
});
