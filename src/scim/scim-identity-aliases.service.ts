import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { Scope } from '../common/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, Tx } from '../database/database.service.js';
import { normalizeForCompare } from './filter/normalize.js';
import { AliasView, ScimIdentityAliasesRepository } from './scim-identity-aliases.repository.js';
import { ScimIdentitiesRepository } from './scim-identities.repository.js';
import type { ScimIdentityEntity } from './scim-identity.entity.js';

export const ALIAS_NOT_FOUND = '404 Alias Not Found';

/** Why an alias went away, as its audit event says. */
export type AliasDropReason = 'new_id_used' | 'dropped_by_owner' | 'value_in_use_again' | 'identity_deleted';

/**
 * Previous extern_uids that keep addressing a SCIM identity (scim-api.md, "Leniency kept on
 * purpose"). Okta and Entra address a person by the SCIM `id` they were given at creation, so when
 * the id changes in Roster `Users/<previous>` keeps answering for the same person until the IdP
 * addresses `Users/<current>` (it has picked up the new id) or an owner drops the alias.
 *
 * An alias never shadows anyone: its value was the identity's own (unique in the scope) when it
 * was made, and a value that is someone's alias is refused as another identity's new or changed
 * extern_uid (the owner drops the alias first, deliberately). Every creation and drop is audited in
 * the transaction of the change that caused it.
 */
@Injectable()
export class ScimIdentityAliasesService {
  constructor(
    private readonly db: Database,
    private readonly aliases: ScimIdentityAliasesRepository,
    private readonly identities: ScimIdentitiesRepository,
    private readonly audit: AuditService,
  ) {}

  /** The identity `id` addresses in the scope: by its current extern_uid, else through an alias. */
  async resolve(scope: Scope, id: string, tx: Tx): Promise<{ identity: ScimIdentityEntity; viaAlias: boolean } | null> {
    const identity = await this.identities.findByExternUid(scope, id, tx);
    if (identity) return { identity, viaAlias: false };
    const alias = await this.aliases.find(scope, id, tx);
    if (!alias) return null;
    const target = await this.identities.findById(alias.identityId, tx);
    return target ? { identity: target, viaAlias: true } : null;
  }

  /**
   * resolve, for a change of the identity: its row locked until the transaction ends, and, when
   * `id` is its current extern_uid, the aliases that use retires (the IdP has moved to it) —
   * dropped here, in the change's transaction.
   */
  async resolveForChange(tx: Tx, actor: Actor, scope: Scope, id: string): Promise<ScimIdentityEntity | null> {
    const current = await this.identities.findForChange(tx, scope, id);
    if (current) {
      if (current.hasAliases) await this.dropAfterUseOfCurrent(tx, actor, scope, current.identity);
      return current.identity;
    }
    const alias = await this.aliases.find(scope, id, tx);
    return alias ? this.identities.findById(alias.identityId, tx, true) : null;
  }

  /** The alias's identity id, for reads outside a transaction. */
  async identityIdOf(scope: Scope, id: string): Promise<number | null> {
    return (await this.aliases.find(scope, id))?.identityId ?? null;
  }

  /** Throws `taken` when `externUid` is an alias of an identity other than `identityId`. */
  async refuseIfAliasOfAnother(tx: Tx, scope: Scope, externUid: string, identityId: number | null, taken: DomainError): Promise<void> {
    const alias = await this.aliases.find(scope, externUid, tx);
    if (alias && alias.identityId !== identityId) throw taken;
  }

  /**
   * The identity's extern_uid changes from `identity.externUid` to `to` (in the caller's
   * transaction, before or after the row itself): the old value becomes an alias, and `to` stops
   * being one if it was this identity's own (the IdP went back to it). `taken` is thrown when `to`
   * is another person's alias.
   */
  async recordChange(tx: Tx, actor: Actor, scope: Scope, identity: ScimIdentityEntity, to: string, taken: DomainError): Promise<void> {
    const from = identity.externUid;
    if (normalizeForCompare(from) === normalizeForCompare(to)) return;
    const existing = await this.aliases.find(scope, to, tx);
    if (existing && existing.identityId !== identity.id) throw taken;
    if (existing) await this.drop(tx, actor, scope, identity.userId, existing.id, existing.externUid, to, 'value_in_use_again');
    await this.aliases.insert(tx, scope, identity.id, from);
    await this.audit.record(tx, {
      name: 'scim_identity_alias_created',
      actor,
      scope,
      target: { type: 'User', id: identity.userId },
      details: { alias: from, extern_uid: to },
    });
  }

  /** The identity was addressed by its current extern_uid: the IdP uses it now, so its aliases go. */
  async dropAfterUseOfCurrent(tx: Tx, actor: Actor, scope: Scope, identity: ScimIdentityEntity): Promise<void> {
    for (const alias of await this.aliases.forIdentity(identity.id, tx)) {
      await this.drop(tx, actor, scope, identity.userId, alias.id, alias.externUid, identity.externUid, 'new_id_used');
    }
  }

  /** GET Users/<current> outside a transaction: the same retirement, in one of its own. */
  async dropAfterRead(actor: Actor, scope: Scope, identityId: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      const identity = await this.identities.findById(identityId, tx, true);
      if (identity) await this.dropAfterUseOfCurrent(tx, actor, scope, identity);
    });
  }

  /** The identity is deleted: its aliases go with it, each audited. */
  async dropAllOf(tx: Tx, actor: Actor, scope: Scope, identity: ScimIdentityEntity): Promise<void> {
    for (const alias of await this.aliases.forIdentity(identity.id, tx)) {
      await this.drop(tx, actor, scope, identity.userId, alias.id, alias.externUid, identity.externUid, 'identity_deleted');
    }
  }

  list(scope: Scope): Promise<AliasView[]> {
    return this.aliases.list(scope);
  }

  /** An owner retires an alias (the IdP no longer uses it, or its value must go to someone else). */
  async dropByOwner(actor: Actor, scope: Scope, externUid: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const alias = await this.aliases.find(scope, externUid, tx);
      if (!alias) throw new DomainError('not_found', ALIAS_NOT_FOUND);
      const identity = await this.identities.findById(alias.identityId, tx);
      await this.drop(tx, actor, scope, identity?.userId ?? null, alias.id, alias.externUid, identity?.externUid ?? null, 'dropped_by_owner');
    });
  }

  private async drop(tx: Tx, actor: Actor, scope: Scope, userId: number | null, aliasId: number, alias: string, current: string | null, reason: AliasDropReason): Promise<void> {
    await this.aliases.delete(tx, aliasId);
    await this.audit.record(tx, {
      name: 'scim_identity_alias_dropped',
      actor,
      scope,
      target: { type: 'User', id: userId },
      details: { alias, extern_uid: current, reason },
    });
  }
}
