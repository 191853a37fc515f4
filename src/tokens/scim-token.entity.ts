import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A SCIM bearer token for a group (group_id) or the instance (group_id NULL).
 * `active_scope` is 'group:<id>' / 'instance' while the token is live and NULL once revoked; its
 * unique index guarantees one live token per scope even when two regenerations race.
 */
@Entity({ name: 'scim_tokens' })
export class ScimTokenEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'group_id', nullable: true })
  groupId: number | null;

  @Column({ type: 'varchar', name: 'active_scope', nullable: true })
  activeScope: string | null;

  @Column({ type: 'varchar', name: 'token_digest' })
  tokenDigest: string;

  @Column({ type: 'varchar', name: 'token_prefix' })
  tokenPrefix: string;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  @Column({ type: 'varchar', name: 'last_used_at', nullable: true })
  lastUsedAt: string | null;

  @Column({ type: 'varchar', name: 'revoked_at', nullable: true })
  revokedAt: string | null;
}
