import { Injectable } from '@nestjs/common';
import { Scope, scopeGroupId, scopeKey } from '../../common/scope.js';
import { Database, Tx } from '../../database/database.service.js';
import { SamlSpKeyEntity } from './saml-sp-key.entity.js';

/** Owns saml_sp_keys. */
@Injectable()
export class SamlSpKeysRepository {
  constructor(private readonly db: Database) {}

  /** The scope's keys, newest (the current one) first. */
  list(scope: Scope, tx?: Tx): Promise<SamlSpKeyEntity[]> {
    return this.db.findWhere(SamlSpKeyEntity, '"scope_key" = ? ORDER BY "id" DESC', [scopeKey(scope)], tx);
  }

  /** Serializes key creation and removal of one scope (two first uses at once create one key). */
  lock(tx: Tx, scope: Scope): Promise<void> {
    return tx.lockKey('saml_sp_key', scopeKey(scope));
  }

  insert(tx: Tx, scope: Scope, row: Pick<SamlSpKeyEntity, 'certificate' | 'privateKeyEncrypted' | 'createdAt'>): Promise<SamlSpKeyEntity> {
    return tx.save(SamlSpKeyEntity, { ...row, groupId: scopeGroupId(scope), scopeKey: scopeKey(scope) });
  }

  delete(tx: Tx, scope: Scope, id: number): Promise<number> {
    return tx.delete(SamlSpKeyEntity, { id, scopeKey: scopeKey(scope) });
  }
}
