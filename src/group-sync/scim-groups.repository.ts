import { Injectable } from '@nestjs/common';
import { nowIso } from '../common/clock.js';
import { Scope, scopeGroupId, scopeKey } from '../common/scope.js';
import { Database, Tx } from '../database/database.service.js';
import { positional, scopeCondition } from '../database/named-params.js';
import type { CompiledFilter } from '../scim/filter/filter-compiler.js';
import { normalizeForCompare } from '../scim/filter/normalize.js';
import { ScimGroupEntity } from './scim-group.entity.js';
import { inTexts } from './saml-group-links.repository.js';

/** A member as the Group resource shows it: the User's SCIM id and the person's name. */
export interface ScimGroupMemberView {
  value: string;
  display: string;
}

/** A SCIM identity of the scope a member value resolved to. */
export interface ResolvedMember {
  identityId: number;
  userId: number;
}

/** Owns scim_groups and scim_group_members. */
@Injectable()
export class ScimGroupsRepository {
  constructor(private readonly db: Database) {}

  async findByResourceId(scope: Scope, resourceId: string, tx?: Tx): Promise<ScimGroupEntity | null> {
    const [group] = await this.db.findWhere(ScimGroupEntity, '"resource_id" = ? AND "scope_key" = ?', [resourceId.toLowerCase(), scopeKey(scope)], tx);
    return group ?? null;
  }

  /** Another group of the scope already called `displayName` (case-insensitively). */
  async nameTaken(tx: Tx, scope: Scope, displayName: string, exceptId?: number): Promise<boolean> {
    const rows = await tx.select<{ id: number | string }>('SELECT "id" AS "id" FROM "scim_groups" WHERE "scope_key" = ? AND "display_name_lower" = ?', [
      scopeKey(scope),
      normalizeForCompare(displayName),
    ]);
    return rows.some((r) => Number(r.id) !== exceptId);
  }

  /** Null when the scope already has a group of that name (a concurrent create won). */
  insert(tx: Tx, scope: Scope, resourceId: string, displayName: string, externalId: string | null): Promise<number | null> {
    const now = nowIso();
    return this.db.insertEntityIfFree(tx, ScimGroupEntity, {
      groupId: scopeGroupId(scope),
      scopeKey: scopeKey(scope),
      resourceId: resourceId.toLowerCase(),
      displayName,
      displayNameLower: normalizeForCompare(displayName),
      externalId,
      memberCount: 0,
      // The update that records the first members makes it 1.
      version: 0,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Serializes changes to one SCIM group (PostgreSQL: the row FOR UPDATE), then reads it again. */
  async lock(tx: Tx, id: number): Promise<ScimGroupEntity | null> {
    await tx.lockRow('scim_groups', id);
    const [group] = await this.db.findWhere(ScimGroupEntity, '"id" = ?', [id], tx);
    return group ?? null;
  }

  async update(tx: Tx, group: ScimGroupEntity, values: { displayName: string; externalId: string | null; memberDelta: number }): Promise<void> {
    await tx.execute(
      'UPDATE "scim_groups" SET "display_name" = ?, "display_name_lower" = ?, "external_id" = ?, "member_count" = "member_count" + ?, "version" = "version" + 1, "updated_at" = ? WHERE "id" = ?',
      [values.displayName, normalizeForCompare(values.displayName), values.externalId, values.memberDelta, nowIso(), group.id],
    );
  }

  async delete(tx: Tx, id: number): Promise<void> {
    await tx.execute('DELETE FROM "scim_group_members" WHERE "scim_group_id" = ?', [id]);
    await tx.execute('DELETE FROM "scim_groups" WHERE "id" = ?', [id]);
  }

  async list(scope: Scope, where: CompiledFilter | undefined, offset: number, limit: number): Promise<{ items: ScimGroupEntity[]; total: number }> {
    const scoped = scopeCondition('g', scopeGroupId(scope));
    const conditions = [scoped.sql];
    const values = [...scoped.values];
    if (where) {
      const filter = positional(where.sql, where.params);
      conditions.push(`(${filter.sql})`);
      values.push(...filter.values);
    }
    const matching = `FROM "scim_groups" g WHERE ${conditions.join(' AND ')}`;
    const [{ n }] = await this.db.select<{ n: number | string }>(`SELECT COUNT(*) AS "n" ${matching}`, values);
    const items = limit === 0 ? [] : await this.db.findWhere(ScimGroupEntity, `"id" IN (SELECT g."id" ${matching}) ORDER BY "id" LIMIT ? OFFSET ?`, [...values, limit, offset]);
    return { items, total: Number(n) };
  }

  /** The members in the order they were added. */
  async members(scimGroupId: number, tx?: Tx): Promise<ScimGroupMemberView[]> {
    const rows = await this.db.select<{ value: string; display: string }>(
      'SELECT i."extern_uid" AS "value", u."name" AS "display" FROM "scim_group_members" m INNER JOIN "scim_identities" i ON i."id" = m."identity_id" ' +
        'INNER JOIN "users" u ON u."id" = i."user_id" WHERE m."scim_group_id" = ? ORDER BY m."id"',
      [scimGroupId],
      tx,
    );
    return rows;
  }

  /** The SCIM identities of the scope that member values (User ids, case-insensitive) name. */
  async resolve(tx: Tx, scope: Scope, values: string[]): Promise<Map<string, ResolvedMember>> {
    if (values.length === 0) return new Map();
    const lower = [...new Set(values.map((v) => v.toLowerCase()))];
    const scoped = scopeCondition('', scopeGroupId(scope));
    const uids = inTexts(this.db, '"extern_uid_lower"', lower);
    const rows = await tx.select<{ identityId: number | string; userId: number | string; uid: string }>(
      `SELECT "id" AS "identityId", "user_id" AS "userId", "extern_uid_lower" AS "uid" FROM "scim_identities" WHERE ${scoped.sql} AND ${uids.sql}`,
      [...scoped.values, ...uids.values],
    );
    return new Map(rows.map((r) => [r.uid, { identityId: Number(r.identityId), userId: Number(r.userId) }]));
  }

  /**
   * Adds the members not there yet; answers the identity ids it added. One read of which are
   * there already and multi-row INSERTs of the rest: the caller holds the SCIM group's row lock
   * (lock()), so no other transaction adds to this group in between.
   */
  async addMembers(tx: Tx, scimGroupId: number, identityIds: number[]): Promise<number[]> {
    if (identityIds.length === 0) return [];
    const ids = this.db.inIds('"identity_id"', identityIds);
    const present = await tx.select<{ identityId: number | string }>(`SELECT "identity_id" AS "identityId" FROM "scim_group_members" WHERE "scim_group_id" = ? AND ${ids.sql}`, [
      scimGroupId,
      ...ids.values,
    ]);
    const there = new Set(present.map((r) => Number(r.identityId)));
    const added = [...new Set(identityIds)].filter((id) => !there.has(id));
    const now = nowIso();
    await tx.insertRows(
      'scim_group_members',
      ['scim_group_id', 'identity_id', 'created_at'],
      added.map((identityId) => [scimGroupId, identityId, now]),
    );
    return added;
  }

  /** Removes the members among `identityIds`; answers the identity ids it removed. */
  async removeMembers(tx: Tx, scimGroupId: number, identityIds: number[]): Promise<number[]> {
    if (identityIds.length === 0) return [];
    const ids = this.db.inIds('"identity_id"', identityIds);
    const rows = await tx.select<{ identityId: number | string }>(`SELECT "identity_id" AS "identityId" FROM "scim_group_members" WHERE "scim_group_id" = ? AND ${ids.sql}`, [
      scimGroupId,
      ...ids.values,
    ]);
    if (rows.length === 0) return [];
    await tx.execute(`DELETE FROM "scim_group_members" WHERE "scim_group_id" = ? AND ${ids.sql}`, [scimGroupId, ...ids.values]);
    return rows.map((r) => Number(r.identityId));
  }

  /** The SCIM groups an identity is a member of, by id (the order their rows are locked in). */
  async groupsOfIdentity(tx: Tx, identityId: number): Promise<number[]> {
    const rows = await tx.select<{ id: number | string }>('SELECT "scim_group_id" AS "id" FROM "scim_group_members" WHERE "identity_id" = ? ORDER BY "scim_group_id"', [identityId]);
    return rows.map((r) => Number(r.id));
  }

  /** Every member's identity id. */
  async memberIdentityIds(tx: Tx, scimGroupId: number): Promise<number[]> {
    const rows = await tx.select<{ identityId: number | string }>('SELECT "identity_id" AS "identityId" FROM "scim_group_members" WHERE "scim_group_id" = ?', [scimGroupId]);
    return rows.map((r) => Number(r.identityId));
  }

  /** The users behind identity ids. */
  async usersOf(tx: Tx, identityIds: number[]): Promise<number[]> {
    if (identityIds.length === 0) return [];
    const ids = this.db.inIds('"id"', identityIds);
    const rows = await tx.select<{ userId: number | string }>(`SELECT DISTINCT "user_id" AS "userId" FROM "scim_identities" WHERE ${ids.sql}`, ids.values);
    return rows.map((r) => Number(r.userId));
  }

  /** Every SCIM group of a scope, newest change first, for the owner's view. */
  listForScope(scope: Scope): Promise<ScimGroupEntity[]> {
    return this.db.findWhere(ScimGroupEntity, `"scope_key" = ? ORDER BY "display_name_lower"`, [scopeKey(scope)]);
  }
}
