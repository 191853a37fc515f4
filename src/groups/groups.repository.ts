import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import { containsPattern, escapeLike } from '../common/sql-like.js';
import { READER } from '../database/data-source-options.js';
import { Database, Tx } from '../database/database.service.js';
import type { RowLockMode } from '../database/database.service.js';
import { nowIso } from '../common/clock.js';
import { Page, PageRequest, pageOffset } from '../common/paging.js';
import { GroupEntity } from './group.entity.js';

export interface GroupFilter {
  memberUserId?: number;
  minAccessLevel?: number;
  search?: string;
  skipIds?: number[];
}

/** Owns groups. */
@Injectable()
export class GroupsRepository {
  constructor(
    private readonly db: Database,
    @InjectRepository(GroupEntity, READER) private readonly groups: Repository<GroupEntity>,
  ) {}

  /** Every SCIM and admin request resolves its group: a plain indexed SELECT, no query builder. */
  async findById(id: number, em?: Tx): Promise<GroupEntity | null> {
    const [group] = em ? await this.db.findWhere(GroupEntity, '"id" = ?', [id], em) : await this.db.findWhereShared(GroupEntity, '"id" = ?', [id]);
    return group ?? null;
  }

  async findByPath(path: string): Promise<GroupEntity | null> {
    const [group] = await this.db.findWhereShared(GroupEntity, '"path_lower" = ?', [path.toLowerCase()]);
    return group ?? null;
  }

  async insert(tx: Tx, group: { name: string; path: string }): Promise<GroupEntity> {
    const now = nowIso();
    return tx.save(GroupEntity, {
      name: group.name,
      path: group.path,
      pathLower: group.path.toLowerCase(),
      allowedEmailDomains: '[]',
      verifiedDomains: '[]',
      createdAt: now,
      updatedAt: now,
    });
  }

  /**
   * Locks the group's row until the transaction ends: every change to who the group's Owners are
   * takes this lock first, so the last-Owner rule sees no concurrent removal (PostgreSQL), and so
   * does group sync (MembershipService.lockGroup); `share` is its shared form (shareGroup).
   */
  lock(tx: Tx, id: number, mode: RowLockMode = 'update'): Promise<void> {
    return tx.lockRow('groups', id, mode);
  }

  /**
   * Removes the group; the schema's ON DELETE CASCADE removes its members, SAML settings, SCIM
   * token and identities in the same statement. Sign-in observations, the SCIM request log and
   * audit events stay as history: ids are never reused (AUTOINCREMENT, sequences), so no later
   * group inherits them.
   */
  async delete(tx: Tx, id: number): Promise<boolean> {
    return (await tx.execute('DELETE FROM "groups" WHERE "id" = ?', [id])).affected > 0;
  }

  /**
   * Serializes the transactions that may add `domain` (lower-case) to a group's verified domains:
   * taken, in sorted order, before `groupIdsVerifying` is asked, so two groups claiming one domain
   * at once take turns (an advisory lock on PostgreSQL; SQLite's writes take turns anyway).
   */
  async lockVerifiedDomains(tx: Tx, domains: string[]): Promise<void> {
    for (const domain of [...new Set(domains)].sort()) await tx.lockKey('verified-domain', domain);
  }

  /** The groups whose verified domains include `domain` (lower-case, as stored: a JSON array of strings). */
  async groupIdsVerifying(tx: Tx, domain: string): Promise<number[]> {
    const rows = await tx.select<{ id: number | string }>(`SELECT "id" FROM "groups" WHERE "verified_domains" LIKE ? ESCAPE '\\'`, [`%${escapeLike(JSON.stringify(domain))}%`]);
    return rows.map((row) => Number(row.id));
  }

  async update(tx: Tx, id: number, patch: Partial<Pick<GroupEntity, 'name' | 'allowedEmailDomains' | 'verifiedDomains'>>): Promise<void> {
    await tx.update(GroupEntity, { id }, { ...patch, updatedAt: nowIso() });
  }

  /**
   * All groups, narrowed by GitLab's filters: `memberUserId` to the groups that user belongs to
   * (with at least `minAccessLevel` when given), `search` to a name or path containing it.
   */
  async list(filter: GroupFilter, page: PageRequest): Promise<Page<GroupEntity>> {
    const qb = this.groups.createQueryBuilder('g');
    if (filter.memberUserId !== undefined) {
      qb.andWhere('g.id IN (SELECT m.group_id FROM members m WHERE m.user_id = :userId AND m.access_level >= :level)', {
        userId: filter.memberUserId,
        level: filter.minAccessLevel ?? 0,
      });
    }
    if (filter.search) {
      qb.andWhere(new Brackets((w) => w.where(`g.path_lower LIKE :p ESCAPE '\\'`, { p: containsPattern(filter.search!) }).orWhere(`LOWER(g.name) LIKE :p ESCAPE '\\'`)));
    }
    if (filter.skipIds && filter.skipIds.length > 0) qb.andWhere('g.id NOT IN (:...skip)', { skip: filter.skipIds });
    const [items, total] = await qb.orderBy('g.id', 'ASC').skip(pageOffset(page)).take(page.perPage).getManyAndCount();
    return { items, total, page: page.page, perPage: page.perPage };
  }
}
