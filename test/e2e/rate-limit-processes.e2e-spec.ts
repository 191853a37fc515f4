import { jest } from '@jest/globals';
import { ServerProcess, setUpGroupOverHttp, startRosterProcesses } from '../support/server-process.js';
import { usingPostgres } from '../support/test-database.js';

const ADMIN = 'roster_pat_rate-limit-admin-0123456789abcdef';
const RATE = 40;
const BURST = 5;
const SECONDS = 5;
const CLIENTS_PER_PROCESS = 6;

/**
 * The per-token SCIM rate limit holds for the sum of every process's requests: two Roster
 * processes on one PostgreSQL, one token, both hammered at once for a few seconds. Each process
 * keeping its own bucket would accept about twice the configured rate.
 */
const suite = usingPostgres() ? describe : describe.skip;
if (!usingPostgres()) console.log('rate limit across processes: skipped — it needs PostgreSQL; run with TEST_DATABASE_URL=postgres://…');

suite('SCIM rate limit across two Roster processes on one PostgreSQL', () => {
  jest.setTimeout(120_000);
  let servers: ServerProcess[] = [];
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ servers, stop } = await startRosterProcesses(2, { ADMIN_TOKEN: ADMIN, SCIM_RATE_LIMIT: String(RATE), SCIM_RATE_LIMIT_BURST: String(BURST) }));
  });
  afterAll(async () => stop?.());

  it(`accepts about ${RATE} requests per second in all for one token, and tells the others when to retry`, async () => {
    const group = await setUpGroupOverHttp(servers[0], ADMIN, 'rate-acme');
    const accepted = [0, 0];
    let refused = 0;
    const retryAfter = new Set<string>();
    const started = Date.now();
    const deadline = started + SECONDS * 1000;
    let lastAccepted = started;
    const client = async (index: number) => {
      const base = `${servers[index].url}/api/scim/v2/groups/rate-acme/Users?count=1`;
      while (Date.now() < deadline) {
        const response = await fetch(base, { headers: { Authorization: `Bearer ${group.scimToken}` } });
        await response.arrayBuffer();
        if (response.status === 200) {
          accepted[index] += 1;
          lastAccepted = Date.now();
        } else {
          expect(response.status).toBe(429);
          retryAfter.add(response.headers.get('retry-after') ?? 'missing');
          refused += 1;
        }
      }
    };
    await Promise.all([0, 1].flatMap((index) => Array.from({ length: CLIENTS_PER_PROCESS }, () => client(index))));
    const elapsed = (lastAccepted - started) / 1000;
    const total = accepted[0] + accepted[1];
    // The bucket starts full (BURST), then refills at RATE per second.
    const measured = (total - BURST) / elapsed;
    console.log(
      `rate limit across two processes: limit ${RATE}/s (burst ${BURST}); accepted ${total} (process A ${accepted[0]}, process B ${accepted[1]}) ` +
        `and refused ${refused} in ${elapsed.toFixed(2)} s → ${measured.toFixed(1)} accepted/s, ${((measured / RATE) * 100).toFixed(1)}% of the limit`,
    );
    expect(refused).toBeGreaterThan(total); // the clients asked for far more than the limit
    expect(accepted[0]).toBeGreaterThan(0);
    expect(accepted[1]).toBeGreaterThan(0);
    expect(Math.abs(measured - RATE) / RATE).toBeLessThanOrEqual(0.1);
    expect([...retryAfter]).toEqual(['1']);
  });
});
