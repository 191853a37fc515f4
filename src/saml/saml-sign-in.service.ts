import { scopeKey } from '../common/scope.js';
import { SamlSpKeysService } from './sp-keys/saml-sp-keys.service.js';
import { Injectable, Logger } from '@nestjs/common';
import { Actor, RequestOrigin, systemActor } from '../common/actor.js';
import { nowIso } from '../common/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, isUniqueViolation, Tx } from '../database/database.service.js';
import { GroupSyncService } from '../group-sync/group-sync.service.js';
import { MembershipService } from '../groups/membership.service.js';
import { DEFAULT_GROUPS_ATTRIBUTE } from '../groups/saml-provider.service.js';
import { ScimIdentitiesService } from '../scim/scim-identities.service.js';
import { SessionsService } from '../tokens/sessions.service.js';
import type { ResolvedSession } from '../tokens/sessions.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { SamlAssertionsRepository } from './saml-assertions.repository.js';
import type { SamlIdentityEntity } from './saml-identity.entity.js';
import { SamlIdentitiesService } from './saml-identities.service.js';
import { RefusalReason, SamlRefusal } from './saml-sign-in.errors.js';
import { Metrics } from '../ops/metrics.js';
import type { SamlSignInOutcome } from '../ops/metrics.js';
import { SamlRequestsRepository } from './saml-requests.repository.js';
import { InvalidSamlResponse, ValidAssertion } from './saml-response-validator.js';
import { SamlValidationService } from './saml-validation.service.js';
import { refusalContext, SpContext } from './saml-service-provider.service.js';
import { scopeGroupId } from '../common/scope.js';
import { SamlSignInsService } from './saml-sign-ins.service.js';
import { LinkInvitationSignInService } from './link-invitation-sign-in.service.js';

/** What a sign-in observation records as `outcome` (members view, mismatch report). */
export type SignInOutcome = 'signed_in' | 'relinked' | 'link_offered' | 'linked' | `refused_${RefusalReason}`;

export type SignInResult = { kind: 'signed_in'; user: UserEntity } | { kind: 'link_offered'; user: UserEntity; pending: number; nameId: string; email: string | null };

/** What the ACS answers: a new session for the signed-in user, or the link offer page. */
export type AcsResult = { kind: 'signed_in'; user: UserEntity; sessionSecret: string } | Extract<SignInResult, { kind: 'link_offered' }>;

/** A transaction's verdict: committed either way; a refusal is thrown once the commit is done. */
export type Decision = { result: SignInResult } | { refusal: SamlRefusal };

/** The sign-in's effects for one user: who they are in the IdP's terms, and what to record. */
export interface SignInSubject {
  nameId: string;
  email: string | null;
  inResponseTo?: string | null;
  /** The assertion's attributes, when the sign-in carries one (group sync reads the groups attribute). */
  attributes?: Record<string, string[]>;
}

/** Entra sends group object ids under this claim; it is read whatever the groups attribute setting says. */
export const ENTRA_GROUPS_CLAIM = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups';

/** The person's IdP group names (docs/group-sync.md), or null when the assertion does not carry the attribute. */
export function assertedGroups(attributes: Record<string, string[]> | undefined, configured: string | null): string[] | null {
  if (!attributes) return null;
  const names = [configured ?? DEFAULT_GROUPS_ATTRIBUTE, ENTRA_GROUPS_CLAIM].filter((n) => Object.hasOwn(attributes, n));
  if (names.length === 0) return null;
  return [...new Set(names.flatMap((n) => attributes[n]))];
}

/**
 * The assertion consumer service: saml.md's five outcomes of a valid response, and the use of a
 * link invitation when the response answers a request one started. Each response is
 * decided in one transaction with its replay-cache entry, its InResponseTo use, its sign-in
 * observation and its audit events; a refusal commits only the observation and the audit.
 */
@Injectable()
export class SamlSignInService {
  private readonly logger = new Logger('SamlSignIn');

  constructor(
    private readonly db: Database,
    private readonly assertions: SamlAssertionsRepository,
    private readonly requests: SamlRequestsRepository,
    private readonly samlIdentities: SamlIdentitiesService,
    private readonly signIns: SamlSignInsService,
    private readonly scimIdentities: ScimIdentitiesService,
    private readonly users: UsersService,
    private readonly membership: MembershipService,
    private readonly groupSync: GroupSyncService,
    private readonly audit: AuditService,
    private readonly sessions: SessionsService,
    private readonly metrics: Metrics,
    private readonly validation: SamlValidationService,
    private readonly invitations: LinkInvitationSignInService,
    private readonly spKeys: SamlSpKeysService,
  ) {}

  /** Validates a response without using it up (the cross-site resubmit page shows only for valid ones). */
  async check(ctx: SpContext, samlResponse: unknown, origin: RequestOrigin): Promise<void> {
    await this.validate(ctx, samlResponse, origin);
  }

  /**
   * The ACS: validate, decide, and for a sign-in replace the browser's session with one for the
   * signed-in user. Throws SamlRefusal (already audited) when refused.
   */
  accept(ctx: SpContext, samlResponse: unknown, session: ResolvedSession | null, origin: RequestOrigin): Promise<AcsResult> {
    return this.counted(
      () => this.acceptResponse(ctx, samlResponse, session, origin),
      (result) => result.kind,
    );
  }

  /** Runs a sign-in step and counts its outcome in the metrics: the result's kind, or the refusal's reason. */
  async counted<T>(work: () => Promise<T>, outcome: (result: T) => Exclude<SamlSignInOutcome, 'refused'>): Promise<T> {
    try {
      const result = await work();
      this.metrics.samlSignIn(outcome(result));
      return result;
    } catch (error) {
      if (error instanceof SamlRefusal) this.metrics.samlSignIn('refused', error.reason);
      throw error;
    }
  }

  private async acceptResponse(ctx: SpContext, samlResponse: unknown, session: ResolvedSession | null, origin: RequestOrigin): Promise<AcsResult> {
    const assertion = await this.validate(ctx, samlResponse, origin);
    const actor = systemActor(origin);
    for (let attempt = 1; ; attempt++) {
      try {
        const decision = await this.db.transaction((tx) => this.decide(tx, ctx, actor, assertion, session));
        if ('refusal' in decision) throw decision.refusal;
        const result = decision.result;
        if (result.kind === 'link_offered') return result;
        if (session) await this.sessions.end(session.sessionId);
        const saml = { scopeKey: scopeKey(ctx.scope), nameId: assertion.nameId, nameIdFormat: assertion.nameIdFormat, sessionIndex: assertion.sessionIndex };
        return { ...result, sessionSecret: (await this.sessions.create(result.user, saml)).secret };
      } catch (error) {
        // Two processes accepting the same assertion at once: the replay cache's primary key lets
        // one win; the loser decides again and now sees a replay.
        if (attempt < 3 && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }

  private async validate(ctx: SpContext, samlResponse: unknown, origin: RequestOrigin): Promise<ValidAssertion> {
    if (!ctx.provider) throw await this.refuseAlone(ctx, origin, 'not_enabled', {});
    if (typeof samlResponse !== 'string' || samlResponse === '') throw await this.refuseAlone(ctx, origin, 'missing_response', {});
    try {
      // Both signing certificates are trusted during a rotation; node-saml accepts a signature by either.
      const certificates = [ctx.provider.certificate, ...(ctx.provider.secondaryCertificate ? [ctx.provider.secondaryCertificate] : [])];
      return await this.validation.validate(
        ctx.sp,
        certificates,
        samlResponse,
        { idpEntityId: ctx.provider.idpEntityId, wantAssertionsSigned: ctx.provider.wantAssertionsSigned, requireEncryptedAssertions: ctx.provider.requireEncryptedAssertions },
        // Every SP key decrypts (the current one and those kept after a rotation); none is made here.
        async () => (await this.spKeys.existingKeyPairs(ctx.scope)).map((k) => k.privateKey),
      );
    } catch (error) {
      if (error instanceof InvalidSamlResponse) throw await this.refuseAlone(ctx, origin, error.reason, { detail: error.detail });
      throw error;
    }
  }

  private async decide(tx: Tx, ctx: SpContext, actor: Actor, a: ValidAssertion, session: ResolvedSession | null): Promise<Decision> {
    const now = nowIso();
    // A group's keys keep their historic form (`<group id>:`); the instance's cannot collide with them.
    const replayKey = `${ctx.group ? ctx.group.id : 'instance'}:${a.assertionId}`;
    if (await this.assertions.seen(tx, replayKey)) return this.refuseInvalid(tx, ctx, actor, 'replayed', a);
    const request = a.inResponseTo === null ? null : await this.requests.consume(tx, a.inResponseTo, scopeGroupId(ctx.scope), now);
    if (a.inResponseTo !== null && !request) return this.refuseInvalid(tx, ctx, actor, 'unknown_request', a);
    await this.assertions.deleteExpired(tx, now);
    await this.assertions.remember(tx, replayKey, a.expiresAt);

    // Started from a link invitation: the invitation, not a session, says whose account this is.
    if (request?.linkInvitationId != null) return this.invitations.redeem(tx, ctx, actor, a, request.linkInvitationId, this);

    // 1. The NameID is a linked identity: that user signs in.
    const identity = await this.samlIdentities.findByExternUid(ctx.scope, a.nameId, tx);
    if (identity) return this.signIn(tx, ctx, actor, a, await this.users.getById(identity.userId, tx), 'signed_in');
    // 2. Unknown NameID in a signed-in browser: offer to link it to that account.
    if (session) return this.offerLink(tx, ctx, actor, a, session.user);
    // 3-5. Unknown NameID, nobody signed in: the email tells whose account it would be.
    const user = a.email ? await this.users.findByEmail(a.email, tx) : null;
    if (!user) return this.refuseValid(tx, ctx, actor, a, null, 'no_account');
    const previous = await this.samlIdentities.findByUser(ctx.scope, user.id, tx);
    if (!previous) return this.refuseValid(tx, ctx, actor, a, user, 'not_linked');
    return this.relink(tx, ctx, actor, a, user, previous);
  }

  /**
   * Outcome 3: the IdP now sends another NameID for a person who linked before. `findByEmail`
   * matches the account's (primary, and only) email, the condition saml.md puts on the update.
   * The SCIM identity keeps its value, so the mismatch report shows what to align at the IdP.
   */
  private async relink(tx: Tx, ctx: SpContext, actor: Actor, a: ValidAssertion, user: UserEntity, previous: SamlIdentityEntity): Promise<Decision> {
    const refusal = await this.accessRefusal(tx, ctx, user);
    if (refusal) return this.refuseValid(tx, ctx, actor, a, user, refusal);
    await this.samlIdentities.setExternUid(tx, previous, a.nameId);
    await this.audit.record(tx, {
      name: 'update_mismatched_group_saml_extern_uid',
      actor,
      scope: ctx.scope,
      target: { type: 'User', id: user.id, details: user.username },
      details: { message: `Updated extern_uid from ${previous.externUid} to ${a.nameId}`, from: previous.externUid, to: a.nameId, email: a.email },
    });
    return this.signIn(tx, ctx, actor, a, user, 'relinked');
  }

  private async offerLink(tx: Tx, ctx: SpContext, actor: Actor, a: ValidAssertion, user: UserEntity): Promise<Decision> {
    const refusal = await this.accessRefusal(tx, ctx, user);
    if (refusal) return this.refuseValid(tx, ctx, actor, a, user, refusal);
    // The observation doubles as the pending link: the Authorize form names it, bound to this user.
    // It keeps the asserted groups, so Authorize applies group sync as a sign-in would.
    const groups = ctx.scope.kind === 'group' ? assertedGroups(a.attributes, ctx.provider!.groupsAttribute) : null;
    const pending = await this.observe(tx, ctx, a, user.id, 'link_offered', groups);
    return { result: { kind: 'link_offered', user, pending, nameId: a.nameId, email: a.email } };
  }

  /**
   * Signing in as `user`: refused for a blocked account, or (SSO enforced) an inactive SCIM
   * identity; otherwise a member at the default role, audited. Shared with the link flow.
   */
  async signIn(tx: Tx, ctx: SpContext, actor: Actor, subject: SignInSubject, user: UserEntity, outcome: SignInOutcome): Promise<Decision> {
    const refusal = await this.accessRefusal(tx, ctx, user);
    if (refusal) return this.refuseValid(tx, ctx, actor, subject, user, refusal);
    // The instance has no membership and no group links: its sign-in grants a session, nothing more
    // (docs/group-sync.md says why an instance sign-in's groups are not applied).
    const group = ctx.group;
    const groups = group ? assertedGroups(subject.attributes, ctx.provider!.groupsAttribute) : null;
    if (group && groups !== null) {
      // Group sync at sign-in: the role the links give, or no membership when none matches.
      const synced = await this.groupSync.signIn(tx, actor, group.id, user.id, groups);
      if (synced && synced.level === null && synced.outcome !== 'kept_last_owner') return this.refuseValid(tx, ctx, actor, subject, user, 'no_group_link');
    }
    const added = group ? await this.membership.ensureMember(tx, actor, group, user, ctx.provider!.defaultMembershipRole, null, 'saml_sign_in') : false;
    await this.observe(tx, ctx, subject, user.id, outcome);
    await this.audit.record(tx, {
      name: 'authenticated_with_group_saml',
      actor,
      scope: ctx.scope,
      target: { type: 'User', id: user.id, details: user.username },
      details: { name_id: subject.nameId, email: subject.email, in_response_to: subject.inResponseTo ?? null, member_added: added, outcome },
    });
    return { result: { kind: 'signed_in', user } };
  }

  async accessRefusal(tx: Tx, ctx: SpContext, user: UserEntity): Promise<RefusalReason | null> {
    // Instance: an inactive instance SCIM identity means the IdP removed the person from the whole
    // instance (deprovisioning also blocks the account). Signing in would undo that, so it is
    // refused whatever enforced_sso says, and named first: the IdP assignment is what fixes it.
    if (ctx.scope.kind === 'instance' && (await this.inactiveScimIdentity(tx, ctx, user))) return 'inactive_scim_identity';
    if (user.state !== 'active') return 'account_blocked';
    if (ctx.provider?.enforcedSso && (await this.inactiveScimIdentity(tx, ctx, user))) return 'inactive_scim_identity';
    return null;
  }

  /**
   * Locked: the sign-in goes on to add the membership a deprovision of the same person removes, so
   * the two take turns on the identity's row — a deprovision that commits first is seen here, and
   * one that comes after removes what this sign-in added (sign-in-deprovision-race.e2e-spec.ts).
   */
  private async inactiveScimIdentity(tx: Tx, ctx: SpContext, user: UserEntity): Promise<boolean> {
    const scim = await this.scimIdentities.findByUserLocked(tx, ctx.scope, user.id);
    return scim !== null && !scim.active;
  }

  /** A refusal of a valid response: observed and audited; nothing else changes. */
  async refuseValid(tx: Tx, ctx: SpContext, actor: Actor, subject: SignInSubject, user: UserEntity | null, reason: RefusalReason): Promise<Decision> {
    await this.observe(tx, ctx, subject, user?.id ?? null, `refused_${reason}`);
    const target = user ? { type: 'User' as const, id: user.id, details: user.username } : undefined;
    if (reason === 'inactive_scim_identity') {
      await this.audit.record(tx, { name: 'inactive_scim_user_cannot_be_added', actor, scope: ctx.scope, target, details: { name_id: subject.nameId } });
    }
    await this.audit.record(tx, { name: 'saml_sign_in_refused', actor, scope: ctx.scope, target, details: { reason, name_id: subject.nameId, email: subject.email } });
    return { refusal: new SamlRefusal(reason, refusalContext(ctx)) };
  }

  /** A valid signature on a response that cannot be used (replayed, unknown request): audit only. */
  private async refuseInvalid(tx: Tx, ctx: SpContext, actor: Actor, reason: RefusalReason, a: ValidAssertion): Promise<Decision> {
    await this.audit.record(tx, {
      name: 'saml_sign_in_refused',
      actor,
      scope: ctx.scope,
      details: { reason, name_id: a.nameId, assertion_id: a.assertionId, in_response_to: a.inResponseTo },
    });
    return { refusal: new SamlRefusal(reason, refusalContext(ctx)) };
  }

  /** Refusals before anything is decided: the audit event is the only write. */
  async refuseAlone(ctx: SpContext, origin: RequestOrigin, reason: RefusalReason, details: Record<string, unknown>, actor: Actor = systemActor(origin)): Promise<SamlRefusal> {
    try {
      await this.db.transaction((tx) => this.audit.record(tx, { name: 'saml_sign_in_refused', actor, scope: ctx.scope, details: { reason, ...details } }));
    } catch (error) {
      this.logger.error(`could not record a SAML refusal: ${error instanceof Error ? error.message : String(error)}`);
    }
    return new SamlRefusal(reason, refusalContext(ctx));
  }

  private observe(tx: Tx, ctx: SpContext, subject: SignInSubject, userId: number | null, outcome: SignInOutcome, groups: string[] | null = null): Promise<number> {
    return this.signIns.record(tx, ctx.scope, { nameId: subject.nameId, email: subject.email, userId, outcome, assertedGroups: groups });
  }
}
