import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database.service.js';
import { nowIso } from '../common/clock.js';
import { Scope, scopeGroupId, scopeKey } from '../common/scope.js';
import type { AccessLevel } from './member.entity.js';
import { SamlProviderEntity } from './saml-provider.entity.js';

export type SamlProviderSettings = Pick<SamlProviderEntity, 'enabled' | 'enforcedSso' | 'defaultMembershipRole' | 'ssoUrl' | 'certificate'>;

const SELECT_PROVIDER =
  'SELECT "id", "group_id" AS "groupId", "scope_key" AS "scopeKey", "enabled", "enforced_sso" AS "enforcedSso", ' +
  '"default_membership_role" AS "defaultMembershipRole", "sso_url" AS "ssoUrl", "certificate", "created_at" AS "createdAt", ' +
  '"updated_at" AS "updatedAt" FROM "saml_providers" WHERE "scope_key" = ?';

/** A raw row: SQLite returns booleans as 0/1. */
type ProviderRow = Omit<SamlProviderEntity, 'enabled' | 'enforcedSso'> & { enabled: boolean | number; enforcedSso: boolean | number };

@Injectable()
export class SamlProvidersRepository {
  constructor(private readonly db: Database) {}

  /** Every SCIM request reads its scope's provider: a plain indexed SELECT, no query builder. */
  async find(scope: Scope, em = this.db.reader): Promise<SamlProviderEntity | null> {
    const [row] = await this.db.select<ProviderRow>(SELECT_PROVIDER, [scopeKey(scope)], em);
    if (!row) return null;
    return Object.assign(new SamlProviderEntity(), row, {
      id: Number(row.id),
      groupId: row.groupId === null ? null : Number(row.groupId),
      enabled: row.enabled === true || row.enabled === 1,
      enforcedSso: row.enforcedSso === true || row.enforcedSso === 1,
      defaultMembershipRole: Number(row.defaultMembershipRole) as AccessLevel,
    });
  }

  async upsert(tx: Tx, scope: Scope, settings: SamlProviderSettings): Promise<SamlProviderEntity> {
    const existing = await tx.findOne(SamlProviderEntity, { where: { scopeKey: scopeKey(scope) } });
    const now = nowIso();
    if (existing) {
      await tx.update(SamlProviderEntity, { id: existing.id }, { ...settings, updatedAt: now });
      return { ...existing, ...settings, updatedAt: now };
    }
    return tx.save(
      tx.create(SamlProviderEntity, { ...settings, groupId: scopeGroupId(scope), scopeKey: scopeKey(scope), createdAt: now, updatedAt: now }),
    );
  }
}
