import { Injectable } from '@nestjs/common';
import { nowIso } from '../common/clock.js';
import { Database, Tx } from '../database/database.service.js';
import type { AccessLevel } from '../groups/member.entity.js';
import { SamlGroupAssertionEntity } from './saml-group-assertion.entity.js';
import { SamlGroupLinkEntity } from './saml-group-link.entity.js';

/** A grant: the person `userId` is in the IdP group `name`, which a link of the group maps to `level`. */
export interface Grant {
  userId: number;
  name: string;
  level: AccessLevel;
}

/** `column IN <texts>` as one bound parameter (JSON on SQLite, an array on PostgreSQL). */
export function inTexts(db: Database, column: string, values: string[]): { sql: string; values: unknown[] } {
  return db.kind === 'postgres' ? { sql: `${column} = ANY(?::text[])`, values: [values] } : { sql: `${column} IN (SELECT "value" FROM json_each(?))`, values: [JSON.stringify(values)] };
}

/** Owns saml_group_links and saml_group_assertions, and answers the grant queries of group sync. */
@Injectable()
export class SamlGroupLinksRepository {
  constructor(private readonly db: Database) {}

  list(groupId: number, tx?: Tx): Promise<SamlGroupLinkEntity[]> {
    return this.db.findWhere(SamlGroupLinkEntity, '"group_id" = ? ORDER BY "name"', [groupId], tx);
  }

  async find(groupId: number, name: string, tx?: Tx): Promise<SamlGroupLinkEntity | null> {
    const [link] = await this.db.findWhere(SamlGroupLinkEntity, '"group_id" = ? AND "name" = ?', [groupId, name], tx);
    return link ?? null;
  }

  /** Null when the group already has a link of that name. */
  insert(tx: Tx, groupId: number, name: string, accessLevel: AccessLevel): Promise<number | null> {
    return this.db.insertEntityIfFree(tx, SamlGroupLinkEntity, { groupId, name, accessLevel, createdAt: nowIso() });
  }

  async delete(tx: Tx, groupId: number, name: string): Promise<boolean> {
    return (await tx.execute('DELETE FROM "saml_group_links" WHERE "group_id" = ? AND "name" = ?', [groupId, name])).affected > 0;
  }

  /**
   * Locks link names until the transaction ends (database/README.md, rule 4): a link change takes
   * its name before the group's row, and a SCIM group change takes the names it touches before it
   * looks for the groups linking them. Without it, on PostgreSQL, a person added to a SCIM group
   * while a link of that name was being created could end without the link's role: the change saw
   * no link yet, and the link's recomputation did not see the uncommitted membership.
   * Sorted, so two transactions locking several names cannot wait for each other.
   */
  async lockNames(tx: Tx, names: string[]): Promise<void> {
    for (const name of [...new Set(names)].sort()) await tx.lockKey('saml_group_link_name', name);
  }

  /** The ids of the groups that have a link named one of `names`, ascending. */
  async groupsLinking(names: string[], tx?: Tx): Promise<number[]> {
    if (names.length === 0) return [];
    const cond = inTexts(this.db, '"name"', names);
    const rows = await this.db.select<{ groupId: number | string }>(`SELECT DISTINCT "group_id" AS "groupId" FROM "saml_group_links" WHERE ${cond.sql} ORDER BY "group_id"`, cond.values, tx);
    return rows.map((r) => Number(r.groupId));
  }

  /**
   * The grants SCIM groups give `userIds` in a group: the person's active SCIM identities (the
   * group's scope and the instance's), the SCIM groups holding them, and the group's links named
   * like those. The join runs in that order (CROSS JOIN fixes it on SQLite), from the person
   * outwards, so its cost depends on how many SCIM groups the person is in, never on how many
   * members those groups have. The identity's scope is not a condition: a member row only ever
   * joins an identity to a SCIM group of the same scope, and an `OR` on `i.group_id` lets SQLite
   * (with the planner statistics of a big group) walk the scope's whole index instead of the person's.
   */
  async scimGrants(tx: Tx, groupId: number, userIds: number[]): Promise<Grant[]> {
    if (userIds.length === 0) return [];
    const users = this.db.inIds('i."user_id"', userIds);
    const rows = await tx.select<{ userId: number | string; name: string; level: number | string }>(
      'SELECT i."user_id" AS "userId", l."name" AS "name", l."access_level" AS "level" FROM "scim_identities" i ' +
        'CROSS JOIN "scim_group_members" m CROSS JOIN "scim_groups" g CROSS JOIN "saml_group_links" l ' +
        `WHERE ${users.sql} AND i."active" = TRUE AND m."identity_id" = i."id" ` +
        'AND g."id" = m."scim_group_id" AND (g."group_id" = ? OR g."group_id" IS NULL) AND l."group_id" = ? AND l."name" = g."display_name"',
      [...users.values, groupId, groupId],
    );
    return rows.map((r) => ({ userId: Number(r.userId), name: r.name, level: Number(r.level) as AccessLevel }));
  }

  /** The users of active SCIM identities in the SCIM groups named `name` that can reach the group. */
  async scimUsersNamed(tx: Tx, groupId: number, name: string): Promise<number[]> {
    const rows = await tx.select<{ userId: number | string }>(
      'SELECT DISTINCT i."user_id" AS "userId" FROM "scim_groups" g INNER JOIN "scim_group_members" m ON m."scim_group_id" = g."id" ' +
        'INNER JOIN "scim_identities" i ON i."id" = m."identity_id" WHERE g."display_name" = ? AND (g."group_id" = ? OR g."group_id" IS NULL)',
      [name, groupId],
    );
    return rows.map((r) => Number(r.userId));
  }

  /** The names asserted at each person's newest sign-in to the group (only people who have one). */
  async assertedNames(tx: Tx, groupId: number, userIds: number[]): Promise<Map<number, string[]>> {
    if (userIds.length === 0) return new Map();
    const users = this.db.inIds('"user_id"', userIds);
    const rows = await this.db.findWhere(SamlGroupAssertionEntity, `"group_id" = ? AND ${users.sql}`, [groupId, ...users.values], tx);
    return new Map(rows.map((r) => [r.userId, JSON.parse(r.names) as string[]]));
  }

  /** The users with a stored sign-in assertion in the group. */
  async assertingUsers(tx: Tx, groupId: number): Promise<number[]> {
    const rows = await tx.select<{ userId: number | string }>('SELECT "user_id" AS "userId" FROM "saml_group_assertions" WHERE "group_id" = ?', [groupId]);
    return rows.map((r) => Number(r.userId));
  }

  async saveAssertion(tx: Tx, groupId: number, userId: number, names: string[]): Promise<void> {
    const now = nowIso();
    const text = JSON.stringify(names);
    const inserted = await this.db.insertEntityIfFree(tx, SamlGroupAssertionEntity, { groupId, userId, names: text, updatedAt: now });
    if (inserted === null) await tx.execute('UPDATE "saml_group_assertions" SET "names" = ?, "updated_at" = ? WHERE "group_id" = ? AND "user_id" = ?', [text, now, groupId, userId]);
  }

  /** Usernames for audit targets. */
  async usernames(tx: Tx, userIds: number[]): Promise<Map<number, string>> {
    if (userIds.length === 0) return new Map();
    const users = this.db.inIds('"id"', userIds);
    const rows = await tx.select<{ id: number | string; username: string }>(`SELECT "id" AS "id", "username" AS "username" FROM "users" WHERE ${users.sql}`, users.values);
    return new Map(rows.map((r) => [Number(r.id), r.username]));
  }
}
