import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AccessLevel } from './member.entity.js';

/** SAML SSO settings of a group (group_id) or of the instance (group_id NULL). */
@Entity({ name: 'saml_providers' })
export class SamlProviderEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer', name: 'group_id', nullable: true })
  groupId: number | null;

  /** 'group:<id>' or 'instance'; unique, so each scope has at most one provider. */
  @Column({ type: 'varchar', name: 'scope_key' })
  scopeKey: string;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ type: 'boolean', name: 'enforced_sso' })
  enforcedSso: boolean;

  @Column({ type: 'integer', name: 'default_membership_role' })
  defaultMembershipRole: AccessLevel;

  @Column({ type: 'varchar', name: 'sso_url', nullable: true })
  ssoUrl: string | null;

  /** PEM of the IdP's signing certificate. */
  @Column({ type: 'text', nullable: true })
  certificate: string | null;

  /** The assertion attribute that carries the person's IdP groups; null means `groups` (docs/group-sync.md). */
  @Column({ type: 'varchar', name: 'groups_attribute', nullable: true })
  groupsAttribute: string | null;
  /** Send a welcome email (group name, SSO URL) when SCIM creates or links an account. */
  @Column({ type: 'boolean', name: 'welcome_email' })
  welcomeEmail: boolean;

  /** Also when a removed person is added back. */
  @Column({ type: 'boolean', name: 'welcome_email_on_reactivation' })
  welcomeEmailOnReactivation: boolean;

  /** PEM of a second accepted IdP signing certificate (rotation: the IdP's next or previous one). */
  @Column({ type: 'text', name: 'secondary_certificate', nullable: true })
  secondaryCertificate: string | null;

  /** The IdP's entity id; when set, every Issuer of a response must be exactly this. */
  @Column({ type: 'varchar', name: 'idp_entity_id', nullable: true })
  idpEntityId: string | null;

  /** Responses must sign the Assertion itself (a Response-level signature alone is refused); the SP metadata's WantAssertionsSigned. */
  @Column({ type: 'boolean', name: 'want_assertions_signed', default: false })
  wantAssertionsSigned: boolean;

  /** The IdP's SingleLogoutService (HTTP-Redirect): where Roster's sign-out sends a LogoutRequest. */
  @Column({ type: 'varchar', name: 'slo_url', nullable: true })
  sloUrl: string | null;

  /** Assertions in clear are refused: the IdP must encrypt to the provider's SP key. */
  @Column({ type: 'boolean', name: 'require_encrypted_assertions', default: false })
  requireEncryptedAssertions: boolean;

  @Column({ type: 'varchar', name: 'created_at' })
  createdAt: string;

  @Column({ type: 'varchar', name: 'updated_at' })
  updatedAt: string;
}
