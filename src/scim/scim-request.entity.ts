import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The SCIM request log: what an IdP sent and what Roster answered, secrets redacted. */
@Entity({ name: 'scim_requests' })
export class ScimRequestEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  @Column({ type: 'integer', name: 'group_id', nullable: true })
  groupId: number | null;

  @Column({ type: 'varchar' })
  method: string;

  @Column({ type: 'varchar' })
  path: string;

  @Column({ type: 'text', nullable: true })
  query: string | null;

  @Column({ type: 'integer' })
  status: number;

  @Column({ type: 'integer', name: 'duration_ms' })
  durationMs: number;

  @Column({ type: 'varchar', name: 'external_id', nullable: true })
  externalId: string | null;

  @Column({ type: 'varchar', name: 'external_id_lower', nullable: true })
  externalIdLower: string | null;

  @Column({ type: 'varchar', name: 'user_name', nullable: true })
  userName: string | null;

  @Column({ type: 'varchar', name: 'resource_id', nullable: true })
  resourceId: string | null;

  @Column({ type: 'text', name: 'error_detail', nullable: true })
  errorDetail: string | null;

  /** Redacted request body (JSON text), truncated to a bounded size. */
  @Column({ type: 'text', nullable: true })
  body: string | null;

  /** The HTTP request's id, as its log line and the audit events it wrote carry it. */
  @Column({ type: 'varchar', name: 'request_id', nullable: true })
  requestId: string | null;
}
