import type { GroupEntity } from '../groups/group.entity.js';
import { groupDomains } from '../groups/groups.service.js';
import type { SamlProviderEntity } from '../groups/saml-provider.entity.js';
import type { PersonalAccessTokenEntity } from '../tokens/personal-access-token.entity.js';
import { isExpired, parseStoredScopes } from '../tokens/pat-scopes.js';
import { certificateSummary } from '../groups/saml-provider.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { groupServiceProvider, instanceServiceProvider } from '../saml/service-provider.js';

/**
 * GitLab's UserBasic: what anyone signed in may see of an account (no email, no identities).
 * Roster has no avatars and no lockouts: `avatar_url` is null and `locked` false, as GitLab sends them.
 */
export function publicUserView(user: UserEntity, baseUrl: string) {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: user.state,
    locked: false,
    avatar_url: null,
    web_url: `${baseUrl}/${encodeURIComponent(user.username)}`,
  };
}

/** Explicit response mappers: what the admin API returns is decided here, never by an entity. */
export function userView(user: UserEntity, baseUrl: string) {
  return {
    ...publicUserView(user, baseUrl),
    email: user.email,
    is_admin: user.isAdmin,
    enterprise_group_id: user.enterpriseGroupId,
    created_at: user.createdAt,
  };
}

export function groupView(group: GroupEntity, baseUrl: string) {
  const { allowed, verified } = groupDomains(group);
  return {
    id: group.id,
    name: group.name,
    path: group.path,
    full_path: group.path,
    web_url: `${baseUrl}/groups/${group.path}`,
    allowed_email_domains: allowed,
    verified_domains: verified,
    created_at: group.createdAt,
  };
}

/** SAML SP endpoints (saml.md) of a group, or of the instance (null) at /users/auth/saml/. */
export function samlEndpoints(baseUrl: string, group: GroupEntity | null) {
  const sp = group ? groupServiceProvider(baseUrl, group) : instanceServiceProvider(baseUrl);
  return { sp_entity_id: sp.entityId, acs_url: sp.acsUrl, metadata_url: sp.metadataUrl, sso_start_url: sp.ssoUrl };
}

export function samlProviderView(provider: SamlProviderEntity | null, baseUrl: string, group: GroupEntity | null) {
  return {
    configured: provider !== null,
    enabled: provider?.enabled ?? false,
    enforced_sso: provider?.enforcedSso ?? false,
    default_membership_role: provider?.defaultMembershipRole ?? 10,
    sso_url: provider?.ssoUrl ?? null,
    certificate: provider?.certificate ?? null,
    groups_attribute: provider?.groupsAttribute ?? 'groups',
    welcome_email: provider?.welcomeEmail ?? true,
    welcome_email_on_reactivation: provider?.welcomeEmailOnReactivation ?? false,
    secondary_certificate: provider?.secondaryCertificate ?? null,
    // Fingerprint, subject and expiry of each accepted certificate, with the 30-day warning.
    certificates: [provider?.certificate, provider?.secondaryCertificate].filter((pem): pem is string => !!pem).map((pem) => certificateSummary(pem)),
    idp_entity_id: provider?.idpEntityId ?? null,
    want_assertions_signed: provider?.wantAssertionsSigned ?? false,
    slo_url: provider?.sloUrl ?? null,
    require_encrypted_assertions: provider?.requireEncryptedAssertions ?? false,
    ...samlEndpoints(baseUrl, group),
  };
}

export function scimApiUrl(baseUrl: string, group: GroupEntity | null): string {
  return group ? `${baseUrl}/api/scim/v2/groups/${group.path}` : `${baseUrl}/api/scim/v2/application`;
}

/**
 * GitLab's PersonalAccessToken entity. `active` is false once revoked or expired; the secret itself
 * is never shown again after creation.
 */
export function patView(pat: PersonalAccessTokenEntity, now = new Date()) {
  const revoked = pat.revokedAt !== null;
  return {
    id: pat.id,
    name: pat.name,
    revoked,
    created_at: pat.createdAt,
    scopes: parseStoredScopes(pat.scopes),
    user_id: pat.userId,
    last_used_at: pat.lastUsedAt,
    active: !revoked && !isExpired(pat.expiresAt, now),
    expires_at: pat.expiresAt,
  };
}
