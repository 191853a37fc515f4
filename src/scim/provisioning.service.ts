import { Injectable, Logger } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { scopeKey } from '../common/scope.js';
import { DomainError, isDomainError } from '../common/domain-error.js';
import type { AuditEventName } from '../audit/audit-event-names.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, Tx, uniqueViolationTarget } from '../database/database.service.js';
import { GroupSyncService } from '../group-sync/group-sync.service.js';
import { groupDomains } from '../groups/groups.service.js';
import { MembershipService } from '../groups/membership.service.js';
import { SamlIdentitiesService } from '../saml/saml-identities.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { emailDomain, UsersService } from '../users/users.service.js';
import { provisioningInput, ProvisioningInput } from './provisioning-input.js';
import { changeWithLogRow, type ScimContext } from './scim-context.js';
import { ScimIdentitiesRepository } from './scim-identities.repository.js';
import { ScimIdentityAliasesService } from './scim-identity-aliases.service.js';
import type { ScimIdentityEntity } from './scim-identity.entity.js';
import type { ScimUserDoc } from './scim-user-doc.js';
import { Metrics } from '../ops/metrics.js';
import { OutboxService } from '../mail/outbox.service.js';

export const TAKEN = 'User has already been taken';
export const NOT_LINKED = "The member's email address is not linked to a SAML account or has an inactive SCIM identity.";
export const DOMAIN_NOT_ALLOWED = "The member's email address is not allowed for this group. Check with your administrator.";

/** A refusal whose audit event must survive the rollback of everything else. */
class Refusal extends DomainError {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super('precondition_failed', message);
  }
}

export interface Provisioned {
  identity: ScimIdentityEntity;
  user: UserEntity;
  /** Which row of the decision table answered. */
  outcome: 'created' | 'linked' | 'reactivated';
}

/**
 * SCIM provisioning: the POST decision table of scim-api.md, and the deprovision / reactivate
 * effects that DELETE, PATCH and PUT share. Each call is one transaction with its audit event.
 */
@Injectable()
export class ProvisioningService {
  private readonly logger = new Logger('Provisioning');

  constructor(
    private readonly db: Database,
    private readonly identities: ScimIdentitiesRepository,
    private readonly aliases: ScimIdentityAliasesService,
    private readonly users: UsersService,
    private readonly membership: MembershipService,
    private readonly samlIdentities: SamlIdentitiesService,
    private readonly audit: AuditService,
    private readonly metrics: Metrics,
    private readonly outbox: OutboxService,
    private readonly groupSync: GroupSyncService,
  ) {}

  /** POST Users. `doc` is the canonicalised body; `bodyId` the body's `id`, if any. */
  async create(ctx: ScimContext, actor: Actor, doc: ScimUserDoc, bodyId: unknown): Promise<Provisioned> {
    const input = provisioningInput(doc, bodyId);
    try {
      const provisioned = await changeWithLogRow(this.db, ctx, 201, (tx) => this.decide(tx, ctx, actor, input, doc));
      this.metrics.provisioned(provisioned.outcome);
      return provisioned;
    } catch (error) {
      if (error instanceof Refusal) {
        this.metrics.provisioned(error.reason === 'email_domain_not_allowed' ? 'domain_not_allowed_412' : 'not_linked_412');
        await this.recordRefusal(ctx, actor, input, error);
        throw new DomainError('precondition_failed', error.message);
      }
      // A concurrent request for the same person won the race for a unique index (email or extern_uid).
      const taken = uniqueViolationTarget(error) !== undefined;
      if (taken || (error instanceof DomainError && error.code === 'uniqueness')) this.metrics.provisioned('taken_409');
      if (taken) throw new DomainError('uniqueness', TAKEN);
      throw error;
    }
  }

  /** The decision table, first matching row wins; the rows are in the order scim-api.md gives. */
  private async decide(tx: Tx, ctx: ScimContext, actor: Actor, input: ProvisioningInput, doc: ScimUserDoc): Promise<Provisioned> {
    // Requests about the same person take turns (on PostgreSQL; SQLite's writes always do), so
    // each reads what the one before it committed and the table gives one answer: one 201, then 409s.
    await tx.lockKey('scim_person', `${scopeKey(ctx.scope)}:${input.externUid.toLowerCase()}`);
    await tx.lockKey('scim_person_email', input.email.toLowerCase());
    // A previous id the IdP still uses (an alias) is the same person: re-adding them reactivates.
    const existing = (await this.aliases.resolve(ctx.scope, input.externUid, tx))?.identity ?? null;
    const user = await this.users.findByEmail(input.email, tx);
    if (existing?.active) throw new DomainError('uniqueness', TAKEN);
    if (existing) return this.reprovision(tx, ctx, actor, existing, doc, input);

    if (user) {
      const other = await this.identities.findByUser(ctx.scope, user.id, tx);
      // An active identity under another extern_uid: the IdP changed its anchor attribute.
      if (other?.active) throw new DomainError('uniqueness', TAKEN);
      if (ctx.provider.enforcedSso && (other || !(await this.samlIdentities.findByUser(ctx.scope, user.id, tx)))) {
        throw new Refusal(NOT_LINKED, other ? 'inactive_scim_identity' : 'saml_not_linked');
      }
      if (other) throw new DomainError('uniqueness', TAKEN);
      this.checkDomain(ctx, input.email);
      return this.link(tx, ctx, actor, user, doc, input);
    }
    this.checkDomain(ctx, input.email);
    return this.provisionNew(tx, ctx, actor, doc, input);
  }

  private checkDomain(ctx: ScimContext, email: string): void {
    if (!ctx.group) return;
    const { allowed } = groupDomains(ctx.group);
    if (allowed.length > 0 && !allowed.includes(emailDomain(email))) throw new Refusal(DOMAIN_NOT_ALLOWED, 'email_domain_not_allowed');
  }

  /** Row "inactive identity": the person was removed and is added back. */
  private async reprovision(tx: Tx, ctx: ScimContext, actor: Actor, identity: ScimIdentityEntity, doc: ScimUserDoc, input: ProvisioningInput): Promise<Provisioned> {
    const user = await this.users.getById(identity.userId, tx);
    const updated = await this.identities.update(tx, identity, { doc, active: input.active });
    if (input.active) await this.restoreAccess(tx, ctx, actor, user);
    await this.auditUser(tx, ctx, actor, 'user_reprovisioned_by_scim', user, { extern_uid: identity.externUid });
    if (input.active) await this.welcome(tx, ctx, user, 'reactivated');
    return { identity: updated, user, outcome: 'reactivated' };
  }

  /** Row "a platform user has this email": link the account, add it to the group if needed. */
  private async link(tx: Tx, ctx: ScimContext, actor: Actor, user: UserEntity, doc: ScimUserDoc, input: ProvisioningInput): Promise<Provisioned> {
    const identity = await this.identities.insert(tx, ctx.scope, { userId: user.id, externUid: input.externUid, active: input.active, doc });
    if (input.active && ctx.group) await this.membership.ensureMember(tx, actor, ctx.group, user, ctx.provider.defaultMembershipRole, null, 'scim_provisioning');
    await this.auditUser(tx, ctx, actor, 'user_linked_by_scim', user, { extern_uid: input.externUid, email: input.email });
    if (input.active) await this.welcome(tx, ctx, user, 'linked');
    return { identity, user, outcome: 'linked' };
  }

  /** Row "nobody has this email": a new (Enterprise) account with its SAML and SCIM identities. */
  private async provisionNew(tx: Tx, ctx: ScimContext, actor: Actor, doc: ScimUserDoc, input: ProvisioningInput): Promise<Provisioned> {
    const user = await this.users.create(tx, {
      usernameSource: input.userName,
      name: input.name,
      email: input.email,
      enterpriseGroupId: ctx.group?.id ?? null,
    });
    await this.samlIdentities.create(tx, ctx.scope, user.id, input.externUid);
    const identity = await this.identities.insert(tx, ctx.scope, { userId: user.id, externUid: input.externUid, active: input.active, doc });
    if (input.active && ctx.group) await this.membership.ensureMember(tx, actor, ctx.group, user, ctx.provider.defaultMembershipRole, null, 'scim_provisioning');
    if (!input.active && !ctx.group) await this.users.setState(tx, user.id, 'blocked');
    await this.auditUser(tx, ctx, actor, 'user_provisioned_by_scim', user, { extern_uid: input.externUid, email: input.email, active: input.active });
    if (input.active) await this.welcome(tx, ctx, user, 'created');
    return { identity, user, outcome: 'created' };
  }

  /**
   * Group: membership back at the default role, then at the role the person's SCIM groups grant
   * through the group's links (docs/group-sync.md) — a person added back is who their groups say,
   * not a Guest until the next group change. The group's row is locked first, the order every
   * group-sync recomputation takes it. Instance: the account unblocked (memberships were kept).
   */
  async restoreAccess(tx: Tx, ctx: ScimContext, actor: Actor, user: UserEntity): Promise<void> {
    if (ctx.group) {
      await this.membership.shareGroup(tx, ctx.group.id);
      await this.membership.ensureMember(tx, actor, ctx.group, user, ctx.provider.defaultMembershipRole, null, 'scim_provisioning');
      await this.groupSync.recomputePerson(tx, actor, ctx.group.id, user.id);
    } else if (user.state !== 'active') await this.users.setState(tx, user.id, 'active');
  }

  /**
   * `owner` is the identity's account when the caller already loaded it.
   * Deprovision inside the caller's transaction: identity inactive, then the group membership
   * removed (the last Owner cannot be, and the whole change rolls back) or the account blocked.
   * The account and its SAML identity are kept, so a later reactivation needs no relinking.
   */
  async deprovision(tx: Tx, ctx: ScimContext, actor: Actor, identity: ScimIdentityEntity, owner?: UserEntity): Promise<ScimIdentityEntity> {
    if (!identity.active) return identity;
    const user = owner ?? (await this.users.getById(identity.userId, tx));
    const updated = await this.identities.update(tx, identity, { active: false });
    if (ctx.group) {
      // Group sync's lock, shared as a reactivation takes it: a recomputation running now (a link
      // created, a SCIM group changed) read this person as active and may be about to give them a
      // role; the membership is removed after it commits, never before
      // (deprovision-sync-race.e2e-spec.ts). Deprovisions of other people do not wait for it.
      await this.membership.shareGroup(tx, ctx.group.id);
      await this.membership.removeMember(tx, actor, ctx.group, user);
    } else await this.users.setState(tx, user.id, 'blocked');
    await this.auditUser(tx, ctx, actor, 'user_deprovisioned_by_scim', user, { extern_uid: identity.externUid });
    return updated;
  }

  /** Reactivation inside the caller's transaction (PATCH/PUT active → true). */
  async reactivate(tx: Tx, ctx: ScimContext, actor: Actor, identity: ScimIdentityEntity, owner?: UserEntity): Promise<ScimIdentityEntity> {
    if (identity.active) return identity;
    const user = owner ?? (await this.users.getById(identity.userId, tx));
    const updated = await this.identities.update(tx, identity, { active: true });
    await this.restoreAccess(tx, ctx, actor, user);
    await this.auditUser(tx, ctx, actor, 'user_reprovisioned_by_scim', user, { extern_uid: identity.externUid });
    await this.welcome(tx, ctx, user, 'reactivated');
    return updated;
  }

  /**
   * Queues the welcome (group name, SSO URL) in the provisioning transaction when the group's
   * settings ask for it: on by default for new and linked accounts, opt-in for people added back.
   * Group scope only: the instance has no SSO URL to give.
   */
  private async welcome(tx: Tx, ctx: ScimContext, user: UserEntity, outcome: Provisioned['outcome']): Promise<void> {
    if (!ctx.group || !ctx.provider.welcomeEmail) return;
    if (outcome === 'reactivated' && !ctx.provider.welcomeEmailOnReactivation) return;
    await this.outbox.enqueueWelcome(tx, { group: ctx.group, user });
  }

  /** The provisioning events all describe one user of the scope; only the name and details vary. */
  private auditUser(tx: Tx, ctx: ScimContext, actor: Actor, name: AuditEventName, user: UserEntity, details: Record<string, unknown>): Promise<void> {
    return this.audit.record(tx, { name, actor, scope: ctx.scope, target: { type: 'User', id: user.id, details: user.username }, details });
  }

  private async recordRefusal(ctx: ScimContext, actor: Actor, input: ProvisioningInput, refusal: Refusal): Promise<void> {
    try {
      await this.db.transaction((tx) =>
        this.audit.record(tx, {
          name: 'scim_provisioning_refused',
          actor,
          scope: ctx.scope,
          details: { extern_uid: input.externUid, email: input.email, reason: refusal.reason, message: refusal.message },
        }),
      );
    } catch (error) {
      this.logger.error(`could not record a provisioning refusal: ${isDomainError(error) ? error.message : String(error)}`);
    }
  }
}
