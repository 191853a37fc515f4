import { Injectable } from '@nestjs/common';
import { Brackets } from 'typeorm';
import { Database, Tx } from '../database/database.service.js';
import { nowIso } from '../common/clock.js';
import { Page, PageRequest, pageOffset } from '../common/paging.js';
import { AccessLevel, MemberEntity, OWNER } from './member.entity.js';
import { containsPattern } from '../common/sql-like.js';

/** A member row joined with the account fields the members view shows. */
export interface MemberRow {
  userId: number;
  username: string;
  name: string;
  email: string;
  state: string;
  enterpriseGroupId: number | null;
  accessLevel: AccessLevel;
}

@Injectable()
export class MembersRepository {
  constructor(private readonly db: Database) {}

  find(groupId: number, userId: number, em = this.db.reader): Promise<MemberEntity | null> {
    return em.findOne(MemberEntity, { where: { groupId, userId } });
  }

  findMany(groupId: number, userIds: number[]): Promise<MemberEntity[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.db.reader
      .getRepository(MemberEntity)
      .createQueryBuilder('m')
      .where('m.group_id = :groupId AND m.user_id IN (:...userIds)', { groupId, userIds })
      .getMany();
  }

  async insert(tx: Tx, groupId: number, userId: number, accessLevel: AccessLevel): Promise<void> {
    const now = nowIso();
    await tx.insert(MemberEntity, { groupId, userId, accessLevel, createdAt: now, updatedAt: now });
  }

  async setAccessLevel(tx: Tx, groupId: number, userId: number, accessLevel: AccessLevel): Promise<void> {
    await tx.update(MemberEntity, { groupId, userId }, { accessLevel, updatedAt: nowIso() });
  }

  async delete(tx: Tx, groupId: number, userId: number): Promise<void> {
    await tx.delete(MemberEntity, { groupId, userId });
  }

  countOwners(tx: Tx, groupId: number): Promise<number> {
    return tx.count(MemberEntity, { where: { groupId, accessLevel: OWNER } });
  }

  /**
   * The members page: account fields joined in SQL, searched and paged in SQL. Without a search the
   * page's member ids come from the (group_id, id) index alone, so a deep page of a 100,000-member
   * group never joins or sorts the rows it skips.
   */
  async listRows(groupId: number, search: string | undefined, page: PageRequest): Promise<Page<MemberRow>> {
    const members = this.db.reader.getRepository(MemberEntity);
    const joined = members.createQueryBuilder('m').innerJoin('users', 'u', 'u.id = m.user_id').where('m.group_id = :groupId', { groupId });
    let total: number;
    if (search) {
      const p = containsPattern(search);
      joined.andWhere(
        new Brackets((w) =>
          w
            .where(`u.username_lower LIKE :p ESCAPE '\\'`, { p })
            .orWhere(`u.email_lower LIKE :p ESCAPE '\\'`, { p })
            .orWhere(`LOWER(u.name) LIKE :p ESCAPE '\\'`, { p }),
        ),
      );
      total = Number((await joined.clone().select('COUNT(*)', 'n').getRawOne<{ n: number | string }>())?.n ?? 0);
      joined.orderBy('m.id', 'ASC').offset(pageOffset(page)).limit(page.perPage);
    } else {
      total = Number(
        (await members.createQueryBuilder('m').select('COUNT(*)', 'n').where('m.group_id = :groupId', { groupId }).getRawOne<{ n: number | string }>())?.n ?? 0,
      );
      const ids = await members
        .createQueryBuilder('m')
        .select('m.id', 'id')
        .where('m.group_id = :groupId', { groupId })
        .orderBy('m.id', 'ASC')
        .offset(pageOffset(page))
        .limit(page.perPage)
        .getRawMany<{ id: number }>();
      if (ids.length === 0) return { items: [], total, page: page.page, perPage: page.perPage };
      joined.andWhere('m.id IN (:...ids)', { ids: ids.map((r) => Number(r.id)) }).orderBy('m.id', 'ASC');
    }
    const rows = await joined
      .select([
        'u.id AS "userId"',
        'u.username AS "username"',
        'u.name AS "name"',
        'u.email AS "email"',
        'u.state AS "state"',
        'u.enterprise_group_id AS "enterpriseGroupId"',
        'm.access_level AS "accessLevel"',
      ])
      .getRawMany<MemberRow>();
    return {
      items: rows.map((r) => ({
        ...r,
        userId: Number(r.userId),
        accessLevel: Number(r.accessLevel) as AccessLevel,
        enterpriseGroupId: r.enterpriseGroupId === null ? null : Number(r.enterpriseGroupId),
      })),
      total,
      page: page.page,
      perPage: page.perPage,
    };
  }
}
