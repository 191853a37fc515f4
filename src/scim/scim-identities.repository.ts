import { Injectable } from '@nestjs/common';
import { SelectQueryBuilder } from 'typeorm';
import { Database, Tx } from '../database/database.service.js';
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

/** Owns scim_identities and scim_identity_emails. */
@Injectable()
export class ScimIdentitiesRepository {
  constructor(private readonly db: Database) {}

  private scoped(em = this.db.reader, scope: Scope): SelectQueryBuilder<ScimIdentityEntity> {
    const qb = em.getRepository(ScimIdentityEntity).createQueryBuilder('i');
    const groupId = scopeGroupId(scope);
    return groupId === null ? qb.where('i.group_id IS NULL') : qb.where('i.group_id = :scopeGroupId', { scopeGroupId: groupId });
  }

  /** Case-insensitive, as GitLab's `iwhere`: the SCIM id, externalId and NameID are one value. */
  findByExternUid(scope: Scope, externUid: string, em = this.db.reader): Promise<ScimIdentityEntity | null> {
    return this.scoped(em, scope).andWhere('i.extern_uid_lower = :uid', { uid: normalizeForCompare(externUid) }).getOne();
  }

  findByUser(scope: Scope, userId: number, em = this.db.reader): Promise<ScimIdentityEntity | null> {
    return this.scoped(em, scope).andWhere('i.user_id = :userId', { userId }).getOne();
  }

  findByUsers(scope: Scope, userIds: number[]): Promise<ScimIdentityEntity[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.scoped(this.db.reader, scope).andWhere('i.user_id IN (:...userIds)', { userIds }).getMany();
  }

  /** Every SCIM identity of a user, across scopes (admin user view). */
  findAllForUser(userId: number): Promise<ScimIdentityEntity[]> {
    return this.db.reader.find(ScimIdentityEntity, { where: { userId }, order: { id: 'ASC' } });
  }

  async insert(tx: Tx, scope: Scope, row: { userId: number; externUid: string; active: boolean; doc: ScimUserDoc }): Promise<ScimIdentityEntity> {
    const now = nowIso();
    const columns = identityColumns(row.doc);
    const saved = await tx.save(
      tx.create(ScimIdentityEntity, {
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
      }),
    );
    await this.writeEmails(tx, saved.id, columns);
    return saved;
  }

  /** Replaces the document (and its projections), optionally the uid and state; bumps the version. */
  async update(tx: Tx, current: ScimIdentityEntity, change: { doc?: ScimUserDoc; externUid?: string; active?: boolean }): Promise<ScimIdentityEntity> {
    const next: ScimIdentityEntity = { ...current, version: current.version + 1, updatedAt: nowIso() };
    if (change.externUid !== undefined) Object.assign(next, { externUid: change.externUid, externUidLower: normalizeForCompare(change.externUid) });
    if (change.active !== undefined) next.active = change.active;
    let columns: IdentityColumns | undefined;
    if (change.doc !== undefined) {
      columns = identityColumns(change.doc);
      const { emails: _emails, ...projection } = columns;
      Object.assign(next, projection, { attributes: JSON.stringify(change.doc) });
    }
    const { id, ...values } = next;
    await tx.update(ScimIdentityEntity, { id }, values);
    if (columns) {
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
    await tx.insert(ScimIdentityEmailEntity, columns.emails.map((e) => ({ identityId, ...e })));
  }

  /** A page of identities matching a compiled filter, plus the total count of matches. */
  async list(scope: Scope, query: ListQuery): Promise<{ items: ScimIdentityEntity[]; total: number }> {
    const qb = this.scoped(this.db.reader, scope);
    if (query.where) qb.andWhere(`(${query.where.sql})`, query.where.params);
    const total = await qb.clone().getCount();
    if (query.limit === 0) return { items: [], total };
    if (query.afterId !== undefined) qb.andWhere('i.id > :afterId', { afterId: query.afterId });
    const order: SortTerm[] = query.orderBy && query.orderBy.length > 0 ? query.orderBy : [{ expression: 'i.id', direction: 'ASC' }];
    order.forEach((o, index) => (index === 0 ? qb.orderBy(o.expression, o.direction, o.nulls) : qb.addOrderBy(o.expression, o.direction, o.nulls)));
    const items = await qb.offset(query.offset).limit(query.limit).getMany();
    return { items, total };
  }
}
