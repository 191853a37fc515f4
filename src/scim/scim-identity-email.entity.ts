import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One row per `emails` entry of a SCIM identity, so email filters are indexed SQL, not JSON scans. */
@Entity({ name: 'scim_identity_emails' })
export class ScimIdentityEmailEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'identity_id' })
  identityId: number;

  @Column({ type: 'varchar', name: 'value_lower' })
  valueLower: string;

  @Column({ type: 'varchar', name: 'type_lower', nullable: true })
  typeLower: string | null;

  @Column({ type: 'boolean', name: 'is_primary' })
  isPrimary: boolean;
}
