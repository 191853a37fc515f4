import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database.service.js';
import { nowIso } from '../common/clock.js';
import { Page, PageRequest, pageOffset } from '../common/paging.js';
import { GroupEntity } from './group.entity.js';

@Injectable()
export class GroupsRepository {
  constructor(private readonly db: Database) {}

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
    return tx.save(
      tx.create(GroupEntity, {
        name: group.name,
        path: group.path,
        pathLower: group.path.toLowerCase(),
        allowedEmailDomains: '[]',
        verifiedDomains: '[]',
        createdAt: now,
        updatedAt: now,
      }),
    );
  }

  async update(tx: Tx, id: number, patch: Partial<Pick<GroupEntity, 'name' | 'allowedEmailDomains' | 'verifiedDomains'>>): Promise<void> {
    await tx.update(GroupEntity, { id }, { ...patch, updatedAt: nowIso() });
  }

  /** All groups (admin), or the groups `userId` is a member of. */
  async list(userId: number | null, page: PageRequest): Promise<Page<GroupEntity>> {
    const qb = this.db.reader.getRepository(GroupEntity).createQueryBuilder('g');
    if (userId !== null) {
      qb.where('g.id IN (SELECT m.group_id FROM members m WHERE m.user_id = :userId)', { userId });
    }
    const [items, total] = await qb.orderBy('g.id', 'ASC').skip(pageOffset(page)).take(page.perPage).getManyAndCount();
    return { items, total, page: page.page, perPage: page.perPage };
  }
}
