import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** GitLab's access levels: 5 Minimal Access, 10 Guest, 15 Planner, 20 Reporter, 30 Developer, 40 Maintainer, 50 Owner. */
export const ACCESS_LEVELS = [5, 10, 15, 20, 30, 40, 50] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];
export const OWNER: AccessLevel = 50;
export const GUEST: AccessLevel = 10;

/**
 * Where a membership's role comes from (docs/group-sync.md): set by hand, the provider's default
 * role given by SCIM provisioning or at a SAML sign-in, or group sync (SAML Group Links).
 */
export const ROLE_SOURCES = ['manual', 'scim_provisioning', 'saml_sign_in', 'group_sync'] as const;
export type RoleSource = (typeof ROLE_SOURCES)[number];

@Entity({ name: 'members' })
export class MemberEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'group_id' })
  groupId: number;

  @Column({ type: 'integer', name: 'user_id' })
  userId: number;

  @Column({ type: 'integer', name: 'access_level' })
  accessLevel: AccessLevel;

  /** A calendar date (`YYYY-MM-DD`), or null for a membership without end. */
  @Column({ type: 'varchar', name: 'expires_at', nullable: true })
  expiresAt: string | null;

  @Column({ type: 'varchar', name: 'role_source' })
  roleSource: RoleSource;

  /** While the role comes from group sync: the role the member had without it (null: none, only there through sync). */
  @Column({ type: 'integer', name: 'base_access_level', nullable: true })
  baseAccessLevel: AccessLevel | null;

  @Column({ type: 'varchar', name: 'base_role_source', nullable: true })
  baseRoleSource: RoleSource | null;

  /** While the role comes from group sync: a JSON array of the names of the links that give it. */
  @Column({ type: 'text', name: 'sync_links', nullable: true })
  syncLinks: string | null;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  @Column({ type: 'varchar', name: 'updated_at' })
  updatedAt: string;
}
