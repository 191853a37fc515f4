import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { READER } from '../database/data-source-options.js';
import { Database, Tx } from '../database/database.service.js';
import { nowIso } from '../common/clock.js';
import { Page, PageRequest, pageOffset } from '../common/paging.js';
import { GroupEntity } from './group.entity.js';

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
   * takes this lock first, so the last-Owner rule sees no concurrent removal (PostgreSQL).
   */
  lock(tx: Tx, id: number): Promise<void> {
    return tx.lockRow('groups', id);
  }

  async update(tx: Tx, id: number, patch: Partial<Pick<GroupEntity, 'name' | 'allowedEmailDomains' | 'verifiedDomains'>>): Promise<void> {
    await tx.update(GroupEntity, { id }, { ...patch, updatedAt: nowIso() });
  }

  /** All groups (admin), or the groups `userId` is a member of. */
  async list(userId: number | null, page: PageRequest): Promise<Page<GroupEntity>> {
    const qb = this.groups.createQueryBuilder('g');
    if (userId !== null) {
      qb.where('g.id IN (SELECT m.group_id FROM members m WHERE m.user_id = :userId)', { userId });
    }
    const [items, total] = await qb.orderBy('g.id', 'ASC').skip(pageOffset(page)).take(page.perPage).getManyAndCount();
    return { items, total, page: page.page, perPage: page.perPage };
  }
}
