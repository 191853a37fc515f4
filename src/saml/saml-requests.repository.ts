import { Injectable } from '@nestjs/common';
import { IsNull, LessThan, MoreThan } from 'typeorm';
import type { Tx } from '../database/database.service.js';
import { SamlRequestEntity } from './saml-request.entity.js';

/**
 * Owns saml_requests: the AuthnRequests this SP issued, so a response's InResponseTo is accepted
 * once, by whichever Roster process receives it.
 */
@Injectable()
export class SamlRequestsRepository {
  async insert(tx: Tx, row: { id: string; groupId: number | null; createdAt: string; expiresAt: string; linkInvitationId?: number | null }): Promise<void> {
    await tx.insert(SamlRequestEntity, { linkInvitationId: null, ...row, usedAt: null });
  }

  /**
   * Marks the request used if it is this group's, unused and unexpired; null otherwise. One
   * conditional UPDATE, so two responses racing for the same request cannot both win. The answer
   * names the link invitation the request was started from, if any.
   */
  async consume(tx: Tx, id: string, groupId: number | null, now: string): Promise<{ linkInvitationId: number | null } | null> {
    const changed = await tx.update(SamlRequestEntity, { id, groupId: groupId === null ? IsNull() : groupId, usedAt: IsNull(), expiresAt: MoreThan(now) }, { usedAt: now });
    if (changed !== 1) return null;
    const row = await tx.findOne(SamlRequestEntity, { where: { id }, select: { id: true, linkInvitationId: true } });
    return { linkInvitationId: row?.linkInvitationId ?? null };
  }

  /** Expired requests are useless; dropping them keeps the table as small as the traffic of the last hour. */
  async deleteExpired(tx: Tx, now: string): Promise<void> {
    await tx.delete(SamlRequestEntity, { expiresAt: LessThan(now) });
  }
}
