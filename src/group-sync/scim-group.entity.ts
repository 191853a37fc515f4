import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A group an IdP pushed over SCIM, in a group's scope (group_id) or the instance's (NULL). */
@Entity({ name: 'scim_groups' })
export class ScimGroupEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'group_id', nullable: true })
  groupId: number | null;

  /** 'group:<id>' or 'instance': displayName is unique (case-insensitively) per scope_key. */
  @Column({ type: 'varchar', name: 'scope_key' })
  scopeKey: string;

  /** The SCIM `id` Roster assigned. */
  @Column({ type: 'varchar', name: 'resource_id' })
  resourceId: string;

  @Column({ type: 'varchar', name: 'display_name' })
  displayName: string;

  @Column({ type: 'varchar', name: 'display_name_lower' })
  displayNameLower: string;

  @Column({ type: 'varchar', name: 'external_id', nullable: true })
  externalId: string | null;

  /** Kept with each member row added or removed, so reads never count 100,000 rows. */
  @Column({ type: 'integer', name: 'member_count' })
  memberCount: number;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  @Column({ type: 'varchar', name: 'updated_at' })
  updatedAt: string;
}
