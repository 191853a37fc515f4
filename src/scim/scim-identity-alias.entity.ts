import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A previous `extern_uid` of a SCIM identity that still addresses it: Okta and Entra keep the SCIM
 * `id` they were given at creation, so after the id changes (a Resolve, the admin identity API, a
 * SCIM PATCH of externalId) `Users/<previous>` must keep reaching the same person until the IdP
 * uses the new id or an owner drops the alias.
 */
@Entity({ name: 'scim_identity_aliases' })
export class ScimIdentityAliasEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'group_id', nullable: true })
  groupId: number | null;

  @Column({ type: 'integer', name: 'identity_id' })
  identityId: number;

  @Column({ type: 'varchar', name: 'extern_uid' })
  externUid: string;

  @Column({ type: 'varchar', name: 'extern_uid_lower' })
  externUidLower: string;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;
}
