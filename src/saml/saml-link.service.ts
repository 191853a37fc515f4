import { Injectable } from '@nestjs/common';
import type { Actor, RequestOrigin } from '../common/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, isUniqueViolation, Tx } from '../database/database.service.js';
import { safeEqual } from '../tokens/secret.js';
import type { ResolvedSession } from '../tokens/sessions.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { SamlIdentitiesService } from './saml-identities.service.js';
import type { SamlSignInEntity } from './saml-sign-in.entity.js';
import { SamlRefusal } from './saml-sign-in.errors.js';
import { refusalContext, SpContext } from './saml-service-provider.service.js';
import { SamlSignInService, SignInSubject } from './saml-sign-in.service.js';
import { DEFAULT_GROUPS_ATTRIBUTE } from '../groups/saml-provider.service.js';
import { SamlSignInsService } from './saml-sign-ins.service.js';
import { scopeGroupId } from '../common/scope.js';

/** How long the "Allow <group> to sign you in with SAML?" page may be answered. */
export const LINK_OFFER_TTL_MS = 10 * 60 * 1000;

export interface AuthorizeForm {
  csrfToken: unknown;
  pending: unknown;
}

/**
 * saml.md outcome 2, second half: the signed-in person pressed Authorize. The pending link is the
 * sign-in observation the ACS stored for this user; the session's CSRF token proves the form came
 * from this browser's page, so another site cannot link an identity to someone's account.
 */
@Injectable()
export class SamlLinkService {
  constructor(
    private readonly db: Database,
    private readonly samlIdentities: SamlIdentitiesService,
    private readonly signIns: SamlSignInsService,
    private readonly signIn: SamlSignInService,
    private readonly audit: AuditService,
  ) {}

  authorize(ctx: SpContext, session: ResolvedSession | null, form: AuthorizeForm, origin: RequestOrigin): Promise<UserEntity> {
    return this.signIn.counted(
      () => this.authorizeLink(ctx, session, form, origin),
      () => 'linked',
    );
  }

  private async authorizeLink(ctx: SpContext, session: ResolvedSession | null, form: AuthorizeForm, origin: RequestOrigin): Promise<UserEntity> {
    if (!ctx.provider) throw await this.signIn.refuseAlone(ctx, origin, 'not_enabled', {});
    if (!session) throw await this.signIn.refuseAlone(ctx, origin, 'session_required', {});
    const actor: Actor = { id: session.user.id, name: session.user.name, ...origin };
    if (typeof form.csrfToken !== 'string' || !safeEqual(form.csrfToken, session.csrfToken)) {
      throw await this.signIn.refuseAlone(ctx, origin, 'invalid_csrf_token', {}, actor);
    }
    const offer = await this.pendingOffer(ctx, session.user, form.pending);
    if (!offer) throw await this.signIn.refuseAlone(ctx, origin, 'link_expired', {}, actor);
    const subject: SignInSubject = { nameId: offer.nameId, email: offer.email, attributes: offeredGroups(ctx, offer) };
    try {
      const decision = await this.db.transaction((tx) => this.link(tx, ctx, actor, session.user, subject));
      if ('refusal' in decision) throw decision.refusal;
      return session.user;
    } catch (error) {
      // Someone linked the same NameID a moment earlier: the unique index decided.
      if (!isUniqueViolation(error)) throw error;
      const decision = await this.db.transaction((tx) => this.signIn.refuseValid(tx, ctx, actor, subject, session.user, 'taken'));
      throw 'refusal' in decision ? decision.refusal : new SamlRefusal('taken', refusalContext(ctx));
    }
  }

  private async pendingOffer(ctx: SpContext, user: UserEntity, raw: unknown): Promise<SamlSignInEntity | null> {
    if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) return null;
    const offer = await this.signIns.findById(Number(raw));
    if (!offer || offer.groupId !== scopeGroupId(ctx.scope) || offer.userId !== user.id || offer.outcome !== 'link_offered') return null;
    return Date.parse(offer.createdAt) > Date.now() - LINK_OFFER_TTL_MS ? offer : null;
  }

  private async link(tx: Tx, ctx: SpContext, actor: Actor, user: UserEntity, subject: SignInSubject) {
    const holder = await this.samlIdentities.findByExternUid(ctx.scope, subject.nameId, tx);
    if (holder && holder.userId !== user.id) return this.signIn.refuseValid(tx, ctx, actor, subject, user, 'taken');
    const refusal = await this.signIn.accessRefusal(tx, ctx, user);
    if (refusal) return this.signIn.refuseValid(tx, ctx, actor, subject, user, refusal);
    if (!holder) {
      const previous = await this.samlIdentities.findByUser(ctx.scope, user.id, tx);
      if (previous) await this.samlIdentities.setExternUid(tx, previous, subject.nameId);
      else await this.samlIdentities.create(tx, ctx.scope, user.id, subject.nameId);
      await this.audit.record(tx, {
        name: 'saml_identity_linked',
        actor,
        scope: ctx.scope,
        target: { type: 'User', id: user.id, details: user.username },
        details: { extern_uid: subject.nameId, replaced: previous?.externUid ?? null, email: subject.email },
      });
    }
    return this.signIn.signIn(tx, ctx, actor, subject, user, 'linked');
  }
}

/**
 * The groups the offered assertion carried, as the attribute group sync reads (the provider's
 * groups attribute); undefined when it carried none, so Authorize then changes no role.
 */
function offeredGroups(ctx: SpContext, offer: SamlSignInEntity): Record<string, string[]> | undefined {
  if (offer.assertedGroups === null) return undefined;
  const names = JSON.parse(offer.assertedGroups) as string[];
  return { [ctx.provider?.groupsAttribute ?? DEFAULT_GROUPS_ATTRIBUTE]: names };
}
