import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThanOrEqual, Repository } from 'typeorm';
import { READER } from '../database/data-source-options.js';
import { Database, Tx } from '../database/database.service.js';
import { ScopePositions } from '../database/scope-positions.js';
import { nowIso } from '../common/clock.js';
import { KeysetPage, KeysetRequest, keysetWindow, Page, PageRequest, pageOffset } from '../common/paging.js';
import { UserEntity } from '../users/user.entity.js';
import { AccessLevel, MemberEntity, OWNER, RoleSource } from './member.entity.js';
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
  memberSince: string;
  expiresAt: string | null;
  roleSource: RoleSource;
  /** The names of the links that give the role, when it comes from group sync. */
  syncLinks: string[];
}

const MEMBER_ROW_COLUMNS =
  'SELECT u."id" AS "userId", u."username" AS "username", u."name" AS "name", u."email" AS "email", u."state" AS "state", ' +
  'u."enterprise_group_id" AS "enterpriseGroupId", m."access_level" AS "accessLevel", m."created_at" AS "memberSince", m."expires_at" AS "expiresAt", ' +
  'm."role_source" AS "roleSource", m."sync_links" AS "syncLinks"';
/** The same columns for Database.selectArrays, in MemberRow order. */
const MEMBER_ROW_EXPRESSIONS = [
  'u."id"',
  'u."username"',
  'u."name"',
  'u."email"',
  'u."state"',
  'u."enterprise_group_id"',
  'm."access_level"',
  'm."created_at"',
  'm."expires_at"',
  'm."role_source"',
  'm."sync_links"',
];

function memberRowFromArray([userId, username, name, email, state, enterpriseGroupId, accessLevel, memberSince, expiresAt, roleSource, syncLinks]: unknown[]): MemberRow {
  return memberRow({ userId, username, name, email, state, enterpriseGroupId, accessLevel, memberSince, expiresAt, roleSource, syncLinks } as unknown as RawMemberRow);
}

type RawMemberRow = Omit<MemberRow, 'syncLinks'> & { syncLinks: string | null };

function memberRow(r: RawMemberRow): MemberRow {
  return {
    ...r,
    syncLinks: r.syncLinks === null ? [] : (JSON.parse(r.syncLinks) as string[]),
    userId: Number(r.userId),
    accessLevel: Number(r.accessLevel) as AccessLevel,
    enterpriseGroupId: r.enterpriseGroupId === null ? null : Number(r.enterpriseGroupId),
  };
}

/** GitLab's member filters: `query` (search), `user_ids`, `skip_users`. Each one given narrows. */
export interface MemberFilter {
  search?: string;
  userIds?: number[];
  skipUserIds?: number[];
}

/** Characters in a trigram: shorter searches cannot use the trigram index. */
const TRIGRAM = 3;

const isUnfiltered = (filter: MemberFilter) => !filter.search && filter.userIds === undefined && (filter.skipUserIds ?? []).length === 0;

/**
 * The filter as conditions on a membership of alias `m` joined to its user `u`: a user whose
 * username, email or name contains `search`, among `userIds`, not among `skipUserIds`.
 */
function memberMatches(db: Database, m: string, u: string, filter: MemberFilter): { sql: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  if (filter.search && db.kind === 'sqlite' && [...filter.search].length >= TRIGRAM) {
    // The trigram index (migration 1765500000000): a quoted phrase matches where its characters
    // appear together in any of the three columns, case-insensitively — "contains", as below.
    parts.push(`${m}."user_id" IN (SELECT "rowid" FROM "users_search" WHERE "users_search" MATCH ?)`);
    values.push(`"${filter.search.replace(/"/g, '""')}"`);
  } else if (filter.search) {
    // PostgreSQL's pg_trgm indexes serve these very expressions; on SQLite a search shorter than a
    // trigram has no index to use and reads the group's members.
    const p = containsPattern(filter.search);
    parts.push(`(${u}."username_lower" LIKE ? ESCAPE '\\' OR ${u}."email_lower" LIKE ? ESCAPE '\\' OR LOWER(${u}."name") LIKE ? ESCAPE '\\')`);
    values.push(p, p, p);
  }
  if (filter.userIds !== undefined) {
    const ids = db.inIds(`${m}."user_id"`, filter.userIds);
    parts.push(ids.sql);
    values.push(...ids.values);
  }
  if (filter.skipUserIds && filter.skipUserIds.length > 0) {
    const ids = db.inIds(`${m}."user_id"`, filter.skipUserIds);
    parts.push(`NOT (${ids.sql})`);
    values.push(...ids.values);
  }
  return { sql: parts.join(' AND '), values };
}

/** Owns members. */
@Injectable()
export class MembersRepository {
  private readonly positions: ScopePositions;

  constructor(
    private readonly db: Database,
    @InjectRepository(MemberEntity, READER) private readonly members: Repository<MemberEntity>,
  ) {
    this.positions = new ScopePositions(db, 'members');
  }

  async find(groupId: number, userId: number, tx?: Tx): Promise<MemberEntity | null> {
    const [member] = await this.db.findWhere(MemberEntity, '"group_id" = ? AND "user_id" = ?', [groupId, userId], tx);
    return member ?? null;
  }

  findMany(groupId: number, userIds: number[]): Promise<MemberEntity[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.members.find({ where: { groupId, userId: In(userIds) } });
  }

  /** Adds the membership unless the user already is a member; answers whether it did. */
  async insertIfAbsent(
    tx: Tx,
    groupId: number,
    userId: number,
    accessLevel: AccessLevel,
    expiresAt: string | null = null,
    roleSource: RoleSource = 'manual',
    syncLinks: string | null = null,
  ): Promise<boolean> {
    const now = nowIso();
    const row = { groupId, userId, accessLevel, expiresAt, roleSource, baseAccessLevel: null, baseRoleSource: null, syncLinks, createdAt: now, updatedAt: now };
    return (await this.db.insertEntityIfFree(tx, MemberEntity, row)) !== null;
  }

  /** The memberships of `userIds` in one group (inside `tx`, after the group's lock). */
  async findManyIn(tx: Tx, groupId: number, userIds: number[]): Promise<MemberEntity[]> {
    if (userIds.length === 0) return [];
    const ids = this.db.inIds('"user_id"', userIds);
    return this.db.findWhere(MemberEntity, `"group_id" = ? AND ${ids.sql}`, [groupId, ...ids.values], tx);
  }

  /** The user ids of a group's members whose role comes from group sync. */
  async syncedUserIds(tx: Tx, groupId: number): Promise<number[]> {
    const rows = await tx.select<{ userId: number | string }>(`SELECT "user_id" AS "userId" FROM "members" WHERE "group_id" = ? AND "role_source" = 'group_sync'`, [groupId]);
    return rows.map((r) => Number(r.userId));
  }

  /** Group sync's write: the role, its source, the base kept aside and the links that give it. */
  async setSyncedRole(tx: Tx, id: number, values: Pick<MemberEntity, 'accessLevel' | 'roleSource' | 'baseAccessLevel' | 'baseRoleSource' | 'syncLinks'>): Promise<void> {
    await this.db.updateById(tx, MemberEntity, id, { ...values, updatedAt: nowIso() });
  }

  /** The role, and the expiry date unless `expiresAt` is undefined. */
  async setAccessLevel(tx: Tx, groupId: number, userId: number, accessLevel: AccessLevel, expiresAt?: string | null, roleSource?: RoleSource): Promise<void> {
    await tx.update(MemberEntity, { groupId, userId }, { accessLevel, ...(roleSource === undefined ? {} : { roleSource }), ...(expiresAt === undefined ? {} : { expiresAt }), updatedAt: nowIso() });
  }

  /** Answers whether a membership was removed. */
  async delete(tx: Tx, groupId: number, userId: number): Promise<boolean> {
    // Hand-written: every deprovision runs it, and the ORM's delete builds its statement anew each time.
    return (await tx.execute('DELETE FROM "members" WHERE "group_id" = ? AND "user_id" = ?', [groupId, userId])).affected > 0;
  }

  /**
   * Memberships whose expiry day has come (`expires_at` ≤ `today`), oldest first, with what the
   * audit event names. Not a hot path (every few minutes): TypeORM's query builder.
   */
  async findDueToExpire(today: string, limit: number): Promise<{ groupId: number; userId: number; username: string; name: string }[]> {
    const rows = await this.members
      .createQueryBuilder('m')
      .innerJoin(UserEntity, 'u', 'u.id = m.userId')
      .select(['m.groupId AS "groupId"', 'm.userId AS "userId"', 'u.username AS "username"', 'u.name AS "name"'])
      .where('m.expiresAt IS NOT NULL AND m.expiresAt <= :today', { today })
      .orderBy('m.id')
      .limit(limit)
      .getRawMany<{ groupId: number | string; userId: number | string; username: string; name: string }>();
    return rows.map((row) => ({ groupId: Number(row.groupId), userId: Number(row.userId), username: row.username, name: row.name }));
  }

  /** Deletes the membership only if its expiry day has come: a date extended meanwhile keeps it. */
  async deleteIfDue(tx: Tx, groupId: number, userId: number, today: string): Promise<boolean> {
    return (await tx.delete(MemberEntity, { groupId, userId, expiresAt: LessThanOrEqual(today) })) > 0;
  }

  countOwners(tx: Tx, groupId: number): Promise<number> {
    return tx.count(MemberEntity, { where: { groupId, accessLevel: OWNER } });
  }

  /**
   * The members page: account fields joined in SQL, searched and paged in SQL. Without a search the
   * page starts from a remembered boundary id (ScopePositions) and the total is the group's
   * maintained member count, so a deep page of a 100,000-member group neither counts nor walks the
   * rows it skips.
   */
  async listRows(groupId: number, filter: MemberFilter, page: PageRequest): Promise<Page<MemberRow>> {
    if (!isUnfiltered(filter)) return this.filteredRows(groupId, filter, page);
    const located = await this.positions.locate(groupId, pageOffset(page));
    const from = located.fromId === null ? '' : ' AND m2."id" >= ?';
    const rows = await this.db.selectArrays(
      MEMBER_ROW_EXPRESSIONS,
      `FROM "members" m INNER JOIN "users" u ON u."id" = m."user_id" WHERE m."id" IN (SELECT m2."id" FROM "members" m2 WHERE m2."group_id" = ?${from} ORDER BY m2."id" LIMIT ? OFFSET ?)`,
      'm."id"',
      [groupId, ...(located.fromId === null ? [] : [located.fromId]), page.perPage, located.skip],
    );
    return { items: rows.map(memberRowFromArray), total: located.total, page: page.page, perPage: page.perPage };
  }

  /**
   * The members page by keyset (membership id order): the page after `afterId`, before `beforeId`,
   * the last one, or the first. One row past the page is read in the direction of travel, so the
   * answer knows whether another page lies beyond; the cursors are membership ids.
   */
  async listRowsKeyset(groupId: number, filter: MemberFilter, request: KeysetRequest): Promise<KeysetPage<MemberRow>> {
    const backwards = request.beforeId !== undefined || request.fromEnd === true;
    const conditions = ['m2."group_id" = ?'];
    const values: unknown[] = [groupId];
    let from = 'FROM "members" m2';
    const filtered = !isUnfiltered(filter);
    if (filtered) {
      const matches = memberMatches(this.db, 'm2', 'u2', filter);
      from += ' INNER JOIN "users" u2 ON u2."id" = m2."user_id"';
      conditions.push(matches.sql);
      values.push(...matches.values);
    }
    const matching = `${from} WHERE ${conditions.join(' AND ')}`;
    const bound = request.afterId !== undefined ? ' AND m2."id" > ?' : request.beforeId !== undefined ? ' AND m2."id" < ?' : '';
    const boundValue = request.afterId ?? request.beforeId;
    const rows = await this.db.selectArrays(
      [...MEMBER_ROW_EXPRESSIONS, 'm."id"'],
      `FROM "members" m INNER JOIN "users" u ON u."id" = m."user_id" WHERE m."id" IN (SELECT m2."id" ${matching}${bound} ORDER BY m2."id" ${backwards ? 'DESC' : 'ASC'} LIMIT ?)`,
      'm."id"',
      [...values, ...(boundValue === undefined ? [] : [boundValue]), request.perPage + 1],
    );
    const total = filtered ? Number((await this.db.select<{ n: number | string }>(`SELECT COUNT(*) AS "n" ${matching}`, values))[0].n) : (await this.positions.count(groupId)).count;
    const window = keysetWindow(rows, request, (row) => Number(row.at(-1)));
    return { ...window, items: window.items.map((row) => memberRowFromArray(row.slice(0, -1))), total };
  }

  /**
   * Up to `limit` members whose username, email or name contains `search`, oldest membership first;
   * no count (the sign-in troubleshooter wants a handful of people, not a page position).
   */
  async searchUserIds(groupId: number, search: string, limit: number): Promise<number[]> {
    const matches = memberMatches(this.db, 'm', 'u', { search });
    const rows = await this.db.select<{ userId: number | string }>(
      `SELECT m."user_id" AS "userId" FROM "members" m INNER JOIN "users" u ON u."id" = m."user_id" WHERE m."group_id" = ? AND ${matches.sql} ORDER BY m."id" LIMIT ?`,
      [groupId, ...matches.values, limit],
    );
    return rows.map((row) => Number(row.userId));
  }

  private async filteredRows(groupId: number, filter: MemberFilter, page: PageRequest): Promise<Page<MemberRow>> {
    const matches = memberMatches(this.db, 'm', 'u', filter);
    const matching = `FROM "members" m INNER JOIN "users" u ON u."id" = m."user_id" WHERE m."group_id" = ? AND ${matches.sql}`;
    const values = [groupId, ...matches.values];
    const [{ n }] = await this.db.select<{ n: number | string }>(`SELECT COUNT(*) AS "n" ${matching}`, values);
    const rows = await this.db.select<RawMemberRow>(`${MEMBER_ROW_COLUMNS} ${matching} ORDER BY m."id" LIMIT ? OFFSET ?`, [...values, page.perPage, pageOffset(page)]);
    return { items: rows.map(memberRow), total: Number(n), page: page.page, perPage: page.perPage };
  }
}
