import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service.js';

/** The database clock, in epoch seconds. */
const NOW = 'EXTRACT(EPOCH FROM clock_timestamp())::float8';

/**
 * Owns scim_rate_buckets (PostgreSQL only; see SharedRateLimiter). Each method is one statement
 * that is a whole transaction by itself: the row lock an UPDATE takes is held for that statement
 * only, and PostgreSQL re-checks the WHERE against the newest row after waiting for it, so two
 * processes taking from one bucket at once both see the other's take.
 */
@Injectable()
export class ScimRateBucketsRepository {
  constructor(private readonly db: Database) {}

  /** Refills the bucket for the time since its last refill and takes one token, if one is there. */
  async take(tokenId: number, rate: number, burst: number): Promise<boolean> {
    const refilled = `LEAST(?::float8, "tokens" + GREATEST(0, c.t - "refilled_at") * ?::float8)`;
    const rows = await this.db.statement(
      `UPDATE "scim_rate_buckets" SET "tokens" = ${refilled} - 1, "refilled_at" = GREATEST("refilled_at", c.t)
       FROM (SELECT ${NOW} AS t) c
       WHERE "token_id" = ? AND ${refilled} >= 1 RETURNING "token_id"`,
      [burst, rate, tokenId, burst, rate],
    );
    return rows.length === 1;
  }

  /** A full bucket, less the token its first request takes; false when another process created it first. */
  async create(tokenId: number, burst: number): Promise<boolean> {
    const rows = await this.db.statement(
      `INSERT INTO "scim_rate_buckets" ("token_id", "tokens", "refilled_at") VALUES (?, ?::float8 - 1, ${NOW}) ON CONFLICT ("token_id") DO NOTHING RETURNING "token_id"`,
      [tokenId, burst],
    );
    return rows.length === 1;
  }

  /** Tokens in the bucket now (after refilling), or null when it does not exist. */
  async available(tokenId: number, rate: number, burst: number): Promise<number | null> {
    const rows = await this.db.statement<{ available: number | string }>(
      `SELECT LEAST(?::float8, "tokens" + GREATEST(0, ${NOW} - "refilled_at") * ?::float8) AS "available" FROM "scim_rate_buckets" WHERE "token_id" = ?`,
      [burst, rate, tokenId],
    );
    return rows.length === 0 ? null : Number(rows[0].available);
  }
}
