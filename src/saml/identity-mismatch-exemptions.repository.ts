import { Injectable } from '@nestjs/common';
import { nowIso } from '../common/clock.js';
import { Database, Tx } from '../database/database.service.js';
import { IdentityMismatchExemptionEntity } from './identity-mismatch-exemption.entity.js';

/** Owns identity_mismatch_exemptions: who an Owner marked as not using SAML, per group. */
@Injectable()
export class IdentityMismatchExemptionsRepository {
  constructor(private readonly db: Database) {}

  /** Answers whether the mark is new (marking twice changes nothing). */
  async mark(tx: Tx, groupId: number, userId: number): Promise<boolean> {
    return (await this.db.insertEntityIfFree(tx, IdentityMismatchExemptionEntity, { groupId, userId, createdAt: nowIso() })) !== null;
  }

  /** Answers whether there was a mark to remove. */
  async unmark(tx: Tx, groupId: number, userId: number): Promise<boolean> {
    return (await tx.delete(IdentityMismatchExemptionEntity, { groupId, userId })) > 0;
  }
}
