import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GitLab's member `expires_at` (a calendar date, `YYYY-MM-DD`), stored as sent and returned: scripts
 * that add temporary members read it back, and silently dropping it hid that it was not kept.
 */
export class MemberExpiresAt1765000000000 implements MigrationInterface {
  name = 'MemberExpiresAt1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "members" ADD COLUMN "expires_at" varchar NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "members" DROP COLUMN "expires_at"');
  }
}
