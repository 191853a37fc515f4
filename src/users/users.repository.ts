import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository, SelectQueryBuilder } from 'typeorm';
import { READER } from '../database/data-source-options.js';
import { Database, Tx } from '../database/database.service.js';
import { KeysetPage, KeysetRequest, Page, PageRequest, pageOffset } from '../common/paging.js';
import { keysetPage } from '../database/keyset.js';
import { nowIso } from '../common/clock.js';
import { UserEntity, UserState } from './user.entity.js';
import { containsPattern, escapeLike } from '../common/sql-like.js';

/**
 * The filters of GET /users (GitLab's documented ones). Every one given narrows the list; `ids`
 * carries the result of a look-up done elsewhere (extern_uid), an empty array matching nobody.
 */
export interface UserFilter {
  search?: string;
  username?: string;
  state?: UserState;
  admins?: boolean;
  ids?: number[];
  /** Only users with a SAML identity in this scope's provider (group id, or null for the instance). */
  samlIdentityInGroup?: number | null;
  /** Only the Enterprise users of this group (those its SCIM provisioning created). */
  enterpriseGroupId?: number;
  /** False for callers who may not search by email (non-admins). */
  searchEmails?: boolean;
  createdAfter?: string;
  createdBefore?: string;
}

export interface NewUser {
  username: string;
  name: string;
  email: string;
  isAdmin: boolean;
  enterpriseGroupId: number | null;
}

function newUserRow(user: NewUser): UserEntity {
  const now = nowIso();
  return Object.assign(new UserEntity(), {
    ...user,
    usernameLower: user.username.toLowerCase(),
    emailLower: user.email.toLowerCase(),
    state: 'active',
    createdAt: now,
    updatedAt: now,
  });
}

/** Owns users. */
@Injectable()
export class UsersRepository {
  constructor(
    private readonly db: Database,
    @InjectRepository(UserEntity, READER) private readonly users: Repository<UserEntity>,
  ) {}

  /** Every admin request loads its caller: a plain indexed SELECT, no query builder. */
  async findById(id: number, tx?: Tx): Promise<UserEntity | null> {
    const [user] = await this.db.findWhere(UserEntity, '"id" = ?', [id], tx);
    return user ?? null;
  }

  /** The accounts a page of another list names (link invitations): one query for the page. */
  async findByIds(ids: number[]): Promise<UserEntity[]> {
    if (ids.length === 0) return [];
    const inIds = this.db.inIds('"id"', ids);
    return this.db.findWhere(UserEntity, inIds.sql, inIds.values);
  }

  /** Every SCIM create looks the person up by email. */
  async findByEmail(email: string, tx?: Tx): Promise<UserEntity | null> {
    const [user] = await this.db.findWhere(UserEntity, '"email_lower" = ?', [email.toLowerCase()], tx);
    return user ?? null;
  }

  /** GitLab finds users by username without regard to case (usernames are unique that way). */
  async findByUsername(username: string, tx?: Tx): Promise<UserEntity | null> {
    const [user] = await this.db.findWhere(UserEntity, '"username_lower" = ?', [username.toLowerCase()], tx);
    return user ?? null;
  }

  /** Lower-cased usernames equal to `base` or `base` followed by digits, to pick a free one. */
  async usernamesLike(base: string, tx: Tx): Promise<Set<string>> {
    const rows = await tx.select<{ name: string }>(`SELECT "username_lower" AS "name" FROM "users" WHERE "username_lower" LIKE ? ESCAPE '\\'`, [`${escapeLike(base.toLowerCase())}%`]);
    return new Set(rows.map((r) => r.name));
  }

  async insert(tx: Tx, user: NewUser): Promise<UserEntity> {
    const entity = newUserRow(user);
    entity.id = await this.db.insertEntity(tx, UserEntity, entity);
    return entity;
  }

  /** The insert, unless the username or email is taken (then null, and the transaction carries on). */
  async insertIfFree(tx: Tx, user: NewUser): Promise<UserEntity | null> {
    const entity = newUserRow(user);
    const id = await this.db.insertEntityIfFree(tx, UserEntity, entity);
    if (id === null) return null;
    entity.id = id;
    return entity;
  }

  async setState(tx: Tx, id: number, state: UserState): Promise<void> {
    await this.db.updateById(tx, UserEntity, id, { state, updatedAt: nowIso() });
  }

  async updateProfile(tx: Tx, id: number, profile: { name?: string; email?: string; username?: string; isAdmin?: boolean }): Promise<void> {
    const patch: Partial<UserEntity> = { updatedAt: nowIso() };
    if (profile.name !== undefined) patch.name = profile.name;
    if (profile.email !== undefined) Object.assign(patch, { email: profile.email, emailLower: profile.email.toLowerCase() });
    if (profile.username !== undefined) Object.assign(patch, { username: profile.username, usernameLower: profile.username.toLowerCase() });
    if (profile.isAdmin !== undefined) patch.isAdmin = profile.isAdmin;
    await tx.update(UserEntity, { id }, patch);
  }

  async anyAdmin(tx?: Tx): Promise<boolean> {
    return (await (tx ? tx.count(UserEntity, { where: { isAdmin: true } }) : this.users.count({ where: { isAdmin: true } }))) > 0;
  }

  private filtered(filter: UserFilter): SelectQueryBuilder<UserEntity> {
    const qb = this.users.createQueryBuilder('u');
    if (filter.search) {
      const pattern = containsPattern(filter.search);
      qb.andWhere(
        new Brackets((w) =>
          w
            .where(`u.username_lower LIKE :p ESCAPE '\\'`, { p: pattern })
            .orWhere(`LOWER(u.name) LIKE :p ESCAPE '\\'`, { p: pattern })
            .orWhere(filter.searchEmails === false ? '1 = 0' : `u.email_lower LIKE :p ESCAPE '\\'`, { p: pattern }),
        ),
      );
    }
    // A subquery rather than a list of ids: a provider may hold 100,000 identities.
    if (filter.samlIdentityInGroup !== undefined) {
      qb.andWhere(
        filter.samlIdentityInGroup === null
          ? 'u.id IN (SELECT s.user_id FROM saml_identities s WHERE s.group_id IS NULL)'
          : 'u.id IN (SELECT s.user_id FROM saml_identities s WHERE s.group_id = :samlGroup)',
        { samlGroup: filter.samlIdentityInGroup },
      );
    }
    // GitLab matches `username` exactly but without regard to case, as usernames are unique that way.
    if (filter.username !== undefined) qb.andWhere('u.username_lower = :username', { username: filter.username.toLowerCase() });
    if (filter.state !== undefined) qb.andWhere('u.state = :state', { state: filter.state });
    if (filter.enterpriseGroupId !== undefined) qb.andWhere('u.enterprise_group_id = :enterprise', { enterprise: filter.enterpriseGroupId });
    if (filter.admins) qb.andWhere('u.is_admin = :admin', { admin: true });
    if (filter.ids !== undefined) qb.andWhere(filter.ids.length === 0 ? '1 = 0' : 'u.id IN (:...ids)', { ids: filter.ids });
    if (filter.createdAfter) qb.andWhere('u.created_at > :after', { after: filter.createdAfter });
    if (filter.createdBefore) qb.andWhere('u.created_at < :before', { before: filter.createdBefore });
    return qb;
  }

  async list(filter: UserFilter, page: PageRequest): Promise<Page<UserEntity>> {
    const [items, total] = await this.filtered(filter).orderBy('u.id', 'ASC').skip(pageOffset(page)).take(page.perPage).getManyAndCount();
    return { items, total, page: page.page, perPage: page.perPage };
  }

  listKeyset(filter: UserFilter, request: KeysetRequest): Promise<KeysetPage<UserEntity>> {
    return keysetPage(this.filtered(filter), 'u', request, 'ASC');
  }
}
