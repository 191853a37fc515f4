import type { RefusalContext } from './saml-sign-in.errors.js';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { generateServiceProviderMetadata } from '@node-saml/node-saml';
import { isoPlus, nowIso } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { groupScope, INSTANCE, Scope, scopeGroupId } from '../common/scope.js';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.service.js';
import type { GroupEntity } from '../groups/group.entity.js';
import { GroupsService } from '../groups/groups.service.js';
import type { SamlProviderEntity } from '../groups/saml-provider.entity.js';
import { SamlProviderService } from '../groups/saml-provider.service.js';
import { SamlRefusal } from './saml-sign-in.errors.js';
import { SamlRequestsRepository } from './saml-requests.repository.js';
import { nodeSaml } from './saml-response-validator.js';
import { SamlSpKeysService } from './sp-keys/saml-sp-keys.service.js';
import { groupServiceProvider, instanceServiceProvider, safeRelayPath, ServiceProvider } from './service-provider.js';

/** How long an issued AuthnRequest may be answered: long enough for a password reset and MFA at the IdP. */
export const AUTHN_REQUEST_TTL_MS = 30 * 60 * 1000;
const NAME_ID_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';

/** What the pages call the instance where they would name a group. */
export const INSTANCE_DISPLAY_NAME = 'Roster';

/** A group's or the instance's service provider with its settings, as every SAML page needs it. */
export interface SpContext {
  /** The group, or null for the instance provider (self-managed sign-in). */
  group: GroupEntity | null;
  scope: Scope;
  /** Who asks to sign the person in, in page text: the group's name, or the instance's. */
  displayName: string;
  sp: ServiceProvider;
  /** Whether the stored settings (enabled or not) want the Assertion signed: the metadata says so. */
  wantAssertionsSigned: boolean;
  /** The provider when it is enabled and complete (sso_url and certificate), else null. */
  provider: (SamlProviderEntity & { ssoUrl: string; certificate: string }) | null;
}

export function refusalContext(ctx: SpContext): RefusalContext {
  return { groupName: ctx.displayName, ssoUrl: ctx.sp.ssoUrl, troubleshootUrl: ctx.sp.troubleshootUrl, scope: ctx.scope.kind };
}

/** The SP side that needs no decision: finding the group's or instance's provider, its metadata, the SSO start. */
@Injectable()
export class SamlServiceProviderService {
  constructor(
    private readonly db: Database,
    private readonly groups: GroupsService,
    private readonly providers: SamlProviderService,
    private readonly requests: SamlRequestsRepository,
    private readonly spKeys: SamlSpKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The context of the provider a session's SAML sign-in came from ('group:<id>' or 'instance'), or null when it is gone. */
  async contextForScopeKey(key: string): Promise<SpContext | null> {
    if (key === 'instance') return this.instanceContext();
    const match = /^group:(\d+)$/.exec(key);
    if (!match) return null;
    try {
      return await this.context(match[1]);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'not_found') return null;
      throw error;
    }
  }

  async context(groupRef: string): Promise<SpContext> {
    const group = await this.groups.findByRef(groupRef);
    if (!group) throw new DomainError('not_found', 'There is no group at this address.');
    return this.withProvider({ group, scope: groupScope(group.id), displayName: group.name, sp: groupServiceProvider(this.config.baseUrl, group) });
  }

  /** The instance provider (saml_providers row with group_id NULL), at /users/auth/saml/. */
  instanceContext(): Promise<SpContext> {
    return this.withProvider({ group: null, scope: INSTANCE, displayName: INSTANCE_DISPLAY_NAME, sp: instanceServiceProvider(this.config.baseUrl) });
  }

  private async withProvider(base: Pick<SpContext, 'group' | 'scope' | 'displayName' | 'sp'>): Promise<SpContext> {
    const provider = await this.providers.find(base.scope);
    const usable = provider?.enabled && provider.ssoUrl && provider.certificate ? (provider as SpContext['provider']) : null;
    return { ...base, wantAssertionsSigned: provider?.wantAssertionsSigned ?? false, provider: usable };
  }

  /**
   * SP metadata for the IdP administrator. Served whether or not SSO is enabled yet: the IdP is
   * usually set up from this document before the group has the IdP's certificate.
   */
  async metadata(ctx: SpContext): Promise<string> {
    // The provider's current SP key: it signs logout messages and is the one IdPs encrypt to.
    const key = await this.spKeys.current(ctx.scope);
    const xml = generateServiceProviderMetadata({
      issuer: ctx.sp.entityId,
      callbackUrl: ctx.sp.acsUrl,
      identifierFormat: NAME_ID_FORMAT,
      // What the callback really requires (saml.md: the Response or the Assertion signed, unless
      // the owner chose "responses must sign the Assertion").
      wantAssertionsSigned: ctx.wantAssertionsSigned,
      decryptionPvk: key.privateKey,
      decryptionCert: key.certificate,
      logoutCallbackUrl: ctx.sp.sloUrl,
    });
    // node-saml leaves the attribute out when false (the schema's default); said explicitly, an IdP
    // administrator reading the metadata need not know the default.
    const withFlag = ctx.wantAssertionsSigned ? xml : xml.replace(/<SPSSODescriptor(?![^>]*WantAssertionsSigned)/, '<SPSSODescriptor WantAssertionsSigned="false"');
    return withSigningKeyAndRedirectSlo(withFlag, key.certificate, ctx.sp.sloUrl);
  }

  /**
   * The SSO start: records a fresh AuthnRequest id (so its InResponseTo is accepted once, by any
   * process) and returns the IdP URL carrying the deflated request and the RelayState. A start from
   * a link invitation records the invitation with the request: the signed InResponseTo of the
   * answer then says which account the NameID is for.
   */
  async startUrl(ctx: SpContext, redirectTo: unknown, linkInvitationId: number | null = null): Promise<string> {
    if (!ctx.provider) throw new SamlRefusal('not_enabled', refusalContext(ctx));
    const requestId = `_${randomBytes(20).toString('hex')}`;
    const now = nowIso();
    await this.db.transaction(async (tx) => {
      await this.requests.deleteExpired(tx, now);
      await this.requests.insert(tx, { id: requestId, groupId: scopeGroupId(ctx.scope), createdAt: now, expiresAt: isoPlus(AUTHN_REQUEST_TTL_MS), linkInvitationId });
    });
    const relayState = safeRelayPath(redirectTo, this.config.baseUrl);
    return nodeSaml(ctx.sp, ctx.provider.certificate, ctx.provider.ssoUrl, requestId).getAuthorizeUrlAsync(relayState, undefined, {});
  }
}

/**
 * node-saml's metadata knows one SLO binding (POST) and publishes a signing key only when it
 * signs AuthnRequests (Roster does not: the IdPs it targets do not ask for it). Roster signs its
 * logout messages, so the metadata adds the signing KeyDescriptor and the HTTP-Redirect
 * SingleLogoutService, in the schema's order (KeyDescriptors, then SLO services, then NameIDFormat).
 */
export function withSigningKeyAndRedirectSlo(xml: string, certificatePem: string, sloUrl: string): string {
  const base64 = certificatePem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const signing = `<KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${base64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>`;
  const redirect = `<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${escapeXmlAttribute(sloUrl)}"/>`;
  const withKey = xml.replace('<KeyDescriptor use="encryption">', `${signing}<KeyDescriptor use="encryption">`);
  const withSlo = withKey.replace(/<SingleLogoutService /, `${redirect}<SingleLogoutService `);
  if (withKey === xml || withSlo === withKey) throw new Error('SP metadata is not in the shape node-saml generates');
  return withSlo;
}

function escapeXmlAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}
