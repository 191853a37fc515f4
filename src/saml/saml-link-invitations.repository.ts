import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, IsNull, LessThanOrEqual, MoreThan, Not, Repository } from 'typeorm';
import { Page, PageRequest, pageOffset } from '../common/paging.js';
import { READER } from '../database/data-source-options.js';
import { Database, Tx } from '../database/database.service.js';
import type { LinkInvitationState } from './link-invitation-state.js';
import { SamlLinkInvitationEntity } from './saml-link-invitation.entity.js';

export type NewLinkInvitation = Omit<SamlLinkInvitationEntity, 'id' | 'usedAt' | 'usedExternUid' | 'revokedAt' | 'revokedByName'>;

export interface LinkInvitationFilter {
  state?: LinkInvitationState;
  userId?: number;
}

/** Owns saml_link_invitations. */
@Injectable()
export class SamlLinkInvitationsRepository {
  constructor(
    private readonly db: Database,
    @InjectRepository(SamlLinkInvitationEntity, READER) private readonly invitations: Repository<SamlLinkInvitationEntity>,
  ) {}

  insert(tx: Tx, row: NewLinkInvitation): Promise<number> {
    return this.db.insertEntity(tx, SamlLinkInvitationEntity, { ...row, usedAt: null, usedExternUid: null, revokedAt: null, revokedByName: null });
  }

  findInGroup(groupId: number, id: number): Promise<SamlLinkInvitationEntity | null> {
    return this.invitations.findOne({ where: { groupId, id } });
  }

  findByDigest(groupId: number, tokenDigest: string): Promise<SamlLinkInvitationEntity | null> {
    return this.invitations.findOne({ where: { groupId, tokenDigest } });
  }

  /** Locks every invitation of a group, in id order, until `tx` ends: before the group is deleted (PostgreSQL). */
  lockAllOfGroup(tx: Tx, groupId: number): Promise<void> {
    return tx.lockGroupRows('saml_link_invitations', groupId);
  }

  /** The invitation, its row locked until the transaction ends (PostgreSQL), so its use is decided once. */
  async lock(tx: Tx, id: number): Promise<SamlLinkInvitationEntity | null> {
    await tx.lockRow('saml_link_invitations', id);
    return tx.findOne(SamlLinkInvitationEntity, { where: { id } });
  }

  /**
   * Uses the invitation if it is still active: one conditional UPDATE, so of two sign-ins racing
   * for it exactly one changes the row (the other, on PostgreSQL, waits for the row and then finds
   * `used_at` set). Answers whether this call used it.
   */
  async markUsed(tx: Tx, id: number, now: string, externUid: string): Promise<boolean> {
    return (await tx.update(SamlLinkInvitationEntity, { ...activeWhere(now), id }, { usedAt: now, usedExternUid: externUid })) === 1;
  }

  /** Revokes the invitation if it is still active; answers whether it did. */
  async revoke(tx: Tx, id: number, now: string, byName: string): Promise<boolean> {
    return (await tx.update(SamlLinkInvitationEntity, { ...activeWhere(now), id }, { revokedAt: now, revokedByName: byName })) === 1;
  }

  /** Newest first; `state` is computed from the same columns invitationState() reads. */
  async list(groupId: number, filter: LinkInvitationFilter, page: PageRequest, now: string): Promise<Page<SamlLinkInvitationEntity>> {
    const where: FindOptionsWhere<SamlLinkInvitationEntity> = { groupId, ...(filter.userId !== undefined ? { userId: filter.userId } : {}), ...stateWhere(filter.state, now) };
    const [items, total] = await this.invitations.findAndCount({ where, order: { id: 'DESC' }, skip: pageOffset(page), take: page.perPage });
    return { items, total, page: page.page, perPage: page.perPage };
  }
}

function activeWhere(now: string): FindOptionsWhere<SamlLinkInvitationEntity> {
  return { usedAt: IsNull(), revokedAt: IsNull(), expiresAt: MoreThan(now) };
}

function stateWhere(state: LinkInvitationState | undefined, now: string): FindOptionsWhere<SamlLinkInvitationEntity> {
  switch (state) {
    case undefined:
      return {};
    case 'active':
      return activeWhere(now);
    case 'used':
      return { usedAt: Not(IsNull()) };
    case 'revoked':
      return { usedAt: IsNull(), revokedAt: Not(IsNull()) };
    case 'expired':
      return { usedAt: IsNull(), revokedAt: IsNull(), expiresAt: LessThanOrEqual(now) };
  }
}
