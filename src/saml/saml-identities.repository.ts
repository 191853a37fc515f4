import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import { READER } from '../database/data-source-options.js';
import { Database, Tx } from '../database/database.service.js';
import { scopeCondition } from '../database/named-params.js';
import { nowIso } from '../common/clock.js';
import { Scope, scopeGroupId } from '../common/scope.js';
import { SamlIdentityEntity } from './saml-identity.entity.js';

/** Owns saml_identities. NameIDs match exactly (SAML compares them as opaque strings). */
@Injectable()
export class SamlIdentitiesRepository {
  constructor(
    private readonly db: Database,
    @InjectRepository(SamlIdentityEntity, READER) private readonly identities: Repository<SamlIdentityEntity>,
  ) {}

  /** The identity of the scope matching `condition` (`?` placeholders), inside `tx` when given. */
  private async findOneInScope(scope: Scope, condition: string, values: unknown[], tx?: Tx): Promise<SamlIdentityEntity | null> {
    const inScope = scopeCondition('', scopeGroupId(scope));
    const where = `${inScope.sql} AND ${condition} ORDER BY "id" LIMIT 1`;
    const [identity] = await this.db.findWhere(SamlIdentityEntity, where, [...inScope.values, ...values], tx);
    return identity ?? null;
  }

  findByExternUid(scope: Scope, externUid: string, tx?: Tx): Promise<SamlIdentityEntity | null> {
    return this.findOneInScope(scope, '"extern_uid" = ?', [externUid], tx);
  }

  findByUser(scope: Scope, userId: number, tx?: Tx): Promise<SamlIdentityEntity | null> {
    return this.findOneInScope(scope, '"user_id" = ?', [userId], tx);
  }

  /** The NameIDs of a page of users (members view): only the columns it shows. */
  async findByUsers(scope: Scope, userIds: number[]): Promise<Pick<SamlIdentityEntity, 'userId' | 'externUid'>[]> {
    if (userIds.length === 0) return [];
    const inScope = scopeCondition('s', scopeGroupId(scope));
    const users = this.db.inIds('s."user_id"', userIds);
    const rows = await this.db.selectArrays(['s."user_id"', 's."extern_uid"'], `FROM "saml_identities" s WHERE ${inScope.sql} AND ${users.sql}`, 's."id"', [...inScope.values, ...users.values]);
    return rows.map(([userId, externUid]) => ({ userId: Number(userId), externUid: externUid as string }));
  }

  /** The users holding `externUid` (exactly) in any group's provider, or in the instance's. */
  async userIdsWithExternUid(provider: 'group' | 'instance', externUid: string): Promise<number[]> {
    const rows = await this.identities.find({ select: { userId: true }, where: { externUid, groupId: provider === 'group' ? Not(IsNull()) : IsNull() }, order: { userId: 'ASC' } });
    return [...new Set(rows.map((r) => Number(r.userId)))];
  }

  /**
   * The scope's identities after `afterId` in id order, `limit` at most: the unpaged list GitLab
   * returns is streamed in such chunks, so 100,000 identities are never held at once.
   */
  async chunkAfter(scope: Scope, afterId: number, limit: number): Promise<{ id: number; userId: number; externUid: string }[]> {
    const inScope = scopeCondition('s2', scopeGroupId(scope));
    const rows = await this.db.selectArrays(
      ['s."user_id"', 's."extern_uid"', 's."id"'],
      `FROM "saml_identities" s WHERE s."id" IN (SELECT s2."id" FROM "saml_identities" s2 WHERE ${inScope.sql} AND s2."id" > ? ORDER BY s2."id" LIMIT ?)`,
      's."id"',
      [...inScope.values, afterId, limit],
    );
    return rows.map(([userId, externUid, id]) => ({ id: Number(id), userId: Number(userId), externUid: externUid as string }));
  }

  findAllForUser(userId: number): Promise<SamlIdentityEntity[]> {
    return this.identities.find({ where: { userId }, order: { id: 'ASC' } });
  }

  listForScope(scope: Scope, offset: number, limit: number): Promise<[SamlIdentityEntity[], number]> {
    const groupId = scopeGroupId(scope);
    return this.identities.findAndCount({ where: { groupId: groupId ?? IsNull() }, order: { id: 'ASC' }, skip: offset, take: limit });
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

  /** Locks every identity of a group, in id order, until `tx` ends: before the group is deleted (PostgreSQL). */
  lockAllOfGroup(tx: Tx, groupId: number): Promise<void> {
    return tx.lockGroupRows('saml_identities', groupId);
  }

  async delete(tx: Tx, id: number): Promise<void> {
    await tx.delete(SamlIdentityEntity, { id });
  }
}
