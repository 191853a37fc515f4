import { ScimRateBucketsRepository } from '../../src/scim/scim-rate-buckets.repository.js';
import { SharedRateLimiter } from '../../src/scim/shared-rate-limiter.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { usingPostgres } from '../support/test-database.js';

/**
 * The database-backed token bucket against a real PostgreSQL: a burst, then refusals with the
 * seconds to wait, refills by the database clock, one bucket per token. (Across processes:
 * rate-limit-processes.e2e-spec.ts.)
 */
const suite = usingPostgres() ? describe : describe.skip;
if (!usingPostgres()) console.log('shared rate limiter: skipped — its buckets live in PostgreSQL; run with TEST_DATABASE_URL=postgres://…');

suite('SharedRateLimiter on PostgreSQL', () => {
  let t: TestApp;
  let buckets: ScimRateBucketsRepository;

  beforeAll(async () => {
    t = await startTestApp();
    buckets = t.app.get(ScimRateBucketsRepository);
  });
  afterAll(async () => t.close());

  /** Moves a bucket's last refill into the past, as if `seconds` had gone by. */
  const age = (tokenId: number, seconds: number) => t.sql('UPDATE scim_rate_buckets SET refilled_at = refilled_at - ? WHERE token_id = ?', [seconds, tokenId]);

  it('allows the burst, then refuses with the wait, and refills at the rate', async () => {
    const limiter = new SharedRateLimiter(buckets, 0.5, 3); // one token every 2 s
    expect([await limiter.take(101), await limiter.take(101), await limiter.take(101)]).toEqual([0, 0, 0]);
    const wait = await limiter.take(101);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(2);
    await age(101, 4.1); // two tokens' worth
    expect([await limiter.take(101), await limiter.take(101)]).toEqual([0, 0]);
    expect(await limiter.take(101)).toBeGreaterThan(0);
    await age(101, 3600); // a long pause refills to the burst, not beyond
    expect([await limiter.take(101), await limiter.take(101), await limiter.take(101)]).toEqual([0, 0, 0]);
    expect(await limiter.take(101)).toBeGreaterThan(0);
    const [row] = await t.sql<{ tokens: number }>('SELECT tokens FROM scim_rate_buckets WHERE token_id = ?', [101]);
    expect(Number(row.tokens)).toBeLessThan(1);
  });

  it('keeps one bucket per token, and is off at rate 0', async () => {
    const limiter = new SharedRateLimiter(buckets, 0.5, 1);
    expect(await limiter.take(201)).toBe(0);
    expect(await limiter.take(202)).toBe(0);
    expect(await limiter.take(201)).toBeGreaterThan(0);
    const off = new SharedRateLimiter(buckets, 0, 1);
    for (let i = 0; i < 20; i++) expect(await off.take(201)).toBe(0);
  });

  it('gives out exactly the burst to many takers at once', async () => {
    const limiter = new SharedRateLimiter(buckets, 0.001, 10);
    const answers = await Promise.all(Array.from({ length: 40 }, () => limiter.take(301)));
    expect(answers.filter((a) => a === 0)).toHaveLength(10);
  });
});
