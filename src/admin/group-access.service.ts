import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { utcDay } from '../common/clock.js';
import type { GroupEntity } from '../groups/group.entity.js';
import { GroupsService } from '../groups/groups.service.js';
import { MemberEntity, OWNER } from '../groups/member.entity.js';
import { MembershipService } from '../groups/membership.service.js';
import type { PersonPrincipal } from '../tokens/principal.js';

/** A membership ends at 00:00 UTC of its expires_at day, before MemberExpiryService removes the row. */
function expired(member: MemberEntity): boolean {
  return member.expiresAt !== null && member.expiresAt <= utcDay();
}

export type GroupRole = 'admin' | 'owner' | 'member';

/**
 * Who may do what with a group (admin-api.md): admins everything, Owners everything about their
 * group, other members read only (403), anyone else sees no such group (404).
 */
@Injectable()
export class GroupAccessService {
  constructor(
    private readonly groups: GroupsService,
    private readonly membership: MembershipService,
  ) {}

  async resolve(principal: PersonPrincipal, ref: string, need: 'read' | 'manage'): Promise<{ group: GroupEntity; role: GroupRole }> {
    const group = await this.groups.findByRef(ref);
    if (!group) throw new DomainError('not_found', '404 Group Not Found');
    if (principal.user.isAdmin) return { group, role: 'admin' };
    const member = await this.membership.find(group.id, principal.user.id);
    if (!member || expired(member)) throw new DomainError('not_found', '404 Group Not Found');
    const role: GroupRole = member.accessLevel === OWNER ? 'owner' : 'member';
    if (need === 'manage' && role !== 'owner') throw new DomainError('forbidden', '403 Forbidden');
    return { group, role };
  }

  async permissions(principal: PersonPrincipal, group: GroupEntity): Promise<GroupPermissions> {
    const member = await this.membership.find(group.id, principal.user.id);
    const live = member && !expired(member) ? member : null;
    return {
      group_access: live ? { access_level: live.accessLevel } : null,
      is_admin: principal.user.isAdmin,
      can_manage: principal.user.isAdmin || live?.accessLevel === OWNER,
    };
  }
}

/**
 * What the caller may do with a group, for the UI to show only what is allowed: their own
 * membership's access level (null when not a member — an admin may not be one), whether they are
 * an admin, and whether they may manage the group (Owners and admins).
 */
export interface GroupPermissions {
  group_access: { access_level: number } | null;
  is_admin: boolean;
  can_manage: boolean;
}

export function requireAdmin(principal: PersonPrincipal): void {
  if (!principal.user.isAdmin) throw new DomainError('forbidden', '403 Forbidden');
}
