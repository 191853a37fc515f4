import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AccessLevel } from '../groups/member.entity.js';

/** A SAML Group Link: members of the IdP group `name` get `accessLevel` in the Roster group. */
@Entity({ name: 'saml_group_links' })
export class SamlGroupLinkEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'group_id' })
  groupId: number;

  /** The IdP group name exactly as the IdP sends it (Entra's SAML claim: the group's object id). */
  @Column({ type: 'varchar' })
  name: string;

  @Column({ type: 'integer', name: 'access_level' })
  accessLevel: AccessLevel;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;
}
