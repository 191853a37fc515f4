import { Injectable } from '@nestjs/common';
import { Actor, RequestOrigin, systemActor } from '../common/actor.js';
import { nowIso } from '../common/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, Tx } from '../database/database.service.js';
import { digestSecret } from '../tokens/secret.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { invitationState, looksLikeInvitationToken } from './link-invitation-state.js';
import type { SamlLinkInvitationEntity } from './saml-link-invitation.entity.js';
import { SamlLinkInvitationsRepository } from './saml-link-invitations.repository.js';
import { SamlIdentitiesService } from './saml-identities.service.js';
import type { ValidAssertion } from './saml-response-validator.js';
import { refusalContext, SamlServiceProviderService, SpContext } from './saml-service-provider.service.js';
import { RefusalReason, SamlRefusal } from './saml-sign-in.errors.js';
import type { Decision, SamlSignInService } from './saml-sign-in.service.js';

/** The steps of a sign-in the redemption shares with every other outcome (SamlSignInService). */
export type SignInSteps = Pick<SamlSignInService, 'signIn' | 'refuseValid' | 'accessRefusal'>;

/** The invitation an opened URL names, with the account it is for. */
export interface OpenedInvitation {
  invitation: SamlLinkInvitationEntity;
  user: UserEntity;
}

/**
 * The person's side of a link invitation: opening its URL, being sent to the IdP, and the
 * assertion consumer service linking the NameID that comes back to the invited account — saml.md
 * outcome 2's rules, with the invitation instead of a signed-in session as the proof of which
 * account it is. Every refusal is audited as `saml_link_invitation_refused`.
 */
@Injectable()
export class LinkInvitationSignInService {
  constructor(
    private readonly db: Database,
    private readonly invitations: SamlLinkInvitationsRepository,
    private readonly provider: SamlServiceProviderService,
    private readonly samlIdentities: SamlIdentitiesService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  /** The active invitation the URL's secret names, or a refusal (audited) saying why not. */
  async open(ctx: SpContext, token: unknown, origin: RequestOrigin): Promise<OpenedInvitation> {
    if (!ctx.provider) throw new SamlRefusal('not_enabled', refusalContext(ctx));
    // Invitations exist for groups only: the instance provider knows none.
    const invitation = ctx.group && looksLikeInvitationToken(token) ? await this.invitations.findByDigest(ctx.group.id, digestSecret(token)) : null;
    const user = invitation ? await this.users.findById(invitation.userId) : null;
    if (!invitation || !user) throw await this.refuseOpening(ctx, origin, null, null, 'invitation_unknown');
    const state = invitationState(invitation, nowIso());
    if (state !== 'active') throw await this.refuseOpening(ctx, origin, invitation, user, `invitation_${state}`);
    return { invitation, user };
  }

  /** The IdP URL for an opened invitation: an AuthnRequest bound to it, landing in the UI afterwards. */
  async start(ctx: SpContext, token: unknown, origin: RequestOrigin): Promise<string> {
    const { invitation } = await this.open(ctx, token, origin);
    return this.provider.startUrl(ctx, '/', invitation.id);
  }

  /**
   * Inside the ACS transaction, for a response to a request an invitation started. The invitation
   * row is locked first (PostgreSQL), so two responses racing for it are decided one after the
   * other, and `markUsed` is a conditional UPDATE besides: exactly one links. A NameID that
   * belongs to someone else, a blocked account or (SSO enforced) an inactive SCIM identity is
   * refused and leaves the invitation usable, so the person can retry with the right IdP account.
   */
  async redeem(tx: Tx, ctx: SpContext, actor: Actor, a: ValidAssertion, invitationId: number, steps: SignInSteps): Promise<Decision> {
    const now = nowIso();
    const invitation = await this.invitations.lock(tx, invitationId);
    const user = invitation ? await this.users.findById(invitation.userId, tx) : null;
    if (!invitation || !user || invitation.groupId !== ctx.group?.id) return this.refuseUse(tx, ctx, actor, a, null, null, 'invitation_unknown', steps);
    const state = invitationState(invitation, now);
    if (state !== 'active') return this.refuseUse(tx, ctx, actor, a, invitation, user, `invitation_${state}`, steps);
    const holder = await this.samlIdentities.findByExternUid(ctx.scope, a.nameId, tx);
    if (holder && holder.userId !== user.id) return this.refuseUse(tx, ctx, actor, a, invitation, user, 'taken', steps);
    const access = await steps.accessRefusal(tx, ctx, user);
    if (access) return this.refuseUse(tx, ctx, actor, a, invitation, user, access, steps);
    if (!(await this.invitations.markUsed(tx, invitation.id, now, a.nameId))) return this.refuseUse(tx, ctx, actor, a, invitation, user, 'invitation_used', steps);

    const previous = holder ? null : await this.samlIdentities.findByUser(ctx.scope, user.id, tx);
    if (!holder) {
      if (previous) await this.samlIdentities.setExternUid(tx, previous, a.nameId);
      else await this.samlIdentities.create(tx, ctx.scope, user.id, a.nameId);
      await this.audit.record(tx, {
        name: 'saml_identity_linked',
        actor,
        scope: ctx.scope,
        target: userTarget(user),
        details: { extern_uid: a.nameId, replaced: previous?.externUid ?? null, email: a.email, link_invitation_id: invitation.id },
      });
    }
    await this.audit.record(tx, {
      name: 'saml_link_invitation_used',
      actor,
      scope: ctx.scope,
      target: userTarget(user),
      details: { invitation_id: invitation.id, extern_uid: a.nameId, replaced: previous?.externUid ?? null, already_linked: holder !== null, email: a.email },
    });
    return steps.signIn(tx, ctx, actor, a, user, 'linked');
  }

  private async refuseUse(
    tx: Tx,
    ctx: SpContext,
    actor: Actor,
    a: ValidAssertion,
    invitation: SamlLinkInvitationEntity | null,
    user: UserEntity | null,
    reason: RefusalReason,
    steps: SignInSteps,
  ): Promise<Decision> {
    await this.audit.record(tx, refusedEvent(ctx, actor, invitation, user, reason, a.nameId));
    return steps.refuseValid(tx, ctx, actor, a, user, reason);
  }

  /** Opening the URL refused: the audit event is the only write. */
  private async refuseOpening(ctx: SpContext, origin: RequestOrigin, invitation: SamlLinkInvitationEntity | null, user: UserEntity | null, reason: RefusalReason): Promise<SamlRefusal> {
    await this.db.transaction((tx) => this.audit.record(tx, refusedEvent(ctx, systemActor(origin), invitation, user, reason, null)));
    return new SamlRefusal(reason, refusalContext(ctx));
  }
}

function userTarget(user: UserEntity) {
  return { type: 'User' as const, id: user.id, details: user.username };
}

function refusedEvent(ctx: SpContext, actor: Actor, invitation: SamlLinkInvitationEntity | null, user: UserEntity | null, reason: RefusalReason, nameId: string | null) {
  return {
    name: 'saml_link_invitation_refused' as const,
    actor,
    scope: ctx.scope,
    target: user ? userTarget(user) : undefined,
    details: { invitation_id: invitation?.id ?? null, reason, name_id: nameId },
  };
}
