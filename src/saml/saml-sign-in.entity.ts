import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A sign-in observation: every valid SAML response, accepted or refused, with the NameID it carried. */
@Entity({ name: 'saml_sign_ins' })
export class SamlSignInEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'group_id', nullable: true })
  groupId: number | null;

  @Column({ type: 'varchar', name: 'name_id' })
  nameId: string;

  @Column({ type: 'varchar', nullable: true })
  email: string | null;

  @Column({ type: 'integer', name: 'user_id', nullable: true })
  userId: number | null;

  @Column({ type: 'varchar' })
  outcome: string;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  /** A link offer's asserted groups (JSON array), applied when the person presses Authorize; else null. */
  @Column({ type: 'text', name: 'asserted_groups', nullable: true })
  assertedGroups: string | null;
}
