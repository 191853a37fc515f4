import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'groups' })
export class GroupEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar' })
  name: string;

  @Column({ type: 'varchar' })
  path: string;

  @Column({ type: 'varchar', name: 'path_lower' })
  pathLower: string;

  /** JSON array of lower-case domains; empty means every domain is allowed. */
  @Column({ type: 'text', name: 'allowed_email_domains' })
  allowedEmailDomains: string;

  /** JSON array of lower-case domains whose members are Enterprise users of the group. */
  @Column({ type: 'text', name: 'verified_domains' })
  verifiedDomains: string;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  @Column({ type: 'varchar', name: 'updated_at' })
  updatedAt: string;
}
