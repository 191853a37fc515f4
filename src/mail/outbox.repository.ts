import { Injectable } from '@nestjs/common';
import { nowIso } from '../common/clock.js';
import { Database, Tx } from '../database/database.service.js';
import { OutboxMessageEntity, OutboxStatus } from './outbox-message.entity.js';

export type NewOutboxMessage = Pick<OutboxMessageEntity, 'groupId' | 'userId' | 'kind' | 'recipient' | 'subject' | 'body'>;

/** Owns email_outbox. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly db: Database) {}

  async insert(tx: Tx, message: NewOutboxMessage): Promise<void> {
    const now = nowIso();
    await this.db.insertEntity(tx, OutboxMessageEntity, {
      ...message,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      claimedUntil: null,
      claimedBy: null,
      lastError: null,
      createdAt: now,
      sentAt: null,
    });
  }

  /**
   * Leases up to `limit` messages that are due and not leased by a live worker, in one transaction:
   * on PostgreSQL the candidates are locked with SKIP LOCKED (two processes claiming together take
   * different rows), and each lease is a compare-and-set on the lease it read, so a row is never
   * held by two workers at once on either engine. The claim counts as an attempt.
   */
  async claimDue(worker: string, now: string, leaseUntil: string, limit: number): Promise<OutboxMessageEntity[]> {
    return this.db.transaction(async (tx) => {
      const skipLocked = this.db.kind === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
      const due = await this.db.findWhere(
        OutboxMessageEntity,
        `"status" = 'pending' AND "next_attempt_at" <= ? AND ("claimed_until" IS NULL OR "claimed_until" < ?) ORDER BY "id" LIMIT ?${skipLocked}`,
        [now, now, limit],
        tx,
      );
      const claimed: OutboxMessageEntity[] = [];
      for (const message of due) {
        const { affected } = await tx.execute(
          `UPDATE "email_outbox" SET "claimed_until" = ?, "claimed_by" = ?, "attempts" = "attempts" + 1 WHERE "id" = ? AND "status" = 'pending' AND ("claimed_until" IS NULL OR "claimed_until" < ?)`,
          [leaseUntil, worker, message.id, now],
        );
        if (affected === 1) claimed.push({ ...message, claimedUntil: leaseUntil, claimedBy: worker, attempts: message.attempts + 1 });
      }
      return claimed;
    });
  }

  /** Delivered: never sent again, whoever holds the lease now. */
  async markSent(id: number, at: string): Promise<void> {
    await this.db.transaction((tx) =>
      tx.execute(`UPDATE "email_outbox" SET "status" = 'sent', "sent_at" = ?, "claimed_until" = NULL, "claimed_by" = NULL, "last_error" = NULL WHERE "id" = ? AND "status" = 'pending'`, [at, id]),
    );
  }

  /** Not delivered: retried at `nextAttemptAt`, by any worker. Only the lease holder reschedules. */
  async markFailed(id: number, worker: string, nextAttemptAt: string, error: string): Promise<void> {
    await this.db.transaction((tx) =>
      tx.execute(`UPDATE "email_outbox" SET "next_attempt_at" = ?, "last_error" = ?, "claimed_until" = NULL, "claimed_by" = NULL WHERE "id" = ? AND "claimed_by" = ? AND "status" = 'pending'`, [
        nextAttemptAt,
        error,
        id,
        worker,
      ]),
    );
  }

  /** Newest first, for admins. */
  async list(filter: { status?: OutboxStatus }, offset: number, limit: number): Promise<{ items: OutboxMessageEntity[]; total: number }> {
    const where = filter.status ? '"status" = ?' : '1 = 1';
    const params = filter.status ? [filter.status] : [];
    const items = await this.db.findWhere(OutboxMessageEntity, `${where} ORDER BY "id" DESC LIMIT ? OFFSET ?`, [...params, limit, offset]);
    const [{ n }] = await this.db.select<{ n: number | string }>(`SELECT COUNT(*) AS "n" FROM "email_outbox" WHERE ${where}`, params);
    return { items, total: Number(n) };
  }
}
