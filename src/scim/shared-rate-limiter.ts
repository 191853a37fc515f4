import type { ScimRateBucketsRepository } from './scim-rate-buckets.repository.js';

/**
 * The per-token SCIM rate limit when several Roster processes share a PostgreSQL database: one
 * bucket per token in the database, so the limit holds for the sum of every process's requests,
 * and processes can come and go (nothing is kept in them). An allowed request costs one UPDATE;
 * a refused one two or three statements. SQLite keeps the in-process RateLimiter (one process
 * serves a SQLite file).
 */
export class SharedRateLimiter {
  constructor(
    private readonly buckets: ScimRateBucketsRepository,
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {}

  /** 0 when the request may go ahead, else the whole seconds to wait. */
  async take(tokenId: number): Promise<number> {
    if (this.ratePerSecond <= 0) return 0;
    // Twice at most: a bucket created, or refilled, by another process between two statements.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await this.buckets.take(tokenId, this.ratePerSecond, this.burst)) return 0;
      const available = await this.buckets.available(tokenId, this.ratePerSecond, this.burst);
      if (available === null) {
        if (await this.buckets.create(tokenId, this.burst)) return 0;
        continue;
      }
      if (available < 1) return Math.max(1, Math.ceil((1 - available) / this.ratePerSecond));
    }
    return 1;
  }
}
