import { AuditEventEntity } from '../audit/audit-event.entity.js';
import { SamlGroupAssertionEntity } from '../group-sync/saml-group-assertion.entity.js';
import { SamlGroupLinkEntity } from '../group-sync/saml-group-link.entity.js';
import { ScimGroupMemberEntity } from '../group-sync/scim-group-member.entity.js';
import { ScimGroupEntity } from '../group-sync/scim-group.entity.js';
import { GroupEntity } from '../groups/group.entity.js';
import { MemberEntity } from '../groups/member.entity.js';
import { SamlProviderEntity } from '../groups/saml-provider.entity.js';
import { SamlAssertionEntity } from '../saml/saml-assertion.entity.js';
import { SamlIdentityEntity } from '../saml/saml-identity.entity.js';
import { SamlRequestEntity } from '../saml/saml-request.entity.js';
import { SamlLinkInvitationEntity } from '../saml/saml-link-invitation.entity.js';
import { SamlSignInEntity } from '../saml/saml-sign-in.entity.js';
import { SamlSpKeyEntity } from '../saml/sp-keys/saml-sp-key.entity.js';
import { ScimIdentityEmailEntity } from '../scim/scim-identity-email.entity.js';
import { ScimIdentityEntity } from '../scim/scim-identity.entity.js';
import { ScimIdentityAliasEntity } from '../scim/scim-identity-alias.entity.js';
import { OutboxMessageEntity } from '../mail/outbox-message.entity.js';
import { ScimRequestEntity } from '../scim/scim-request.entity.js';
import { ScimRateBucketEntity } from '../scim/scim-rate-bucket.entity.js';
import { PersonalAccessTokenEntity } from '../tokens/personal-access-token.entity.js';
import { ScimTokenEntity } from '../tokens/scim-token.entity.js';
import { SessionEntity } from '../tokens/session.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { InitialSchema1763900000000 } from './migrations/1763900000000-initial-schema.js';
import { MemberPagingIndex1763900000001 } from './migrations/1763900000001-member-paging-index.js';
import { ScimUserNameUnique1763900000002 } from './migrations/1763900000002-scim-user-name-unique.js';
import { UsernamePrefixIndex1763950000000 } from './migrations/1763950000000-username-prefix-index.js';
import { ScopeRowCounts1764000000000 } from './migrations/1764000000000-scope-row-counts.js';
import { ScopeRowCountSlots1764100000000 } from './migrations/1764100000000-scope-row-count-slots.js';
import { RequestIdsAndRateBuckets1764900000000 } from './migrations/1764900000000-request-ids-and-rate-buckets.js';
import { MemberExpiresAt1765000000000 } from './migrations/1765000000000-member-expires-at.js';
import { PatScopesAndExpiry1765050000000 } from './migrations/1765050000000-pat-scopes-and-expiry.js';
import { SignInLookUpIndexes1765060000000 } from './migrations/1765060000000-sign-in-look-up-indexes.js';
import { IdentityMismatchExemptions1765070000000 } from './migrations/1765070000000-identity-mismatch-exemptions.js';
import { IdentityMismatchExemptionEntity } from '../saml/identity-mismatch-exemption.entity.js';
import { GroupSync1765100000000 } from './migrations/1765100000000-group-sync.js';
import { ScimIdentityAliases1765150000000 } from './migrations/1765150000000-scim-identity-aliases.js';
import { EmailOutbox1765200000000 } from './migrations/1765200000000-email-outbox.js';
import { SamlProviderIssuerAndAssertionSigning1765300000000 } from './migrations/1765300000000-saml-provider-issuer-and-assertion-signing.js';
import { SamlProviderSecondaryCertificate1765310000000 } from './migrations/1765310000000-saml-provider-secondary-certificate.js';
import { SamlProviderSloUrl1765700000000 } from './migrations/1765700000000-saml-provider-slo-url.js';
import { SamlSpKeys1765700000001 } from './migrations/1765700000001-saml-sp-keys.js';
import { SessionSamlOrigin1765700000002 } from './migrations/1765700000002-session-saml-origin.js';
import { SamlProviderRequireEncryptedAssertions1765700000003 } from './migrations/1765700000003-saml-provider-require-encrypted-assertions.js';
import { SignInAssertedGroups1765320000000 } from './migrations/1765320000000-sign-in-asserted-groups.js';
import { SamlLinkInvitations1765400000000 } from './migrations/1765400000000-saml-link-invitations.js';
import { MemberNameSearch1765500000000 } from './migrations/1765500000000-member-name-search.js';
import { MemberExpiryIndex1765800000000 } from './migrations/1765800000000-member-expiry-index.js';

/** Every entity, registered once here; each is read and written only by its owning module. */
export const ENTITIES = [
  UserEntity,
  GroupEntity,
  MemberEntity,
  SamlProviderEntity,
  PersonalAccessTokenEntity,
  ScimTokenEntity,
  SessionEntity,
  AuditEventEntity,
  ScimIdentityEntity,
  ScimIdentityEmailEntity,
  ScimRequestEntity,
  SamlIdentityEntity,
  SamlSignInEntity,
  SamlRequestEntity,
  SamlAssertionEntity,
  ScimRateBucketEntity,
  IdentityMismatchExemptionEntity,
  SamlGroupLinkEntity,
  SamlGroupAssertionEntity,
  ScimGroupEntity,
  ScimGroupMemberEntity,
  ScimIdentityAliasEntity,
  OutboxMessageEntity,
  SamlLinkInvitationEntity,
  SamlSpKeyEntity,
];

/** Migrations in order. A merged migration is never edited; add a new one. */
export const MIGRATIONS = [
  InitialSchema1763900000000,
  MemberPagingIndex1763900000001,
  ScimUserNameUnique1763900000002,
  UsernamePrefixIndex1763950000000,
  ScopeRowCounts1764000000000,
  ScopeRowCountSlots1764100000000,
  RequestIdsAndRateBuckets1764900000000,
  MemberExpiresAt1765000000000,
  PatScopesAndExpiry1765050000000,
  SignInLookUpIndexes1765060000000,
  IdentityMismatchExemptions1765070000000,
  GroupSync1765100000000,
  ScimIdentityAliases1765150000000,
  EmailOutbox1765200000000,
  SamlProviderIssuerAndAssertionSigning1765300000000,
  SamlProviderSecondaryCertificate1765310000000,
  SignInAssertedGroups1765320000000,
  SamlLinkInvitations1765400000000,
  MemberNameSearch1765500000000,
  SamlProviderSloUrl1765700000000,
  SamlSpKeys1765700000001,
  SessionSamlOrigin1765700000002,
  SamlProviderRequireEncryptedAssertions1765700000003,
  MemberExpiryIndex1765800000000,
];
