import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Assertion ids already accepted (replay cache), kept until the assertion would expire anyway. */
@Entity({ name: 'saml_assertions' })
export class SamlAssertionEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string;

  @Column({ type: 'varchar', name: 'expires_at' })
  expiresAt: string;
}
