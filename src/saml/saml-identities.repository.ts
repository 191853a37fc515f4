import { Injectable } from '@nestjs/common';
import { SelectQueryBuilder } from 'typeorm';
import { Database, Tx } from '../database/database.service.js';
import { scopeCondition } from '../database/named-params.js';
import { nowIso } from '../common/clock.js';
import { Scope, scopeGroupId } from '../common/scope.js';
import { SamlIdentityEntity } from './saml-identity.entity.js';

/** Owns saml_identities. NameIDs match exactly (SAML compares them as opaque strings). */
@Injectable()
export class SamlIdentitiesRepository {
  constructor(private readonly db: Database) {}

  private scoped(em = this.db.reader, scope: Scope): SelectQueryBuilder<SamlIdentityEntity> {
    const qb = em.getRepository(SamlIdentityEntity).createQueryBuilder('s');
    const groupId = scopeGroupId(scope);
    return groupId === null ? qb.where('s.group_id IS NULL') : qb.where('s.group_id = :scopeGroupId', { scopeGroupId: groupId });
  }

  findByExternUid(scope: Scope, externUid: string, em = this.db.reader): Promise<SamlIdentityEntity | null> {
    return this.scoped(em, scope).andWhere('s.extern_uid = :uid', { uid: externUid }).getOne();
  }

  findByUser(scope: Scope, userId: number, em = this.db.reader): Promise<SamlIdentityEntity | null> {
    return this.scoped(em, scope).andWhere('s.user_id = :userId', { userId }).getOne();
  }

  /** The NameIDs of a page of users (members view): only the columns it shows. */
  async findByUsers(scope: Scope, userIds: number[]): Promise<Pick<SamlIdentityEntity, 'userId' | 'externUid'>[]> {
    if (userIds.length === 0) return [];
    const inScope = scopeCondition('s', scopeGroupId(scope));
    const users = this.db.inIds('s."user_id"', userIds);
    const rows = await this.db.selectArrays(
      ['s."user_id"', 's."extern_uid"'],
      `FROM "saml_identities" s WHERE ${inScope.sql} AND ${users.sql}`,
      's."id"',
      [...inScope.values, ...users.values],
    );
    return rows.map(([userId, externUid]) => ({ userId: Number(userId), externUid: externUid as string }));
  }

  findAllForUser(userId: number): Promise<SamlIdentityEntity[]> {
    return this.db.reader.find(SamlIdentityEntity, { where: { userId }, order: { id: 'ASC' } });
  }

  listForScope(scope: Scope, offset: number, limit: number): Promise<[SamlIdentityEntity[], number]> {
    return this.scoped(this.db.reader, scope).orderBy('s.id', 'ASC').offset(offset).limit(limit).getManyAndCount();
  }

  async insert(tx: Tx, scope: Scope, userId: number, externUid: string): Promise<SamlIdentityEntity> {
    const now = nowIso();
    const identity = Object.assign(new SamlIdentityEntity(), { groupId: scopeGroupId(scope), userId, externUid, createdAt: now, updatedAt: now });
    identity.id = await this.db.insertEntity(tx, SamlIdentityEntity, identity);
    return identity;
  }

  async updateExternUid(tx: Tx, id: number, externUid: string): Promise<void> {
    await tx.update(SamlIdentityEntity, { id }, { externUid, updatedAt: nowIso() });
  }

  async delete(tx: Tx, id: number): Promise<void> {
    await tx.delete(SamlIdentityEntity, { id });
  }
}
