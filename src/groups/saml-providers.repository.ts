import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database.service.js';
import { nowIso } from '../common/clock.js';
import { Scope, scopeGroupId, scopeKey } from '../common/scope.js';
import { SamlProviderEntity } from './saml-provider.entity.js';

export type SamlProviderSettings = Pick<
  SamlProviderEntity,
  | 'enabled'
  | 'enforcedSso'
  | 'defaultMembershipRole'
  | 'ssoUrl'
  | 'certificate'
  | 'secondaryCertificate'
  | 'groupsAttribute'
  | 'welcomeEmail'
  | 'welcomeEmailOnReactivation'
  | 'idpEntityId'
  | 'wantAssertionsSigned'
  | 'sloUrl'
  | 'requireEncryptedAssertions'
>;

/** Owns saml_providers. */
@Injectable()
export class SamlProvidersRepository {
  constructor(private readonly db: Database) {}

  /** Every SCIM request reads its scope's provider: a plain indexed SELECT, no query builder. */
  async find(scope: Scope, em?: Tx): Promise<SamlProviderEntity | null> {
    const [provider] = em
      ? await this.db.findWhere(SamlProviderEntity, '"scope_key" = ?', [scopeKey(scope)], em)
      : await this.db.findWhereShared(SamlProviderEntity, '"scope_key" = ?', [scopeKey(scope)]);
    return provider ?? null;
  }

  /** The first `limit` groups, by id, that have SAML settings. */
  async groupIds(limit: number): Promise<number[]> {
    const rows = await this.db.select<{ id: number | string }>('SELECT "group_id" AS "id" FROM "saml_providers" WHERE "group_id" IS NOT NULL ORDER BY "group_id" LIMIT ?', [limit]);
    return rows.map((r) => Number(r.id));
  }

  async findById(id: number): Promise<SamlProviderEntity | null> {
    const [provider] = await this.db.findWhereShared(SamlProviderEntity, '"id" = ?', [id]);
    return provider ?? null;
  }

  /** Serializes changes of one scope's settings until the transaction ends (PostgreSQL; SQLite's writes take turns). */
  lock(tx: Tx, scope: Scope): Promise<void> {
    return tx.lockKey('saml_provider', scopeKey(scope));
  }

  async upsert(tx: Tx, scope: Scope, settings: SamlProviderSettings): Promise<SamlProviderEntity> {
    const existing = await tx.findOne(SamlProviderEntity, { where: { scopeKey: scopeKey(scope) } });
    const now = nowIso();
    if (existing) {
      await tx.update(SamlProviderEntity, { id: existing.id }, { ...settings, updatedAt: now });
      return { ...existing, ...settings, updatedAt: now };
    }
    return tx.save(SamlProviderEntity, { ...settings, groupId: scopeGroupId(scope), scopeKey: scopeKey(scope), createdAt: now, updatedAt: now });
  }
}
