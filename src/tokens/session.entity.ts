import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Server-side sessions, so several Roster processes behind one balancer share them. */
@Entity({ name: 'sessions' })
export class SessionEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', name: 'session_digest' })
  sessionDigest: string;

  @Column({ type: 'integer', name: 'user_id' })
  userId: number;

  @Column({ type: 'varchar', name: 'csrf_token' })
  csrfToken: string;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  @Column({ type: 'varchar', name: 'last_seen_at' })
  lastSeenAt: string;

  @Column({ type: 'varchar', name: 'expires_at' })
  expiresAt: string;

  /** The provider ('group:<id>' / 'instance') whose SAML sign-in made this session; null for other sign-ins. */
  @Column({ type: 'varchar', name: 'saml_scope_key', nullable: true })
  samlScopeKey: string | null;

  /** The NameID (exact), its Format and the IdP's SessionIndex of that sign-in: what a LogoutRequest names. */
  @Column({ type: 'varchar', name: 'saml_name_id', nullable: true })
  samlNameId: string | null;

  @Column({ type: 'varchar', name: 'saml_name_id_format', nullable: true })
  samlNameIdFormat: string | null;

  @Column({ type: 'varchar', name: 'saml_session_index', nullable: true })
  samlSessionIndex: string | null;
}
