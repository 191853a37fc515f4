import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import type { Profile } from '@node-saml/node-saml';
import { systemActor } from '../common/actor.js';
import type { Actor, RequestOrigin } from '../common/actor.js';
import { isoPlus, nowIso } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { scopeGroupId, scopeKey } from '../common/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, isUniqueViolation } from '../database/database.service.js';
import type { Tx } from '../database/database.service.js';
import type { SamlSessionOrigin } from '../tokens/sessions.service.js';
import { SessionsService } from '../tokens/sessions.service.js';
import { checkLogoutMessage, InvalidLogoutMessage, LOGOUT_MAX_AGE_MS, readPostLogout, readRedirectLogout } from './saml-logout-messages.js';
import type { LogoutMessage, ReadLogout } from './saml-logout-messages.js';
import { SamlAssertionsRepository } from './saml-assertions.repository.js';
import { CLOCK_SKEW_MS } from './saml-response-validator.js';
import { SamlRequestsRepository } from './saml-requests.repository.js';
import type { SpContext } from './saml-service-provider.service.js';
import { SamlSpKeysService } from './sp-keys/saml-sp-keys.service.js';
import { AUTHN_REQUEST_TTL_MS } from './saml-service-provider.service.js';

/** What the SLO endpoint answers: a redirect (to the IdP, or into the UI) or a page. */
export type SloOutcome = { redirect: string } | { signedOut: true };

/** How a logout message reached the SLO endpoint. */
export type SloInput = { binding: 'redirect'; rawQuery: string } | { binding: 'post'; form: Record<string, string> };

/**
 * Single logout with the provider's IdP (saml.md), both ways. Roster's sign-out sends the IdP a
 * signed LogoutRequest (HTTP-Redirect) for a session its SAML sign-in made; the IdP's LogoutRequest
 * (signature required, Issuer checked when set) ends that NameID's sessions of this provider and is
 * answered with a signed LogoutResponse; the IdP's LogoutResponse must answer a request Roster sent.
 */
@Injectable()
export class SamlLogoutService {
  constructor(
    private readonly db: Database,
    private readonly keys: SamlSpKeysService,
    private readonly requests: SamlRequestsRepository,
    private readonly assertions: SamlAssertionsRepository,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * The IdP URL carrying a signed LogoutRequest for a session of this provider, or null when the
   * provider has no SLO URL (or is off): the session then just ends here. The request id is
   * recorded so the IdP's LogoutResponse is accepted once.
   */
  async logoutRequestUrl(ctx: SpContext, session: SamlSessionOrigin, userId: number, actor: Actor): Promise<string | null> {
    const provider = ctx.provider;
    if (!provider?.sloUrl || session.scopeKey !== scopeKey(ctx.scope)) return null;
    const key = await this.keys.current(ctx.scope);
    const requestId = `_${randomBytes(20).toString('hex')}`;
    const now = nowIso();
    await this.db.transaction(async (tx) => {
      await this.requests.deleteExpired(tx, now);
      await this.requests.insert(tx, { id: requestId, groupId: scopeGroupId(ctx.scope), createdAt: now, expiresAt: isoPlus(AUTHN_REQUEST_TTL_MS) });
      await this.audit.record(tx, {
        name: 'saml_logout_requested',
        actor,
        scope: ctx.scope,
        target: { type: 'User', id: userId },
        details: { name_id: session.nameId, session_index: session.sessionIndex, request_id: requestId, slo_url: provider.sloUrl },
      });
    });
    const user = {
      nameID: session.nameId,
      nameIDFormat: session.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      sessionIndex: session.sessionIndex ?? undefined,
    } as Profile;
    return this.saml(ctx, provider.sloUrl, key.privateKey, requestId).getLogoutUrlAsync(user, '', {});
  }

  /** The SLO endpoint: an IdP's LogoutRequest or its LogoutResponse, in either binding. */
  async handle(ctx: SpContext, input: SloInput, origin: RequestOrigin): Promise<SloOutcome> {
    const provider = ctx.provider;
    if (!provider) throw new DomainError('not_configured', 'SAML single sign-on is not enabled here.');
    const certificates = [provider.certificate, provider.secondaryCertificate].filter((c): c is string => !!c);
    let read: ReadLogout;
    try {
      read = input.binding === 'redirect' ? await readRedirectLogout(input.rawQuery, certificates) : await readPostLogout(input.form, certificates);
      checkLogoutMessage(read.message, { spSloUrl: ctx.sp.sloUrl, idpEntityId: provider.idpEntityId });
    } catch (error) {
      if (!(error instanceof InvalidLogoutMessage)) throw error;
      await this.refuse(ctx, error, origin);
    }
    const { message } = read!;
    if (message.kind === 'LogoutRequest') return this.idpLogout(ctx, read!, origin);
    // The IdP's answer to Roster's request: it must answer one Roster sent, once. The request is
    // used up and the audit event records it in one transaction: both commit, or neither.
    const consumed =
      message.inResponseTo !== null &&
      (await this.db.transaction(async (tx) => {
        const used = await this.requests.consume(tx, message.inResponseTo!, scopeGroupId(ctx.scope), nowIso());
        if (used) {
          await this.audit.record(tx, { name: 'saml_logout_completed', actor: systemActor(origin), scope: ctx.scope, details: { in_response_to: message.inResponseTo, issuer: message.issuer } });
        }
        return used;
      }));
    if (!consumed)
      await this.refuse(ctx, new InvalidLogoutMessage('in_response_to_mismatch', `InResponseTo ${String(message.inResponseTo).slice(0, 100)} does not answer a logout request Roster sent`), origin);
    return { signedOut: true };
  }

  private async idpLogout(ctx: SpContext, read: ReadLogout, origin: RequestOrigin): Promise<SloOutcome> {
    const { message } = read;
    // A LogoutRequest is accepted once, like an assertion: a captured one sent again within its
    // time window would otherwise end the person's newer sessions. Its ID is kept in the replay
    // cache (every process sees it) until the window has closed; of two deliveries at once, the
    // second fails on the cache's primary key.
    const replayKey = `logout:${scopeKey(ctx.scope)}:${message.id}`;
    const now = new Date();
    let replayed: boolean;
    try {
      replayed = await this.db.transaction(async (tx) => {
        if (await this.assertions.seen(tx, replayKey)) return true;
        await this.assertions.deleteExpired(tx, now.toISOString());
        await this.assertions.remember(tx, replayKey, isoPlus(LOGOUT_MAX_AGE_MS + 2 * CLOCK_SKEW_MS, now));
        await this.endSessions(tx, ctx, message, origin);
        return false;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      replayed = true;
    }
    if (replayed) await this.refuse(ctx, new InvalidLogoutMessage('replayed', `the LogoutRequest ${message.id.slice(0, 100)} was already accepted`), origin);
    const sloUrl = ctx.provider!.sloUrl;
    if (!sloUrl) return { signedOut: true };
    const key = await this.keys.current(ctx.scope);
    const url = await this.saml(ctx, sloUrl, key.privateKey).getLogoutResponseUrlAsync({ ID: message.id } as unknown as Profile, read.relayState ?? '', {}, true);
    return { redirect: url };
  }

  /** The sessions end and the audit event records it in the caller's transaction: both commit, or neither. */
  private async endSessions(tx: Tx, ctx: SpContext, message: LogoutMessage, origin: RequestOrigin): Promise<void> {
    const ended = await this.sessions.endSamlSessions(tx, scopeKey(ctx.scope), message.nameId!);
    await this.audit.record(tx, {
      name: 'saml_logout_by_idp',
      actor: systemActor(origin),
      scope: ctx.scope,
      details: { name_id: message.nameId, session_indexes: message.sessionIndexes, sessions_ended: ended.sessions, user_ids: ended.userIds, request_id: message.id },
    });
  }

  private async refuse(ctx: SpContext, error: InvalidLogoutMessage, origin: RequestOrigin): Promise<never> {
    await this.db.transaction((tx) => this.audit.record(tx, { name: 'saml_logout_refused', actor: systemActor(origin), scope: ctx.scope, details: { reason: error.reason, detail: error.detail } }));
    throw new DomainError('validation', `Single logout failed: the identity provider’s message was not accepted (${error.reason}).`);
  }

  /** node-saml as the logout message builder: signs HTTP-Redirect messages with the provider's SP key. */
  private saml(ctx: SpContext, sloUrl: string, privateKey: string, requestId?: string): SAML {
    return new SAML({
      issuer: ctx.sp.entityId,
      callbackUrl: ctx.sp.acsUrl,
      idpCert: ctx.provider!.certificate,
      entryPoint: sloUrl,
      logoutUrl: sloUrl,
      privateKey,
      signatureAlgorithm: 'sha256',
      validateInResponseTo: ValidateInResponseTo.never,
      ...(requestId ? { generateUniqueId: () => requestId } : {}),
    });
  }
}
