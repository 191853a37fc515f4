import { Column, Entity, PrimaryColumn } from 'typeorm';

/** AuthnRequests this SP issued, so InResponseTo can be matched once, across processes. */
@Entity({ name: 'saml_requests' })
export class SamlRequestEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string;

  @Column({ type: 'integer', name: 'group_id', nullable: true })
  groupId: number | null;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  @Column({ type: 'varchar', name: 'expires_at' })
  expiresAt: string;

  @Column({ type: 'varchar', name: 'used_at', nullable: true })
  usedAt: string | null;

  /** The link invitation this sign-in was started from (its response links that account), else null. */
  @Column({ type: 'integer', name: 'link_invitation_id', nullable: true })
  linkInvitationId: number | null;
}
