import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A SCIM identity: (scope, user, extern_uid, active) plus the attributes exactly as the IdP sent
 * them. The `*_lower` columns exist only so filters compile to indexed, case-insensitive SQL.
 */
@Entity({ name: 'scim_identities' })
export class ScimIdentityEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'group_id', nullable: true })
  groupId: number | null;

  @Column({ type: 'integer', name: 'user_id' })
  userId: number;

  @Column({ type: 'varchar', name: 'extern_uid' })
  externUid: string;

  @Column({ type: 'varchar', name: 'extern_uid_lower' })
  externUidLower: string;

  @Column({ type: 'boolean' })
  active: boolean;

  @Column({ type: 'varchar', name: 'user_name_lower' })
  userNameLower: string;

  @Column({ type: 'varchar', name: 'display_name_lower', nullable: true })
  displayNameLower: string | null;

  @Column({ type: 'varchar', name: 'name_formatted_lower', nullable: true })
  nameFormattedLower: string | null;

  @Column({ type: 'varchar', name: 'given_name_lower', nullable: true })
  givenNameLower: string | null;

  @Column({ type: 'varchar', name: 'family_name_lower', nullable: true })
  familyNameLower: string | null;

  /** JSON of the SCIM User attributes as sent (no id, meta or password). */
  @Column({ type: 'text' })
  attributes: string;

  /** Incremented on every change; rendered as meta.version W/"n". */
  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  @Column({ type: 'varchar', name: 'updated_at' })
  updatedAt: string;
}
