import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service.js';
import { positional } from '../database/named-params.js';
import { Scope, scopeGroupId } from '../common/scope.js';

/** The report's kinds, worst first (admin-api.md); a row's rank is its kind's position + 1. */
export const MISMATCH_KINDS = ['scim_saml_mismatch', 'name_id_mismatch', 'saml_not_linked', 'scim_missing', 'scim_inactive_member'] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

/** Everything the report knows about one person in one group (or in the instance). */
export interface MismatchFacts {
  userId: number;
  username: string;
  name: string;
  email: string;
  /** In a group: a member of it. In the instance, which has no members: the account is active (not blocked). */
  isMember: boolean;
  scimExternUid: string | null;
  scimActive: boolean | null;
  samlExternUid: string | null;
  observedNameId: string | null;
  observedAt: string | null;
  /** Why this person is not expected to use SAML: an instance admin, or marked by an Owner. */
  expected: 'admin' | 'marked' | null;
  kind: MismatchKind | null;
}

interface FactsRow {
  user_id: number | string;
  username: string;
  name: string;
  email: string;
  is_member: number | string;
  scim_uid: string | null;
  scim_active: boolean | number | null;
  saml_uid: string | null;
  obs_name_id: string | null;
  obs_at: string | null;
  is_admin: boolean | number;
  marked: number | string;
  rank: number | string | null;
}

/**
 * The kind of a person's row as one SQL CASE, shared by the ranking and the detail query so both
 * always agree. Arguments are column expressions; `:hasScimToken` is 1 when the group has a token.
 */
function rankCase(c: { scimUid: string; scimActive: string; samlUid: string; isMember: string; observed: string; expected: string }): string {
  const stored = `COALESCE(${c.samlUid}, ${c.scimUid})`;
  // Kinds 3 and 4 say "this person does not use SAML / SCIM"; for someone expected not to (an
  // instance admin, or marked by an Owner) that is no problem. Disagreements (1, 2, 5) still count.
  return `CASE
      WHEN ${c.scimUid} IS NOT NULL AND ${c.samlUid} IS NOT NULL AND ${c.scimUid} <> ${c.samlUid} THEN 1
      WHEN ${c.observed} IS NOT NULL AND ${stored} IS NOT NULL AND ${c.observed} <> ${stored} THEN 2
      WHEN ${c.samlUid} IS NULL AND (${c.isMember} = 1 OR (${c.scimUid} IS NOT NULL AND ${c.scimActive})) AND NOT ${c.expected} THEN 3
      WHEN ${c.isMember} = 1 AND ${c.samlUid} IS NOT NULL AND ${c.scimUid} IS NULL AND :hasScimToken = 1 AND NOT ${c.expected} THEN 4
      WHEN ${c.scimUid} IS NOT NULL AND ((NOT ${c.scimActive} AND ${c.isMember} = 1) OR (${c.scimActive} AND ${c.isMember} = 0)) THEN 5
    END`;
}

/** "Expected not to use SAML" for a user row `u` and its exemption row `x` (left-joined). */
function expectedExpression(u: string, x: string | null): string {
  return x === null ? `(${u}.is_admin)` : `(${u}.is_admin OR ${x}.id IS NOT NULL)`;
}

/**
 * The newest sign-in observation per user, as alias `o`. `per_row` descends
 * ix_saml_sign_ins_group_user once per person: right for a page of people, and for a whole group on
 * SQLite, which has no hash join. `grouped` aggregates the group's observations once so PostgreSQL
 * can hash them (a per-row subplan there costs more than the rest of the report).
 */
type ObservationJoin = 'per_row' | 'grouped';

function latestObservation(strategy: ObservationJoin, userColumn: string, q: ScopeSql): string {
  if (strategy === 'per_row') {
    return `LEFT JOIN saml_sign_ins o ON o.id = (SELECT MAX(o2.id) FROM saml_sign_ins o2 WHERE ${q.in('o2')} AND o2.user_id = ${userColumn})`;
  }
  return `LEFT JOIN (SELECT o1.user_id AS user_id, MAX(o1.id) AS id FROM saml_sign_ins o1 WHERE ${q.in('o1')} AND o1.user_id IS NOT NULL GROUP BY o1.user_id) lo ON lo.user_id = ${userColumn}
    LEFT JOIN saml_sign_ins o ON o.id = lo.id`;
}

/**
 * The report's scope in SQL: a group's rows (`group_id = :groupId`) or the instance's
 * (`group_id IS NULL`). The instance has no members; there `isMember` reads "the account is active"
 * (instance deprovisioning blocks it), so the same kinds say what they say for a group:
 * not linked, no SCIM identity, SCIM state and account state disagree.
 */
interface ScopeSql {
  in(alias: string): string;
  /** 1 when the user (alias `u`, membership row alias `m` when a group) counts as a member, else 0. */
  isMember(u: string, m: string): string;
  instance: boolean;
}

function scopeSql(scope: Scope): ScopeSql {
  if (scope.kind === 'instance') {
    return { in: (a) => `${a}.group_id IS NULL`, isMember: (u) => `(CASE WHEN ${u}.state = 'active' THEN 1 ELSE 0 END)`, instance: true };
  }
  return { in: (a) => `${a}.group_id = :groupId`, isMember: (_u, m) => `(CASE WHEN ${m}.id IS NULL THEN 0 ELSE 1 END)`, instance: false };
}

/**
 * Everyone the report considers, once: SCIM identity holders with their membership, members
 * without a SCIM identity, and SAML identity holders with neither. Three disjoint indexed queries,
 * so no UNION de-duplication over the whole group is needed.
 */
const GROUP_POPULATION = `
  SELECT s.user_id AS user_id, s.extern_uid AS scim_uid, s.active AS scim_active,
    CASE WHEN m.id IS NULL THEN 0 ELSE 1 END AS is_member
  FROM scim_identities s LEFT JOIN members m ON m.group_id = :groupId AND m.user_id = s.user_id
  WHERE s.group_id = :groupId
  UNION ALL
  SELECT m.user_id, NULL, NULL, 1 FROM members m WHERE m.group_id = :groupId
    AND NOT EXISTS (SELECT 1 FROM scim_identities s2 WHERE s2.group_id = :groupId AND s2.user_id = m.user_id)
  UNION ALL
  SELECT a.user_id, NULL, NULL, 0 FROM saml_identities a WHERE a.group_id = :groupId
    AND NOT EXISTS (SELECT 1 FROM members m3 WHERE m3.group_id = :groupId AND m3.user_id = a.user_id)
    AND NOT EXISTS (SELECT 1 FROM scim_identities s3 WHERE s3.group_id = :groupId AND s3.user_id = a.user_id)`;

/** The instance's population: its SCIM identity holders, and its SAML identity holders without one. */
const INSTANCE_POPULATION = `
  SELECT s.user_id AS user_id, s.extern_uid AS scim_uid, s.active AS scim_active
  FROM scim_identities s WHERE s.group_id IS NULL
  UNION ALL
  SELECT a.user_id, NULL, NULL FROM saml_identities a WHERE a.group_id IS NULL
    AND NOT EXISTS (SELECT 1 FROM scim_identities s3 WHERE s3.group_id IS NULL AND s3.user_id = a.user_id)`;

function ranked(observations: ObservationJoin, q: ScopeSql): string {
  // Exemptions are an Owner's marks in a group; the instance knows only "an admin is expected".
  const exemptions = q.instance ? '' : 'LEFT JOIN identity_mismatch_exemptions px ON px.group_id = :groupId AND px.user_id = p.user_id';
  return `
  WITH p AS (${q.instance ? INSTANCE_POPULATION : GROUP_POPULATION}),
  k AS (
    SELECT p.user_id AS user_id,
      ${rankCase({ scimUid: 'p.scim_uid', scimActive: 'p.scim_active', samlUid: 'sa.extern_uid', isMember: q.instance ? q.isMember('pu', '') : 'p.is_member', observed: 'o.name_id', expected: expectedExpression('pu', q.instance ? null : 'px') })} AS rank
    FROM p
    INNER JOIN users pu ON pu.id = p.user_id
    ${exemptions}
    LEFT JOIN saml_identities sa ON ${q.in('sa')} AND sa.user_id = p.user_id
    ${latestObservation(observations, 'p.user_id', q)}
  )`;
}

/**
 * The identity-mismatch report's read model. It joins tables it does not own — members (groups),
 * scim_identities (scim), saml_identities and saml_sign_ins (saml), users, audit_events — because
 * a report compares them row by row, which composing each owner's service could only do by
 * loading a whole group into memory. It only reads; every change still goes through the owners.
 */
@Injectable()
export class IdentityMismatchReportRepository {
  constructor(private readonly db: Database) {}

  private wholeGroupObservations(): ObservationJoin {
    return this.db.kind === 'postgres' ? 'grouped' : 'per_row';
  }

  private query<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
    const { sql: text, values } = positional(sql, params);
    return this.db.select<T>(text, values);
  }

  /** A window of the ranked report (worst first, then by user id) and the number of rows in it. */
  async rankedPage(scope: Scope, hasScimToken: boolean, offset: number, limit: number): Promise<{ userIds: number[]; total: number }> {
    const q = scopeSql(scope);
    const params = { groupId: scopeGroupId(scope), hasScimToken: hasScimToken ? 1 : 0 };
    const rows = await this.query<{ user_id: number | string; total: number | string }>(
      `${ranked(this.wholeGroupObservations(), q)} SELECT k.user_id AS user_id, COUNT(*) OVER () AS total FROM k WHERE k.rank IS NOT NULL
       ORDER BY k.rank, k.user_id LIMIT ${Math.trunc(limit)} OFFSET ${Math.trunc(offset)}`,
      params,
    );
    if (rows.length > 0 || offset === 0) return { userIds: rows.map((r) => Number(r.user_id)), total: rows.length ? Number(rows[0].total) : 0 };
    const [count] = await this.query<{ total: number | string }>(`${ranked(this.wholeGroupObservations(), q)} SELECT COUNT(*) AS total FROM k WHERE k.rank IS NOT NULL`, params);
    return { userIds: [], total: Number(count.total) };
  }

  /** The facts and kind of the given users (a page, or one row for resolve), in the given order. */
  async facts(scope: Scope, hasScimToken: boolean, userIds: number[]): Promise<MismatchFacts[]> {
    if (userIds.length === 0) return [];
    const q = scopeSql(scope);
    const isMember = q.isMember('u', 'mb');
    // Group: its member rows and an Owner's exemptions. Instance: neither exists.
    const groupJoins = q.instance
      ? ''
      : `LEFT JOIN identity_mismatch_exemptions ux ON ux.group_id = :groupId AND ux.user_id = u.id
       LEFT JOIN members mb ON mb.group_id = :groupId AND mb.user_id = u.id`;
    const rows = await this.query<FactsRow>(
      `SELECT u.id AS user_id, u.username AS username, u.name AS name, u.email AS email,
         ${isMember} AS is_member,
         sc.extern_uid AS scim_uid, sc.active AS scim_active, sa.extern_uid AS saml_uid,
         o.name_id AS obs_name_id, o.created_at AS obs_at,
         u.is_admin AS is_admin, ${q.instance ? '0' : 'CASE WHEN ux.id IS NULL THEN 0 ELSE 1 END'} AS marked,
         ${rankCase({ scimUid: 'sc.extern_uid', scimActive: 'sc.active', samlUid: 'sa.extern_uid', isMember, observed: 'o.name_id', expected: expectedExpression('u', q.instance ? null : 'ux') })} AS rank
       FROM users u
       ${groupJoins}
       LEFT JOIN scim_identities sc ON ${q.in('sc')} AND sc.user_id = u.id
       LEFT JOIN saml_identities sa ON ${q.in('sa')} AND sa.user_id = u.id
       ${latestObservation('per_row', 'u.id', q)}
       WHERE u.id IN (:...userIds)`,
      { groupId: scopeGroupId(scope), hasScimToken: hasScimToken ? 1 : 0, userIds },
    );
    const byId = new Map(rows.map((r) => [Number(r.user_id), toFacts(r)]));
    return userIds.map((id) => byId.get(id)).filter((f): f is MismatchFacts => f !== undefined);
  }

  /** Who among these users is expected not to use SAML in the group, and why (the members view). */
  async expectedFor(groupId: number, userIds: number[]): Promise<Map<number, 'admin' | 'marked'>> {
    const result = new Map<number, 'admin' | 'marked'>();
    if (userIds.length === 0) return result;
    const rows = await this.query<{ user_id: number | string; is_admin: boolean | number; marked: number | string }>(
      `SELECT u.id AS user_id, u.is_admin AS is_admin, CASE WHEN x.id IS NULL THEN 0 ELSE 1 END AS marked
       FROM users u LEFT JOIN identity_mismatch_exemptions x ON x.group_id = :groupId AND x.user_id = u.id
       WHERE u.id IN (:...userIds) AND ${expectedExpression('u', 'x')}`,
      { groupId, userIds },
    );
    for (const r of rows) result.set(Number(r.user_id), Number(r.is_admin) ? 'admin' : 'marked');
    return result;
  }

  /**
   * A cheap fingerprint of "anything changed": every change to members, identities and tokens is
   * audited in its own transaction, and every sign-in is observed; both ids only grow. Two
   * primary-key look-ups, whatever the size of the tables.
   */
  async changeStamp(): Promise<string> {
    const [row] = await this.query<{ audit: number | string | null; observed: number | string | null }>(
      'SELECT (SELECT MAX(id) FROM audit_events) AS audit, (SELECT MAX(id) FROM saml_sign_ins) AS observed',
      {},
    );
    return `${row?.audit ?? 0}:${row?.observed ?? 0}`;
  }
}

function toFacts(r: FactsRow): MismatchFacts {
  const rank = r.rank === null ? null : Number(r.rank);
  return {
    userId: Number(r.user_id),
    username: r.username,
    name: r.name,
    email: r.email,
    isMember: Number(r.is_member) === 1,
    scimExternUid: r.scim_uid,
    scimActive: r.scim_active === null ? null : Boolean(Number(r.scim_active)),
    samlExternUid: r.saml_uid,
    observedNameId: r.obs_name_id,
    observedAt: r.obs_at,
    expected: Number(r.is_admin) ? 'admin' : Number(r.marked) === 1 ? 'marked' : null,
    kind: rank === null ? null : MISMATCH_KINDS[rank - 1],
  };
}
