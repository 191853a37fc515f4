import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { READER } from '../database/data-source-options.js';
import { Database, Tx } from '../database/database.service.js';
import { positional, scopeCondition } from '../database/named-params.js';
import { ScopePositions } from '../database/scope-positions.js';
import { nowIso } from '../common/clock.js';
import { Scope, scopeGroupId } from '../common/scope.js';
import { normalizeForCompare } from './filter/normalize.js';
import { ScimIdentityEmailEntity } from './scim-identity-email.entity.js';
import { ScimIdentityEntity } from './scim-identity.entity.js';
import type { ScimUserDoc } from './scim-user-doc.js';
import type { SortTerm } from './filter/sort-compiler.js';

/** The indexed projection of a stored SCIM User document. */
export interface IdentityColumns {
  userNameLower: string;
  displayNameLower: string | null;
  nameFormattedLower: string | null;
  givenNameLower: string | null;
  familyNameLower: string | null;
  emails: { valueLower: string; typeLower: string | null; isPrimary: boolean }[];
}

export interface ListQuery {
  where?: { sql: string; params: Record<string, unknown> };
  orderBy?: SortTerm[];
  offset: number;
  limit: number;
  /** Cursor paging: only identities with id > afterId (in creation order). */
  afterId?: number;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? normalizeForCompare(value) : null;
}

/** Derives the filterable columns from a document, so filters never read JSON. */
export function identityColumns(doc: ScimUserDoc): IdentityColumns {
  const name = (doc.name ?? {}) as Record<string, unknown>;
  const emails = Array.isArray(doc.emails) ? doc.emails : [];
  return {
    userNameLower: normalizeForCompare(String(doc.userName ?? '')),
    displayNameLower: str(doc.displayName),
    nameFormattedLower: str(name.formatted),
    givenNameLower: str(name.givenName),
    familyNameLower: str(name.familyName),
    emails: emails
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && typeof (e as Record<string, unknown>).value === 'string')
      .map((e) => ({ valueLower: normalizeForCompare(e.value as string), typeLower: str(e.type), isPrimary: e.primary === true })),
  };
}

/** Column → entity property, for the hand-written reads that skip entity hydration. */
const IDENTITY_COLUMNS: [string, string][] = [
  ['id', 'id'],
  ['group_id', 'groupId'],
  ['user_id', 'userId'],
  ['extern_uid', 'externUid'],
  ['extern_uid_lower', 'externUidLower'],
  ['active', 'active'],
  ['user_name_lower', 'userNameLower'],
  ['display_name_lower', 'displayNameLower'],
  ['name_formatted_lower', 'nameFormattedLower'],
  ['given_name_lower', 'givenNameLower'],
  ['family_name_lower', 'familyNameLower'],
  ['attributes', 'attributes'],
  ['version', 'version'],
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
];

/** `SELECT` of the identity columns under their property names, so rows map without TypeORM's hydration. */
function selectIdentity(alias: string): string {
  return `SELECT ${IDENTITY_COLUMNS.map(([column, property]) => `${alias}."${column}" AS "${property}"`).join(', ')}`;
}

const SELECT_IDENTITY = `${selectIdentity('i')} FROM "scim_identities" i`;

/** A user's SCIM identity as the members view shows it: its id and whether it is active. */
export type IdentitySummary = Pick<ScimIdentityEntity, 'userId' | 'externUid' | 'active'>;

/**
 * What rendering a SCIM User or an identity list row needs. Lists select only these columns:
 * node-sqlite3 builds every row object property by property, so the filter projections
 * (the *_lower columns) would cost as much again to read back as the rest.
 */
export type IdentityView = Pick<ScimIdentityEntity, 'id' | 'userId' | 'externUid' | 'active' | 'version' | 'createdAt' | 'updatedAt'> & {
  /** The stored document: its JSON text, or already parsed (a list page reads it parsed). */
  attributes: string | ScimUserDoc;
};
const VIEW_PROPERTIES = ['id', 'userId', 'externUid', 'active', 'attributes', 'version', 'createdAt', 'updatedAt'];

function selectView(alias: string): string {
  const columns = IDENTITY_COLUMNS.filter(([, property]) => VIEW_PROPERTIES.includes(property));
  return `SELECT ${columns.map(([column, property]) => `${alias}."${column}" AS "${property}"`).join(', ')}`;
}

type ViewRow = Omit<IdentityView, 'active'> & { active: boolean | number };

function viewFromRow(row: ViewRow): IdentityView {
  return { ...row, id: Number(row.id), userId: Number(row.userId), active: row.active === true || row.active === 1, version: Number(row.version) };
}

/** A raw row: SQLite returns booleans as 0/1. */
type IdentityRow = Omit<ScimIdentityEntity, 'active'> & { active: boolean | number };

function identityFromRow(row: IdentityRow): ScimIdentityEntity {
  return Object.assign(new ScimIdentityEntity(), row, {
    id: Number(row.id),
    groupId: row.groupId === null ? null : Number(row.groupId),
    userId: Number(row.userId),
    active: row.active === true || row.active === 1,
    version: Number(row.version),
  });
}

function sameEmails(a: IdentityColumns['emails'], b: IdentityColumns['emails']): boolean {
  return a.length === b.length && a.every((e, i) => e.valueLower === b[i].valueLower && e.typeLower === b[i].typeLower && e.isPrimary === b[i].isPrimary);
}

/** Owns scim_identities and scim_identity_emails. */
@Injectable()
export class ScimIdentitiesRepository {
  private readonly positions: ScopePositions;

  constructor(
    private readonly db: Database,
    @InjectRepository(ScimIdentityEntity, READER) private readonly identities: Repository<ScimIdentityEntity>,
  ) {
    this.positions = new ScopePositions(db, 'scim_identities');
  }

  /**
   * Case-insensitive, as GitLab's `iwhere`: the SCIM id, externalId and NameID are one value.
   * Every POST and most look-ups start here, so it is a plain indexed SELECT; a change of the
   * identity reads it with findForChange, which locks it.
   */
  async findByExternUid(scope: Scope, externUid: string, tx?: Tx): Promise<ScimIdentityEntity | null> {
    const inScope = scopeCondition('i', scopeGroupId(scope));
    const [row] = await this.db.select<IdentityRow>(`${SELECT_IDENTITY} WHERE ${inScope.sql} AND i."extern_uid_lower" = ?`, [...inScope.values, normalizeForCompare(externUid)], tx);
    return row ? identityFromRow(row) : null;
  }

  /**
   * The identity, locked until the transaction ends (a concurrent PATCH, PUT or DELETE of the same
   * person waits, then reads what this one committed), for a change of it, plus whether
   * previous ids still address it: the change retires them, and reading that in the same indexed
   * SELECT spares a PATCH of a person without aliases — nearly every one — a round trip while the
   * row is locked.
   */
  async findForChange(tx: Tx, scope: Scope, externUid: string): Promise<{ identity: ScimIdentityEntity; hasAliases: boolean } | null> {
    const inScope = scopeCondition('i', scopeGroupId(scope));
    const forUpdate = this.db.kind === 'postgres' ? ' FOR UPDATE OF i' : '';
    const [row] = await this.db.select<IdentityRow & { hasAliases: boolean | number }>(
      `${selectIdentity('i')}, EXISTS (SELECT 1 FROM "scim_identity_aliases" a WHERE a."identity_id" = i."id") AS "hasAliases" FROM "scim_identities" i WHERE ${inScope.sql} AND i."extern_uid_lower" = ?${forUpdate}`,
      [...inScope.values, normalizeForCompare(externUid)],
      tx,
    );
    if (!row) return null;
    const { hasAliases, ...identity } = row;
    return { identity: identityFromRow(identity), hasAliases: hasAliases === true || Number(hasAliases) === 1 };
  }

  /** The identity with this row id, locked like findForChange when `lock` (an alias addresses it by id). */
  async findById(id: number, tx?: Tx, lock = false): Promise<ScimIdentityEntity | null> {
    const forUpdate = lock && this.db.kind === 'postgres' ? ' FOR UPDATE' : '';
    const [row] = await this.db.select<IdentityRow>(`${SELECT_IDENTITY} WHERE i."id" = ?${forUpdate}`, [id], tx);
    return row ? identityFromRow(row) : null;
  }

  /**
   * GET Users/:id: the rendered columns only (see IdentityView), plus whether previous ids still
   * address the identity (in the same indexed read: a GET by the current id retires them).
   */
  async findViewByExternUid(scope: Scope, externUid: string): Promise<(IdentityView & { hasAliases: boolean }) | null> {
    const inScope = scopeCondition('i', scopeGroupId(scope));
    const [row] = await this.db.select<ViewRow & { hasAliases: boolean | number }>(
      `${selectView('i')}, EXISTS (SELECT 1 FROM "scim_identity_aliases" a WHERE a."identity_id" = i."id") AS "hasAliases" FROM "scim_identities" i WHERE ${inScope.sql} AND i."extern_uid_lower" = ?`,
      [...inScope.values, normalizeForCompare(externUid)],
    );
    if (!row) return null;
    const { hasAliases, ...view } = row;
    return { ...viewFromRow(view), hasAliases: hasAliases === true || Number(hasAliases) === 1 };
  }

  /** GET Users/:id by an alias: the identity's rendered columns by row id. */
  async findViewById(id: number): Promise<IdentityView | null> {
    const [row] = await this.db.select<ViewRow>(`${selectView('i')} FROM "scim_identities" i WHERE i."id" = ?`, [id]);
    return row ? viewFromRow(row) : null;
  }

  /** Locks every identity of a group, in id order, until `tx` ends: before the group is deleted (PostgreSQL). */
  lockAllOfGroup(tx: Tx, groupId: number): Promise<void> {
    return tx.lockGroupRows('scim_identities', groupId);
  }

  /**
   * The person's identity in the scope. `lock` holds its row until `tx` ends, as a change of the
   * identity does (findForChange): a decision that depends on `active` — may this person sign in
   * and become a member — then cannot interleave with a deprovision of the same person.
   */
  async findByUser(scope: Scope, userId: number, tx?: Tx, lock = false): Promise<ScimIdentityEntity | null> {
    const inScope = scopeCondition('i', scopeGroupId(scope));
    const forUpdate = lock && this.db.kind === 'postgres' ? ' FOR UPDATE OF i' : '';
    const [row] = await this.db.select<IdentityRow>(`${SELECT_IDENTITY} WHERE ${inScope.sql} AND i."user_id" = ? ORDER BY i."id" LIMIT 1${forUpdate}`, [...inScope.values, userId], tx);
    return row ? identityFromRow(row) : null;
  }

  /** The SCIM ids and states of a page of users (members view): only the columns it shows. */
  async findByUsers(scope: Scope, userIds: number[]): Promise<IdentitySummary[]> {
    if (userIds.length === 0) return [];
    const inScope = scopeCondition('i', scopeGroupId(scope));
    const users = this.db.inIds('i."user_id"', userIds);
    const rows = await this.db.selectArrays(['i."user_id"', 'i."extern_uid"', 'i."active"'], `FROM "scim_identities" i WHERE ${inScope.sql} AND ${users.sql}`, 'i."id"', [
      ...inScope.values,
      ...users.values,
    ]);
    return rows.map(([userId, externUid, active]) => ({ userId: Number(userId), externUid: externUid as string, active: active === true || active === 1 }));
  }

  /** Every SCIM identity of a user, across scopes (admin user view). */
  findAllForUser(userId: number): Promise<ScimIdentityEntity[]> {
    return this.identities.find({ where: { userId }, order: { id: 'ASC' } });
  }

  async insert(tx: Tx, scope: Scope, row: { userId: number; externUid: string; active: boolean; doc: ScimUserDoc }): Promise<ScimIdentityEntity> {
    const now = nowIso();
    const columns = identityColumns(row.doc);
    const saved = Object.assign(new ScimIdentityEntity(), {
      groupId: scopeGroupId(scope),
      userId: row.userId,
      externUid: row.externUid,
      externUidLower: normalizeForCompare(row.externUid),
      active: row.active,
      userNameLower: columns.userNameLower,
      displayNameLower: columns.displayNameLower,
      nameFormattedLower: columns.nameFormattedLower,
      givenNameLower: columns.givenNameLower,
      familyNameLower: columns.familyNameLower,
      attributes: JSON.stringify(row.doc),
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    saved.id = await this.db.insertEntity(tx, ScimIdentityEntity, saved);
    await this.writeEmails(tx, saved.id, columns);
    return saved;
  }

  /**
   * Replaces the document (and its projections), optionally the uid and state; bumps the version.
   * A compare-and-set on the version `current` was read at: if another change got there first,
   * nothing is written and the change fails as a version mismatch (412), never a lost update.
   */
  async update(tx: Tx, current: ScimIdentityEntity, change: { doc?: ScimUserDoc; externUid?: string; active?: boolean }): Promise<ScimIdentityEntity> {
    // Only the columns that change are written: on SQLite an UPDATE rewrites every index over a
    // column it sets, and the identity's filter columns are indexed — a PATCH of `active` sets three.
    const values: Partial<ScimIdentityEntity> = { version: current.version + 1, updatedAt: nowIso() };
    if (change.externUid !== undefined) Object.assign(values, { externUid: change.externUid, externUidLower: normalizeForCompare(change.externUid) });
    if (change.active !== undefined) values.active = change.active;
    let columns: IdentityColumns | undefined;
    if (change.doc !== undefined) {
      columns = identityColumns(change.doc);
      const { emails: _emails, ...projection } = columns;
      Object.assign(values, projection, { attributes: JSON.stringify(change.doc) });
    }
    const next: ScimIdentityEntity = { ...current, ...values };
    const id = current.id;
    if (!(await this.db.updateIfVersion(tx, ScimIdentityEntity, id, current.version, values))) {
      throw new DomainError('version_mismatch', `The resource was changed by another request (it is no longer at version W/"${current.version}"); read it again and retry`);
    }
    // Email rows are a projection of the document: rewritten only when the emails changed, so a
    // PATCH of `active` or a name does not delete and re-insert them.
    if (columns && !sameEmails(columns.emails, identityColumns(JSON.parse(current.attributes) as ScimUserDoc).emails)) {
      await tx.delete(ScimIdentityEmailEntity, { identityId: id });
      await this.writeEmails(tx, id, columns);
    }
    return next;
  }

  async delete(tx: Tx, id: number): Promise<void> {
    await tx.delete(ScimIdentityEmailEntity, { identityId: id });
    await tx.delete(ScimIdentityEntity, { id });
  }

  private async writeEmails(tx: Tx, identityId: number, columns: IdentityColumns): Promise<void> {
    if (columns.emails.length === 0) return;
    await tx.insertRows(
      'scim_identity_emails',
      ['identity_id', 'value_lower', 'type_lower', 'is_primary'],
      columns.emails.map((e) => [identityId, e.valueLower, e.typeLower, e.isPrimary]),
    );
  }

  /**
   * A page of identities matching a compiled filter, plus the total count of matches. Written as
   * SQL rather than through the query builder: building the query cost more CPU than running it.
   */
  /** The users holding `externUid` as a SCIM identity in any scope (compared as SCIM ids are: any case). */
  async userIdsWithExternUid(externUid: string): Promise<number[]> {
    const rows = await this.db.select<{ user_id: number | string }>('SELECT DISTINCT "user_id" FROM "scim_identities" WHERE "extern_uid_lower" = ? ORDER BY "user_id"', [
      normalizeForCompare(externUid),
    ]);
    return rows.map((r) => Number(r.user_id));
  }

  /** The scope's identities after `afterId` in id order, `limit` at most (see SamlIdentitiesRepository.chunkAfter). */
  async chunkAfter(scope: Scope, afterId: number, limit: number): Promise<{ id: number; userId: number; externUid: string; active: boolean }[]> {
    const inScope = scopeCondition('i2', scopeGroupId(scope));
    const rows = await this.db.selectArrays(
      ['i."user_id"', 'i."extern_uid"', 'i."active"', 'i."id"'],
      `FROM "scim_identities" i WHERE i."id" IN (SELECT i2."id" FROM "scim_identities" i2 WHERE ${inScope.sql} AND i2."id" > ? ORDER BY i2."id" LIMIT ?)`,
      'i."id"',
      [...inScope.values, afterId, limit],
    );
    return rows.map(([userId, externUid, active, id]) => ({ id: Number(id), userId: Number(userId), externUid: externUid as string, active: Boolean(active) }));
  }

  async list(scope: Scope, query: ListQuery): Promise<{ items: IdentityView[]; total: number }> {
    const groupId = scopeGroupId(scope);
    const conditions = [groupId === null ? 'i."group_id" IS NULL' : 'i."group_id" = ?'];
    const values: unknown[] = groupId === null ? [] : [groupId];
    if (query.where) {
      const filter = positional(query.where.sql, query.where.params);
      conditions.push(`(${filter.sql})`);
      values.push(...filter.values);
    }
    const matching = `FROM "scim_identities" i WHERE ${conditions.join(' AND ')}`;
    // Without a filter the total is the scope's maintained row count, not a COUNT over its rows.
    const count = async () =>
      query.where ? Number((await this.db.select<{ n: number | string }>(`SELECT COUNT(*) AS "n" ${matching}`, values))[0].n) : (await this.positions.count(groupId ?? 0)).count;
    if (query.limit === 0) return { items: [], total: await count() };
    const order: SortTerm[] = query.orderBy && query.orderBy.length > 0 ? query.orderBy : [{ expression: 'i.id', direction: 'ASC' }];
    const creationOrder = order.length === 1 && order[0].expression === 'i.id' && order[0].direction === 'ASC';
    let pageValues = query.afterId === undefined ? values : [...values, query.afterId];
    let keyset = query.afterId === undefined ? '' : ' AND i."id" > ?';
    let offset = query.offset;
    let total: number | undefined;
    let items: IdentityView[];
    if (!creationOrder) {
      const orderBy = order.map((o) => `${o.expression} ${o.direction}${o.nulls ? ` ${o.nulls}` : ''}`).join(', ');
      const sql = `${selectView('i')} ${matching}${keyset} ORDER BY ${orderBy} LIMIT ? OFFSET ?`;
      items = (await this.db.select<ViewRow>(sql, [...pageValues, query.limit, offset])).map(viewFromRow);
    } else {
      if (!query.where && query.afterId === undefined && query.offset > 0) {
        // An unfiltered deep page starts from a remembered boundary id instead of walking the offset.
        const located = await this.positions.locate(groupId ?? 0, query.offset);
        total = located.total;
        if (located.fromId !== null) {
          keyset = ' AND i."id" >= ?';
          pageValues = [...values, located.fromId];
          offset = located.skip;
        }
      }
      // In creation order the offset is walked over the (group_id, id) index alone and only the
      // page's rows are read (PostgreSQL would otherwise fetch every skipped row); the page comes
      // back as one JSON text with the stored documents already parsed.
      const document = this.db.kind === 'postgres' ? 'p."attributes"::json' : 'json(p."attributes")';
      const rows = await this.db.selectArrays(
        ['p."id"', 'p."user_id"', 'p."extern_uid"', 'p."active"', document, 'p."version"', 'p."created_at"', 'p."updated_at"'],
        `FROM "scim_identities" p WHERE p."id" IN (SELECT i."id" ${matching}${keyset} ORDER BY i."id" ASC LIMIT ? OFFSET ?)`,
        'p."id"',
        [...pageValues, query.limit, offset],
      );
      items = rows.map(([id, userId, externUid, active, attributes, version, createdAt, updatedAt]) =>
        viewFromRow({ id, userId, externUid, active, attributes, version, createdAt, updatedAt } as ViewRow),
      );
    }
    if (total !== undefined) return { items, total };
    // A page that is not full ends the result, so it already says how many there are: lookups by
    // userName or externalId (one match) need no second query.
    const pageTellsTotal = query.afterId === undefined && items.length < query.limit && (items.length > 0 || query.offset === 0);
    return { items, total: pageTellsTotal ? query.offset + items.length : await count() };
  }
}
