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
}
