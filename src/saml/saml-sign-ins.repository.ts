import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database.service.js';
import { nowIso } from '../common/clock.js';
import { Scope, scopeGroupId } from '../common/scope.js';
import { SamlSignInEntity } from './saml-sign-in.entity.js';

export interface SignInObservation {
  nameId: string;
  email: string | null;
  userId: number | null;
  outcome: string;
}

/** Owns saml_sign_ins: one row per valid SAML response, accepted or refused. */
@Injectable()
export class SamlSignInsRepository {
  constructor(private readonly db: Database) {}

  async insert(tx: Tx, scope: Scope, observation: SignInObservation): Promise<number> {
    const saved = await tx.save(tx.create(SamlSignInEntity, { groupId: scopeGroupId(scope), ...observation, createdAt: nowIso() }));
    return saved.id;
  }

  findById(id: number): Promise<SamlSignInEntity | null> {
    return this.db.reader.findOne(SamlSignInEntity, { where: { id } });
  }

  /** The newest observation per user, for a page of users (index: group_id, user_id, id). */
  async latestForUsers(scope: Scope, userIds: number[]): Promise<Map<number, SamlSignInEntity>> {
    const result = new Map<number, SamlSignInEntity>();
    if (userIds.length === 0) return result;
    const groupId = scopeGroupId(scope);
    const qb = this.db.reader
      .getRepository(SamlSignInEntity)
      .createQueryBuilder('o')
      // The scope in the outer query too, so (group_id, user_id, id) serves both levels.
      .where(groupId === null ? 'o.group_id IS NULL' : 'o.group_id = :groupId', { groupId })
      .andWhere('o.user_id IN (:...userIds)', { userIds })
      .andWhere(
        `o.id = (SELECT MAX(o2.id) FROM saml_sign_ins o2 WHERE o2.user_id = o.user_id AND ${groupId === null ? 'o2.group_id IS NULL' : 'o2.group_id = :groupId'})`,
        { groupId },
      );
    for (const row of await qb.getMany()) if (row.userId !== null) result.set(row.userId, row);
    return result;
  }
}
