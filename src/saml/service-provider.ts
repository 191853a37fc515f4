import type { GroupEntity } from '../groups/group.entity.js';

/**
 * A SAML service provider's endpoints (saml.md): a group's, or the instance's. The entity id doubles as the Audience an
 * assertion must name, and the ACS URL as its Destination and Recipient.
 */
export interface ServiceProvider {
  entityId: string;
  acsUrl: string;
  ssoUrl: string;
  /** Single logout (HTTP-Redirect and HTTP-POST): the IdP's LogoutRequest and LogoutResponse come here. */
  sloUrl: string;
  metadataUrl: string;
  authorizeUrl: string;
  /** The scope's sign-in troubleshooter in the admin UI (refusal pages point Owners or admins to it). */
  troubleshootUrl: string;
  /** The path prefix of every SAML page of the provider, e.g. `/groups/acme/-/saml` or `/users/auth/saml`. */
  pathPrefix: string;
}

export function groupServiceProvider(baseUrl: string, group: Pick<GroupEntity, 'path' | 'id'>): ServiceProvider {
  const entityId = `${baseUrl}/groups/${group.path}`;
  const pathPrefix = `/groups/${group.path}/-/saml`;
  return {
    entityId,
    acsUrl: `${baseUrl}${pathPrefix}/callback`,
    ssoUrl: `${baseUrl}${pathPrefix}/sso`,
    sloUrl: `${baseUrl}${pathPrefix}/slo`,
    metadataUrl: `${baseUrl}${pathPrefix}/metadata`,
    authorizeUrl: `${baseUrl}${pathPrefix}/authorize`,
    troubleshootUrl: `${baseUrl}/#/groups/${group.id}/saml/troubleshoot`,
    pathPrefix,
  };
}

/** Where the instance provider's pages live: GitLab self-managed's OmniAuth SAML paths. */
export const INSTANCE_SAML_PREFIX = '/users/auth/saml';

/**
 * The instance's service provider (self-managed sign-in). Its entity id is BASE_URL itself, as
 * GitLab's `issuer` is usually the instance URL; it cannot clash with a group's, which always ends
 * in `/groups/<path>`.
 */
export function instanceServiceProvider(baseUrl: string): ServiceProvider {
  return {
    entityId: baseUrl,
    acsUrl: `${baseUrl}${INSTANCE_SAML_PREFIX}/callback`,
    ssoUrl: `${baseUrl}${INSTANCE_SAML_PREFIX}/sso`,
    sloUrl: `${baseUrl}${INSTANCE_SAML_PREFIX}/slo`,
    metadataUrl: `${baseUrl}${INSTANCE_SAML_PREFIX}/metadata`,
    authorizeUrl: `${baseUrl}${INSTANCE_SAML_PREFIX}/authorize`,
    troubleshootUrl: `${baseUrl}/#/admin/sign-in-troubleshooter`,
    pathPrefix: INSTANCE_SAML_PREFIX,
  };
}

/** SAML pages live under /groups/<path>/-/saml/ and /users/auth/saml/; their errors are HTML pages, not JSON. */
export function isSamlPagePath(path: string): boolean {
  return /^\/groups\/[^/]+\/-\/saml(\/|$)/.test(path) || /^\/users\/auth\/saml(\/|$)/.test(path);
}

/**
 * Where to go after a sign-in: the RelayState when it is a path on this site, else the admin UI.
 * Anything else (another origin, `//host`, `/\host`, control characters) would make the ACS an open
 * redirect.
 */
export function safeRelayPath(relayState: unknown, baseUrl: string): string {
  if (typeof relayState !== 'string' || relayState.length === 0 || relayState.length > 2048) return '/';
  if (!relayState.startsWith('/') || relayState.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(relayState)) return '/';
  try {
    const base = new URL(baseUrl);
    const target = new URL(relayState, base);
    if (target.origin !== base.origin) return '/';
    return `${target.pathname}${target.search}${target.hash}`;
  } catch {
    return '/';
  }
}
