import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A provider's own SP key pair: the newest one signs Roster's logout messages and is the one the
 * metadata offers for encryption; older ones still decrypt until an owner removes them (rotation).
 */
@Entity({ name: 'saml_sp_keys' })
export class SamlSpKeyEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'group_id', nullable: true })
  groupId: number | null;

  /** 'group:<id>' or 'instance', as saml_providers.scope_key. */
  @Column({ type: 'varchar', name: 'scope_key' })
  scopeKey: string;

  /** PEM of the self-signed certificate (public). */
  @Column({ type: 'text' })
  certificate: string;

  /** The PKCS#8 PEM private key sealed with AES-256-GCM (secret-box.ts); never stored in clear. */
  @Column({ type: 'text', name: 'private_key_encrypted' })
  privateKeyEncrypted: string;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;
}
