import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The IdP group names of a person's newest SAML sign-in to a group that carried the groups attribute. */
@Entity({ name: 'saml_group_assertions' })
export class SamlGroupAssertionEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'group_id' })
  groupId: number;

  @Column({ type: 'integer', name: 'user_id' })
  userId: number;

  /** A JSON array of names. */
  @Column({ type: 'text' })
  names: string;

  @Column({ type: 'varchar', name: 'updated_at' })
  updatedAt: string;
}
