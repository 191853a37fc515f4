import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { Scope } from '../common/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, isUniqueViolation, Tx } from '../database/database.service.js';
import { ScimGroupsService } from '../group-sync/scim-groups.service.js';
import { DeletionLockOrder, GroupsService } from '../groups/groups.service.js';
import { validateExternUid } from './provisioning-input.js';
import { IdentitySummary, ScimIdentitiesRepository } from './scim-identities.repository.js';
import { ScimIdentityAliasesService } from './scim-identity-aliases.service.js';
import type { ScimIdentityEntity } from './scim-identity.entity.js';

export const IDENTITY_NOT_FOUND = '404 Identity Not Found';
export const EXTERN_UID_TAKEN = 'Extern uid has already been taken';
export const EXTERN_UID_IS_ALIAS =
  "Extern uid has already been taken: it is another member's previous SCIM id, which their identity provider may still use; drop that alias first (DELETE /api/v4/groups/:id/scim_aliases/:extern_uid)";

/**
 * SCIM identities as the admin API and the SAML module see them (GitLab's `doc/api/scim.md`
 * shapes): look-ups by user, and the owner's manual edits, each audited with old and new values.
 */
@Injectable()
export class ScimIdentitiesService implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly identities: ScimIdentitiesRepository,
    private readonly audit: AuditService,
    private readonly aliases: ScimIdentityAliasesService,
    private readonly scimGroups: ScimGroupsService,
    private readonly groups: GroupsService,
  ) {}

  /** A SCIM change locks the identity before the group's row; a group's deletion must too. */
  onModuleInit(): void {
    this.groups.registerDeletionLock(DeletionLockOrder.ScimIdentities, (tx, groupId) => this.identities.lockAllOfGroup(tx, groupId));
  }

  findByUser(scope: Scope, userId: number, em?: Tx): Promise<ScimIdentityEntity | null> {
    return this.identities.findByUser(scope, userId, em);
  }

  /** The person's identity in the scope, its row locked until `tx` ends (see the repository). */
  findByUserLocked(tx: Tx, scope: Scope, userId: number): Promise<ScimIdentityEntity | null> {
    return this.identities.findByUser(scope, userId, tx, true);
  }

  findByUsers(scope: Scope, userIds: number[]): Promise<IdentitySummary[]> {
    return this.identities.findByUsers(scope, userIds);
  }

  findAllForUser(userId: number): Promise<ScimIdentityEntity[]> {
    return this.identities.findAllForUser(userId);
  }

  async get(scope: Scope, uid: string): Promise<ScimIdentityEntity> {
    const identity = await this.identities.findByExternUid(scope, uid);
    if (!identity) throw new DomainError('not_found', IDENTITY_NOT_FOUND);
    return identity;
  }

  /** The identity with this `extern_uid` in the scope (any case, active or not), or null. */
  find(scope: Scope, uid: string): Promise<ScimIdentityEntity | null> {
    return this.identities.findByExternUid(scope, uid);
  }

  userIdsWithExternUid(externUid: string): Promise<number[]> {
    return this.identities.userIdsWithExternUid(externUid);
  }

  chunkAfter(scope: Scope, afterId: number, limit: number) {
    return this.identities.chunkAfter(scope, afterId, limit);
  }

  async list(scope: Scope, offset: number, limit: number) {
    return this.identities.list(scope, { offset, limit });
  }

  /** Sets the extern_uid in the caller's transaction; 400 when another identity of the scope holds it. */
  async setExternUid(tx: Tx, actor: Actor, scope: Scope, identity: ScimIdentityEntity, externUid: string): Promise<ScimIdentityEntity> {
    validateExternUid(externUid);
    const holder = await this.identities.findByExternUid(scope, externUid, tx);
    if (holder && holder.id !== identity.id) throw new DomainError('invalid_value', EXTERN_UID_TAKEN);
    const doc = JSON.parse(identity.attributes) as Record<string, unknown>;
    const updated = await this.identities.update(tx, identity, { externUid, doc: { ...doc, externalId: externUid } });
    await this.audit.record(tx, {
      name: 'scim_identity_updated',
      actor,
      scope,
      target: { type: 'User', id: identity.userId },
      details: { from: identity.externUid, to: externUid },
    });
    // The IdP keeps addressing Users/<previous>: the old value stays an alias of this identity.
    await this.aliases.recordChange(tx, actor, scope, identity, externUid, new DomainError('invalid_value', EXTERN_UID_IS_ALIAS));
    return updated;
  }

  async update(actor: Actor, scope: Scope, uid: string, externUid: unknown): Promise<ScimIdentityEntity> {
    if (typeof externUid !== 'string' || externUid.trim() === '') {
      throw new DomainError('validation', 'extern_uid is missing', { fields: { extern_uid: ['is missing'] } });
    }
    try {
      return await this.db.transaction(async (tx) => {
        const identity = await this.identities.findByExternUid(scope, uid, tx);
        if (!identity) throw new DomainError('not_found', IDENTITY_NOT_FOUND);
        return this.setExternUid(tx, actor, scope, identity, externUid.trim());
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('invalid_value', EXTERN_UID_TAKEN);
      throw error;
    }
  }

  async delete(actor: Actor, scope: Scope, uid: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const identity = await this.identities.findByExternUid(scope, uid, tx);
      if (!identity) throw new DomainError('not_found', IDENTITY_NOT_FOUND);
      await this.aliases.dropAllOf(tx, actor, scope, identity);
      await this.scimGroups.forgetIdentity(tx, actor, scope, identity);
      await this.identities.delete(tx, identity.id);
      await this.audit.record(tx, {
        name: 'scim_identity_deleted',
        actor,
        scope,
        target: { type: 'User', id: identity.userId },
        details: { extern_uid: identity.externUid, active: identity.active },
      });
    });
  }
}
