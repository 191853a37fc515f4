import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type OutboxStatus = 'pending' | 'sent';

/** A message waiting in the outbox, or sent from it (see the email_outbox migration). */
@Entity({ name: 'email_outbox' })
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'group_id', nullable: true })
  groupId: number | null;

  @Column({ type: 'integer', name: 'user_id', nullable: true })
  userId: number | null;

  /** What the message is: 'welcome'. */
  @Column({ type: 'varchar' })
  kind: string;

  @Column({ type: 'varchar' })
  recipient: string;

  @Column({ type: 'varchar' })
  subject: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'varchar' })
  status: OutboxStatus;

  /** Delivery attempts started so far. */
  @Column({ type: 'integer' })
  attempts: number;

  @Column({ type: 'varchar', name: 'next_attempt_at' })
  nextAttemptAt: string;

  @Column({ type: 'varchar', name: 'claimed_until', nullable: true })
  claimedUntil: string | null;

  @Column({ type: 'varchar', name: 'claimed_by', nullable: true })
  claimedBy: string | null;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError: string | null;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  @Column({ type: 'varchar', name: 'sent_at', nullable: true })
  sentAt: string | null;
}
