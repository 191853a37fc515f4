import { Injectable } from '@nestjs/common';
import { Scope } from '../common/scope.js';
import { Tx } from '../database/database.service.js';
import { SamlIdentityEntity } from './saml-identity.entity.js';
import { SamlIdentitiesRepository } from './saml-identities.repository.js';

/**
 * SAML identities as other modules see them: SCIM provisioning creates them and moves them with
 * the SCIM extern_uid; the admin API reads and edits them.
 */
@Injectable()
export class SamlIdentitiesService {
  constructor(private readonly identities: SamlIdentitiesRepository) {}

  findByUser(scope: Scope, userId: number, em?: Tx): Promise<SamlIdentityEntity | null> {
    return this.identities.findByUser(scope, userId, em);
  }

  findByExternUid(scope: Scope, externUid: string, em?: Tx): Promise<SamlIdentityEntity | null> {
    return this.identities.findByExternUid(scope, externUid, em);
  }

  findByUsers(scope: Scope, userIds: number[]): Promise<SamlIdentityEntity[]> {
    return this.identities.findByUsers(scope, userIds);
  }

  findAllForUser(userId: number): Promise<SamlIdentityEntity[]> {
    return this.identities.findAllForUser(userId);
  }

  create(tx: Tx, scope: Scope, userId: number, externUid: string): Promise<SamlIdentityEntity> {
    return this.identities.insert(tx, scope, userId, externUid);
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
}
