import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A link invitation: one account of the platform may link the NameID the group's IdP sends, once,
 * until `expires_at`. The secret in its URL is kept only as a SHA-256 digest.
 */
@Entity({ name: 'saml_link_invitations' })
export class SamlLinkInvitationEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'group_id' })
  groupId: number;

  @Column({ type: 'integer', name: 'user_id' })
  userId: number;

  @Column({ type: 'varchar', name: 'token_digest' })
  tokenDigest: string;

  @Column({ type: 'integer', name: 'created_by_id', nullable: true })
  createdById: number | null;

  @Column({ type: 'varchar', name: 'created_by_name' })
  createdByName: string;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  @Column({ type: 'varchar', name: 'expires_at' })
  expiresAt: string;

  @Column({ type: 'varchar', name: 'used_at', nullable: true })
  usedAt: string | null;

  /** The NameID the invitation linked. */
  @Column({ type: 'varchar', name: 'used_extern_uid', nullable: true })
  usedExternUid: string | null;

  @Column({ type: 'varchar', name: 'revoked_at', nullable: true })
  revokedAt: string | null;

  @Column({ type: 'varchar', name: 'revoked_by_name', nullable: true })
  revokedByName: string | null;
}
