import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, Tx, uniqueViolationTarget } from '../database/database.service.js';
import { groupDomains } from '../groups/groups.service.js';
import { SamlIdentitiesService } from '../saml/saml-identities.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { emailDomain, userFound, UsersService } from '../users/users.service.js';
import { applyPatch } from './patch/apply-patch.js';
import { applyPut } from './patch/apply-put.js';
import { describeChanges } from './patch/describe-changes.js';
import { pickEmail, pickName, validateExternUid } from './provisioning-input.js';
import { ProvisioningService, TAKEN } from './provisioning.service.js';
import { changeWithLogRow, type ScimContext } from './scim-context.js';
import { ScimIdentitiesRepository } from './scim-identities.repository.js';
import { ScimIdentityAliasesService } from './scim-identity-aliases.service.js';
import type { ScimIdentityEntity } from './scim-identity.entity.js';
import { etagListMatches, versionTag } from './scim-user.mapper.js';
import type { ScimUserDoc } from './scim-user-doc.js';

/** An Enterprise user of the group: created by its SCIM, or with a primary email in a verified domain. */
export function isEnterpriseUserOf(user: UserEntity, ctx: ScimContext): boolean {
  if (!ctx.group) return false;
  if (user.enterpriseGroupId === ctx.group.id) return true;
  return groupDomains(ctx.group).verified.includes(emailDomain(user.email));
}

/**
 * PATCH, PUT and DELETE of a SCIM User: the pure engines compute the new document; this service
 * applies the effects table of scim-api.md in the same transaction.
 */
@Injectable()
export class ScimUserChangesService {
  constructor(
    private readonly db: Database,
    private readonly identities: ScimIdentitiesRepository,
    private readonly aliases: ScimIdentityAliasesService,
    private readonly provisioning: ProvisioningService,
    private readonly users: UsersService,
    private readonly samlIdentities: SamlIdentitiesService,
    private readonly audit: AuditService,
  ) {}

  patch(ctx: ScimContext, actor: Actor, id: string, body: unknown, ifMatch?: string): Promise<ScimIdentityEntity> {
    return this.change(ctx, actor, id, ifMatch, 204, (current) => applyPatch(current, body).doc);
  }

  put(ctx: ScimContext, actor: Actor, id: string, body: unknown, ifMatch?: string): Promise<ScimIdentityEntity> {
    return this.change(ctx, actor, id, ifMatch, 200, (current) => applyPut(current, body).doc);
  }

  /** DELETE: deprovision; already inactive is a no-op (idempotent 204). */
  async delete(ctx: ScimContext, actor: Actor, id: string, ifMatch?: string): Promise<void> {
    await changeWithLogRow(this.db, ctx, 204, async (tx) => {
      const { identity, user } = await this.load(tx, ctx, actor, id, ifMatch);
      await this.provisioning.deprovision(tx, ctx, actor, identity, user);
    });
  }

  /**
   * The identity, locked until the transaction ends (a concurrent PATCH, PUT or DELETE of the same
   * person waits, then reads what this one committed), the If-Match check against it, and its account.
   */
  private async load(tx: Tx, ctx: ScimContext, actor: Actor, id: string, ifMatch: string | undefined): Promise<{ identity: ScimIdentityEntity; user: UserEntity }> {
    // `id` may be a previous extern_uid the IdP still uses (an alias); addressing the current one
    // tells that the IdP has moved to it, and the aliases are retired with this change.
    const identity = await this.aliases.resolveForChange(tx, actor, ctx.scope, id);
    if (!identity) throw new DomainError('not_found', `Resource ${id} not found`);
    if (ifMatch !== undefined && !etagListMatches(ifMatch, versionTag(identity))) {
      throw new DomainError('version_mismatch', `The resource was changed (version ${versionTag(identity)}); read it again and retry`);
    }
    // The identity's account is kept by a foreign key.
    return { identity, user: userFound(await this.users.findById(identity.userId, tx)) };
  }

  /** `status` is what the request answers when the change commits (PUT 200, PATCH 204), for its log row. */
  private async change(ctx: ScimContext, actor: Actor, id: string, ifMatch: string | undefined, status: number, compute: (current: ScimUserDoc) => ScimUserDoc): Promise<ScimIdentityEntity> {
    try {
      return await changeWithLogRow(this.db, ctx, status, async (tx) => {
        const { identity, user } = await this.load(tx, ctx, actor, id, ifMatch);
        const stored = JSON.parse(identity.attributes) as ScimUserDoc;
        const before: ScimUserDoc = { ...stored, externalId: identity.externUid, active: identity.active };
        const after = compute(before);
        const changes = describeChanges(before, after);
        const { active: _active, ...doc } = after;
        if (typeof doc.userName !== 'string' || doc.userName.trim() === '') throw new DomainError('invalid_value', 'userName is required');

        let externUid = identity.externUid;
        if (changes.externalIdChanged) {
          const to = changes.externalIdChanged.to;
          if (typeof to !== 'string' || to.trim() === '') throw new DomainError('mutability', 'externalId cannot be removed: it is the identity of this user');
          externUid = validateExternUid(to.trim());
          doc.externalId = externUid;
        }
        // `active` lives in its own column, written (with the version bump) by deprovision or reactivate.
        const documentChanged = changes.changedAttributes.some((a) => a !== 'active') || externUid !== identity.externUid;
        let current = documentChanged ? await this.identities.update(tx, identity, { doc, externUid }) : identity;
        if (externUid !== identity.externUid) await this.moveExternUid(tx, ctx, actor, user, identity, externUid);
        if (changes.profileChanged) await this.copyProfile(tx, ctx, actor, user, doc, changes.changedAttributes);
        // The account as loaded, unless the profile copy above may have just changed it.
        const owner = changes.profileChanged ? undefined : user;
        if (changes.activeChanged === false) current = await this.provisioning.deprovision(tx, ctx, actor, current, owner);
        if (changes.activeChanged === true) current = await this.provisioning.reactivate(tx, ctx, actor, current, owner);
        return current;
      });
    } catch (error) {
      if (uniqueViolationTarget(error) !== undefined) throw new DomainError('uniqueness', TAKEN);
      throw error;
    }
  }

  /** The SCIM id changes; the SAML identity follows when it held the old value. */
  private async moveExternUid(tx: Tx, ctx: ScimContext, actor: Actor, user: UserEntity, identity: ScimIdentityEntity, to: string): Promise<void> {
    const from = identity.externUid;
    const holder = await this.identities.findByExternUid(ctx.scope, to, tx);
    if (holder && holder.userId !== user.id) throw new DomainError('uniqueness', TAKEN);
    const samlMoved = await this.samlIdentities.followExternUidChange(tx, ctx.scope, user.id, from, to);
    await this.audit.record(tx, {
      name: 'scim_identity_updated',
      actor,
      scope: ctx.scope,
      target: { type: 'User', id: user.id, details: user.username },
      details: { from, to, saml_identity_updated: samlMoved },
    });
    // Okta and Entra keep addressing Users/<from>: it stays an alias of this identity.
    await this.aliases.recordChange(tx, actor, ctx.scope, identity, to, new DomainError('uniqueness', TAKEN));
  }

  /** userName / name / emails reach the account only for Enterprise users of this group. */
  private async copyProfile(tx: Tx, ctx: ScimContext, actor: Actor, user: UserEntity, doc: ScimUserDoc, attributes: string[]): Promise<void> {
    const enterprise = isEnterpriseUserOf(user, ctx);
    if (enterprise) {
      await this.users.applyIdpProfile(tx, user, {
        name: pickName(doc),
        email: pickEmail(doc),
        userName: attributes.includes('userName') ? (doc.userName as string) : undefined,
      });
    }
    await this.audit.record(tx, {
      name: 'scim_user_attributes_updated',
      actor,
      scope: ctx.scope,
      target: { type: 'User', id: user.id, details: user.username },
      details: { attributes: attributes.filter((a) => ['userName', 'name', 'displayName', 'emails'].includes(a)), copied_to_account: enterprise },
    });
  }
}
