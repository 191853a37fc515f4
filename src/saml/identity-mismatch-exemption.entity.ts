import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An Owner's "expected: this person does not sign in with SAML" for one group (a break-glass
 * account, a service account): the report does not count them as not linked or without a SCIM
 * identity. Instance admins are expected without a row.
 */
@Entity({ name: 'identity_mismatch_exemptions' })
export class IdentityMismatchExemptionEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'group_id' })
  groupId: number;

  @Column({ type: 'integer', name: 'user_id' })
  userId: number;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;
}
