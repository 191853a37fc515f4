import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One member of a SCIM group: a SCIM identity of the same scope. One row each, so a change is O(1). */
@Entity({ name: 'scim_group_members' })
export class ScimGroupMemberEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'scim_group_id' })
  scimGroupId: number;

  @Column({ type: 'integer', name: 'identity_id' })
  identityId: number;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;
}
