import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** What SAML sign-in matches the NameID against (exact match), per provider scope. */
@Entity({ name: 'saml_identities' })
export class SamlIdentityEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'group_id', nullable: true })
  groupId: number | null;

  @Column({ type: 'integer', name: 'user_id' })
  userId: number;

  @Column({ type: 'varchar', name: 'extern_uid' })
  externUid: string;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  @Column({ type: 'varchar', name: 'updated_at' })
  updatedAt: string;
}
