import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { Page, PageRequest, pageOffset } from '../common/paging.js';
import { Scope } from '../common/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, isUniqueViolation, Tx } from '../database/database.service.js';
import { DeletionLockOrder, GroupsService } from '../groups/groups.service.js';
import { SamlIdentityEntity } from './saml-identity.entity.js';
import { SamlIdentitiesRepository } from './saml-identities.repository.js';

/** GitLab's messages (doc/api/saml.md), which scripts written for GitLab match on. */
export const SAML_IDENTITY_NOT_FOUND = '404 Identity Not Found';
export const SAML_EXTERN_UID_TAKEN = 'Extern uid has already been taken';
const MAX_EXTERN_UID_LENGTH = 255;

/** A new extern_uid as an admin or Owner sends it: trimmed, not empty, within the column's length. */
function parseExternUid(externUid: unknown): string {
  if (typeof externUid !== 'string' || externUid.trim() === '') {
    throw new DomainError('validation', 'extern_uid is missing', { fields: { extern_uid: ['is missing'] } });
  }
  const to = externUid.trim();
  if (to.length > MAX_EXTERN_UID_LENGTH) {
    throw new DomainError('validation', `extern_uid is longer than ${MAX_EXTERN_UID_LENGTH} characters`, {
      fields: { extern_uid: [`must be at most ${MAX_EXTERN_UID_LENGTH} characters`] },
    });
  }
  return to;
}

/**
 * SAML identities as other modules see them: SCIM provisioning creates them and moves them with
 * the SCIM extern_uid; the admin API reads and edits them.
 */
@Injectable()
export class SamlIdentitiesService implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly identities: SamlIdentitiesRepository,
    private readonly audit: AuditService,
    private readonly groups: GroupsService,
  ) {}

  /** A sign-in that relinks changes the identity before it takes the group's row; a group's deletion must lock it first too. */
  onModuleInit(): void {
    this.groups.registerDeletionLock(DeletionLockOrder.SamlIdentities, (tx, groupId) => this.identities.lockAllOfGroup(tx, groupId));
  }

  findByUser(scope: Scope, userId: number, em?: Tx): Promise<SamlIdentityEntity | null> {
    return this.identities.findByUser(scope, userId, em);
  }

  findByExternUid(scope: Scope, externUid: string, em?: Tx): Promise<SamlIdentityEntity | null> {
    return this.identities.findByExternUid(scope, externUid, em);
  }

  findByUsers(scope: Scope, userIds: number[]): Promise<Pick<SamlIdentityEntity, 'userId' | 'externUid'>[]> {
    return this.identities.findByUsers(scope, userIds);
  }

  userIdsWithExternUid(provider: 'group' | 'instance', externUid: string): Promise<number[]> {
    return this.identities.userIdsWithExternUid(provider, externUid);
  }

  findAllForUser(userId: number): Promise<SamlIdentityEntity[]> {
    return this.identities.findAllForUser(userId);
  }

  create(tx: Tx, scope: Scope, userId: number, externUid: string): Promise<SamlIdentityEntity> {
    return this.identities.insert(tx, scope, userId, externUid);
  }

  /**
   * Points an identity at another NameID inside the caller's transaction, which audits the change
   * in its own terms (a sign-in relink, an authorized link, a resolved mismatch).
   */
  async setExternUid(tx: Tx, identity: SamlIdentityEntity, externUid: string): Promise<void> {
    await this.identities.updateExternUid(tx, identity.id, externUid);
  }

  /**
   * Moves the user's SAML identity from `from` to `to` when it held the old value (compared
   * case-insensitively, as SCIM stored it). Returns whether it moved.
   */
  async followExternUidChange(tx: Tx, scope: Scope, userId: number, from: string, to: string): Promise<boolean> {
    const identity = await this.identities.findByUser(scope, userId, tx);
    if (!identity || identity.externUid.toLowerCase() !== from.toLowerCase()) return false;
    await this.identities.updateExternUid(tx, identity.id, to);
    return true;
  }

  chunkAfter(scope: Scope, afterId: number, limit: number): Promise<{ id: number; userId: number; externUid: string }[]> {
    return this.identities.chunkAfter(scope, afterId, limit);
  }

  /** A page of the scope's SAML identities, oldest first. */
  async list(scope: Scope, page: PageRequest): Promise<Page<SamlIdentityEntity>> {
    const [items, total] = await this.identities.listForScope(scope, pageOffset(page), page.perPage);
    return { items, total, page: page.page, perPage: page.perPage };
  }

  /** One identity by its exact extern_uid (SAML compares NameIDs as opaque strings). */
  async get(scope: Scope, uid: string): Promise<SamlIdentityEntity> {
    const identity = await this.identities.findByExternUid(scope, uid);
    if (!identity) throw new DomainError('not_found', SAML_IDENTITY_NOT_FOUND);
    return identity;
  }

  /**
   * An owner's manual correction of the NameID an identity is matched on; 400 when another
   * identity of the scope holds the value. Audited with the old and the new value.
   */
  async updateExternUid(actor: Actor, scope: Scope, uid: string, externUid: unknown): Promise<SamlIdentityEntity> {
    const to = parseExternUid(externUid);
    try {
      return await this.db.transaction(async (tx) => {
        const identity = await this.identities.findByExternUid(scope, uid, tx);
        if (!identity) throw new DomainError('not_found', SAML_IDENTITY_NOT_FOUND);
        if (identity.externUid === to) return identity;
        const holder = await this.identities.findByExternUid(scope, to, tx);
        if (holder) throw new DomainError('invalid_value', SAML_EXTERN_UID_TAKEN);
        await this.identities.updateExternUid(tx, identity.id, to);
        await this.audit.record(tx, {
          name: 'saml_identity_updated',
          actor,
          scope,
          target: { type: 'User', id: identity.userId },
          details: { from: identity.externUid, to },
        });
        return (await this.identities.findByExternUid(scope, to, tx))!;
      });
    } catch (error) {
      // Two owners racing to the same value: the unique index decides, the answer is the same 400.
      if (isUniqueViolation(error)) throw new DomainError('invalid_value', SAML_EXTERN_UID_TAKEN);
      throw error;
    }
  }

  /**
   * An admin adds or corrects a person's identity in a scope (GitLab's `PUT /users/:id` with
   * `provider` and `extern_uid`): the same rule as every other path, a value another person holds
   * in the scope is 400 "Extern uid has already been taken". Audited as a link or an update.
   */
  async setForUser(tx: Tx, actor: Actor, scope: Scope, userId: number, externUid: unknown): Promise<void> {
    const to = parseExternUid(externUid);
    const holder = await this.identities.findByExternUid(scope, to, tx);
    if (holder && holder.userId !== userId) throw new DomainError('invalid_value', SAML_EXTERN_UID_TAKEN);
    const current = await this.identities.findByUser(scope, userId, tx);
    if (current?.externUid === to) return;
    if (current) await this.identities.updateExternUid(tx, current.id, to);
    else await this.identities.insert(tx, scope, userId, to);
    await this.audit.record(tx, {
      name: current ? 'saml_identity_updated' : 'saml_identity_linked',
      actor,
      scope,
      target: { type: 'User', id: userId },
      details: current ? { from: current.externUid, to } : { extern_uid: to, by: 'admin' },
    });
  }

  /** A unique-index violation from setForUser (a concurrent writer took the value): GitLab's 400. */
  takenError(error: unknown): unknown {
    return isUniqueViolation(error) ? new DomainError('invalid_value', SAML_EXTERN_UID_TAKEN) : error;
  }

  /** GitLab's `DELETE /users/:id/identities/:provider`: the person's identity in the scope. Audited. */
  deleteForUser(actor: Actor, scope: Scope, userId: number): Promise<void> {
    return this.deleteFound(actor, scope, (tx) => this.identities.findByUser(scope, userId, tx));
  }

  /** Removes the identity: the person must link again at their next SAML sign-in. Audited. */
  delete(actor: Actor, scope: Scope, uid: string): Promise<void> {
    return this.deleteFound(actor, scope, (tx) => this.identities.findByExternUid(scope, uid, tx));
  }

  private async deleteFound(actor: Actor, scope: Scope, find: (tx: Tx) => Promise<SamlIdentityEntity | null>): Promise<void> {
    await this.db.transaction(async (tx) => {
      const identity = await find(tx);
      if (!identity) throw new DomainError('not_found', SAML_IDENTITY_NOT_FOUND);
      await this.identities.delete(tx, identity.id);
      await this.audit.record(tx, {
        name: 'saml_identity_deleted',
        actor,
        scope,
        target: { type: 'User', id: identity.userId },
        details: { from: identity.externUid, to: null },
      });
    });
  }
}
