import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A SCIM token's rate-limit bucket, shared by every Roster process on PostgreSQL. Times are the
 * database's clock in epoch seconds, so processes on machines whose clocks disagree share one.
 */
@Entity({ name: 'scim_rate_buckets' })
export class ScimRateBucketEntity {
  @PrimaryColumn({ type: 'integer', name: 'token_id' })
  tokenId: number;

  @Column({ type: 'double precision' })
  tokens: number;

  @Column({ type: 'double precision', name: 'refilled_at' })
  refilledAt: number;
}
