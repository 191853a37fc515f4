import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only. group_id NULL means an instance-level event. */
@Entity({ name: 'audit_events' })
export class AuditEventEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  @Column({ type: 'varchar', name: 'event_name' })
  eventName: string;

  @Column({ type: 'integer', name: 'author_id', nullable: true })
  authorId: number | null;

  @Column({ type: 'varchar', name: 'author_name' })
  authorName: string;

  @Column({ type: 'integer', name: 'group_id', nullable: true })
  groupId: number | null;

  @Column({ type: 'varchar', name: 'entity_type' })
  entityType: string;

  @Column({ type: 'integer', name: 'entity_id', nullable: true })
  entityId: number | null;

  @Column({ type: 'varchar', name: 'target_type', nullable: true })
  targetType: string | null;

  @Column({ type: 'integer', name: 'target_id', nullable: true })
  targetId: number | null;

  @Column({ type: 'varchar', name: 'target_details', nullable: true })
  targetDetails: string | null;

  /** JSON object. */
  @Column({ type: 'text' })
  details: string;

  @Column({ type: 'varchar', name: 'ip_address', nullable: true })
  ipAddress: string | null;

  /** The HTTP request that wrote the event (its log line's `requestId`); null outside requests. */
  @Column({ type: 'varchar', name: 'request_id', nullable: true })
  requestId: string | null;
}
