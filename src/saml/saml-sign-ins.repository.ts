import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { READER } from '../database/data-source-options.js';
import { Database, Tx } from '../database/database.service.js';
import { scopeCondition } from '../database/named-params.js';
import { nowIso } from '../common/clock.js';
import { Scope, scopeGroupId } from '../common/scope.js';
import { SamlSignInEntity } from './saml-sign-in.entity.js';

export interface SignInObservation {
  nameId: string;
  email: string | null;
  userId: number | null;
  outcome: string;
  /** The assertion's groups, kept only on a link offer (group sync applies them at Authorize). */
  assertedGroups?: string[] | null;
}

/** A user's newest sign-in observation, as the members view shows it. */
export type LatestSignIn = Pick<SamlSignInEntity, 'nameId' | 'outcome' | 'createdAt'>;

/** Owns saml_sign_ins: one row per valid SAML response, accepted or refused. */
@Injectable()
export class SamlSignInsRepository {
  constructor(
    private readonly db: Database,
    @InjectRepository(SamlSignInEntity, READER) private readonly signIns: Repository<SamlSignInEntity>,
  ) {}

  async insert(tx: Tx, scope: Scope, observation: SignInObservation): Promise<number> {
    const { assertedGroups, ...rest } = observation;
    const saved = await tx.save(SamlSignInEntity, { groupId: scopeGroupId(scope), ...rest, assertedGroups: assertedGroups ? JSON.stringify(assertedGroups) : null, createdAt: nowIso() });
    return saved.id;
  }

  findById(id: number): Promise<SamlSignInEntity | null> {
    return this.signIns.findOne({ where: { id } });
  }

  /**
   * The newest observation per user, for a page of users (index: group_id, user_id, id), as the
   * members view shows it.
   */
  async latestForUsers(scope: Scope, userIds: number[]): Promise<Map<number, LatestSignIn>> {
    const result = new Map<number, LatestSignIn>();
    if (userIds.length === 0) return result;
    // The scope in the outer query too, so (group_id, user_id, id) serves both levels.
    const outer = scopeCondition('o', scopeGroupId(scope));
    const users = this.db.inIds('o."user_id"', userIds);
    const inner = scopeCondition('o2', scopeGroupId(scope));
    const rows = await this.db.selectArrays(
      ['o."user_id"', 'o."name_id"', 'o."outcome"', 'o."created_at"'],
      `FROM "saml_sign_ins" o WHERE ${outer.sql} AND ${users.sql} ` + `AND o."id" = (SELECT MAX(o2."id") FROM "saml_sign_ins" o2 WHERE o2."user_id" = o."user_id" AND ${inner.sql})`,
      'o."id"',
      [...outer.values, ...users.values, ...inner.values],
    );
    for (const [userId, nameId, outcome, createdAt] of rows) {
      result.set(Number(userId), { nameId: nameId as string, outcome: outcome as string, createdAt: createdAt as string });
    }
    return result;
  }

  /**
   * The newest observations in the scope that carried this NameID or email exactly (the
   * troubleshooter: a NameID nobody has is only ever here). Indexes: (group_id, name_id, id) and
   * (group_id, email, id).
   */
  findByNameIdOrEmail(scope: Scope, value: string, limit: number): Promise<SamlSignInEntity[]> {
    const groupId = scopeGroupId(scope) ?? IsNull();
    return this.signIns.find({
      where: [
        { groupId, nameId: value },
        { groupId, email: value },
      ],
      order: { id: 'DESC' },
      take: limit,
    });
  }

  /** A person's newest observations in the scope (index: group_id, user_id, id). */
  recentForUser(scope: Scope, userId: number, limit: number): Promise<SamlSignInEntity[]> {
    return this.signIns.find({ where: { groupId: scopeGroupId(scope) ?? IsNull(), userId }, order: { id: 'DESC' }, take: limit });
  }
}
