import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The member-expiry job (member-expiry.service.ts) asks every few minutes, in every process, for
 * memberships whose `expires_at` day has come. Without an index that is a scan of every membership
 * of the instance; a partial index holds only the rows that have a date, which are few.
 */
export class MemberExpiryIndex1765800000000 implements MigrationInterface {
  name = 'MemberExpiryIndex1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX "ix_members_expires_at" ON "members" ("expires_at", "id") WHERE "expires_at" IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "ix_members_expires_at"');
  }
}
