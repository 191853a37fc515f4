import { Injectable } from '@nestjs/common';
import { nowIso } from '../common/clock.js';
import { Scope, scopeGroupId } from '../common/scope.js';
import { Database, Tx } from '../database/database.service.js';
import { scopeCondition } from '../database/named-params.js';
import { normalizeForCompare } from './filter/normalize.js';
import { ScimIdentityAliasEntity } from './scim-identity-alias.entity.js';

/** An alias with the identity it addresses, as owners list them. */
export interface AliasView {
  externUid: string;
  identityId: number;
  userId: number;
  currentExternUid: string;
  createdAt: string;
}

/** Owns scim_identity_aliases: previous extern_uids that still address a SCIM identity. */
@Injectable()
export class ScimIdentityAliasesRepository {
  constructor(private readonly db: Database) {}

  /** The alias holding `externUid` in the scope (compared as SCIM ids are: any case). */
  async find(scope: Scope, externUid: string, tx?: Tx): Promise<ScimIdentityAliasEntity | null> {
    const inScope = scopeCondition('', scopeGroupId(scope));
    const [row] = await this.db.findWhere(ScimIdentityAliasEntity, `${inScope.sql} AND "extern_uid_lower" = ?`, [...inScope.values, normalizeForCompare(externUid)], tx);
    return row ?? null;
  }

  forIdentity(identityId: number, tx?: Tx): Promise<ScimIdentityAliasEntity[]> {
    return this.db.findWhere(ScimIdentityAliasEntity, '"identity_id" = ? ORDER BY "id"', [identityId], tx);
  }

  async insert(tx: Tx, scope: Scope, identityId: number, externUid: string): Promise<void> {
    await this.db.insertEntity(tx, ScimIdentityAliasEntity, {
      groupId: scopeGroupId(scope),
      identityId,
      externUid,
      externUidLower: normalizeForCompare(externUid),
      createdAt: nowIso(),
    });
  }

  async delete(tx: Tx, id: number): Promise<void> {
    await tx.delete(ScimIdentityAliasEntity, { id });
  }

  /** The scope's aliases with their identities' current values, oldest first. */
  async list(scope: Scope): Promise<AliasView[]> {
    const inScope = scopeCondition('a', scopeGroupId(scope));
    const rows = await this.db.select<{ externUid: string; identityId: number | string; userId: number | string; currentExternUid: string; createdAt: string }>(
      `SELECT a."extern_uid" AS "externUid", a."identity_id" AS "identityId", i."user_id" AS "userId", i."extern_uid" AS "currentExternUid", a."created_at" AS "createdAt"
       FROM "scim_identity_aliases" a JOIN "scim_identities" i ON i."id" = a."identity_id" WHERE ${inScope.sql} ORDER BY a."id"`,
      inScope.values,
    );
    return rows.map((r) => ({ ...r, identityId: Number(r.identityId), userId: Number(r.userId) }));
  }
}
