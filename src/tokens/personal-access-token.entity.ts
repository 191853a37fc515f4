import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Only the SHA-256 digest of a token is kept; the secret is shown once when created. */
@Entity({ name: 'personal_access_tokens' })
export class PersonalAccessTokenEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'user_id' })
  userId: number;

  @Column({ type: 'varchar' })
  name: string;

  @Column({ type: 'varchar', name: 'token_digest' })
  tokenDigest: string;

  @Column({ type: 'varchar', name: 'token_prefix' })
  tokenPrefix: string;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  @Column({ type: 'varchar', name: 'last_used_at', nullable: true })
  lastUsedAt: string | null;

  @Column({ type: 'varchar', name: 'revoked_at', nullable: true })
  revokedAt: string | null;

  /** Comma-separated PAT_SCOPES (`api`, `read_api`, `read_user`). */
  @Column({ type: 'varchar' })
  scopes: string;

  /** A calendar day (`YYYY-MM-DD`): the token stops working at 00:00 UTC that day, as GitLab's. Null: never. */
  @Column({ type: 'varchar', name: 'expires_at', nullable: true })
  expiresAt: string | null;
}
