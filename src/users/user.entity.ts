import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type UserState = 'active' | 'blocked';

/** A platform account. `*_lower` columns back the case-insensitive unique indexes and lookups. */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar' })
  username: string;

  @Column({ type: 'varchar', name: 'username_lower' })
  usernameLower: string;

  @Column({ type: 'varchar' })
  name: string;

  @Column({ type: 'varchar' })
  email: string;

  @Column({ type: 'varchar', name: 'email_lower' })
  emailLower: string;

  @Column({ type: 'varchar' })
  state: UserState;

  @Column({ type: 'boolean', name: 'is_admin' })
  isAdmin: boolean;

  /** The group whose SCIM provisioning created this account (an Enterprise user of that group). */
  @Column({ type: 'integer', name: 'enterprise_group_id', nullable: true })
  enterpriseGroupId: number | null;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  @Column({ type: 'varchar', name: 'updated_at' })
  updatedAt: string;
}
