import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { KeysetPage, KeysetRequest, Page, PageRequest } from '../common/paging.js';
import { groupScope } from '../common/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, isUniqueViolation, Tx } from '../database/database.service.js';
import type { UserEntity } from '../users/user.entity.js';
import type { GroupEntity } from './group.entity.js';
import { ACCESS_LEVELS, AccessLevel, MemberEntity, OWNER, RoleSource } from './member.entity.js';
import { GroupsRepository } from './groups.repository.js';
import { MemberFilter, MemberRow, MembersRepository } from './members.repository.js';

export type { MemberFilter } from './members.repository.js';

export function parseAccessLevel(value: unknown): AccessLevel {
  if (typeof value === 'number' && (ACCESS_LEVELS as readonly number[]).includes(value)) return value as AccessLevel;
  throw new DomainError('validation', 'access_level must be one of 5, 10, 15, 20, 30, 40, 50', {
    fields: { access_level: ['must be one of 5 (Minimal Access), 10 (Guest), 15 (Planner), 20 (Reporter), 30 (Developer), 40 (Maintainer), 50 (Owner)'] },
  });
}

/** Owns group membership and its one hard rule: a group always keeps at least one Owner. */
@Injectable()
export class MembershipService {
  constructor(
    private readonly db: Database,
    private readonly members: MembersRepository,
    private readonly groups: GroupsRepository,
    private readonly audit: AuditService,
  ) {}

  find(groupId: number, userId: number, em?: Tx): Promise<MemberEntity | null> {
    return this.members.find(groupId, userId, em);
  }

  findMany(groupId: number, userIds: number[]): Promise<MemberEntity[]> {
    return this.members.findMany(groupId, userIds);
  }

  listRows(groupId: number, filter: MemberFilter, page: PageRequest): Promise<Page<MemberRow>> {
    return this.members.listRows(groupId, filter, page);
  }

  /** Up to `limit` members whose username, email or name contains `search` (no count). */
  searchUserIds(groupId: number, search: string, limit: number): Promise<number[]> {
    return this.members.searchUserIds(groupId, search, limit);
  }

  listRowsKeyset(groupId: number, filter: MemberFilter, request: KeysetRequest): Promise<KeysetPage<MemberRow>> {
    return this.members.listRowsKeyset(groupId, filter, request);
  }

  /**
   * Makes `user` a member at `level` unless already a member (an existing role, higher or lower,
   * is kept: provisioning never demotes). Returns whether a membership was created.
   */
  async ensureMember(tx: Tx, actor: Actor, group: GroupEntity, user: UserEntity, level: AccessLevel, expiresAt: string | null = null, source: RoleSource = 'manual'): Promise<boolean> {
    if (!(await this.members.insertIfAbsent(tx, group.id, user.id, level, expiresAt, source))) return false;
    await this.audit.record(tx, {
      name: 'member_added',
      actor,
      scope: groupScope(group.id),
      target: { type: 'User', id: user.id, details: user.username },
      details: expiresAt === null ? { access_level: level } : { access_level: level, expires_at: expiresAt },
    });
    return true;
  }

  /**
   * Removes `user` from `group` inside the caller's transaction; refuses to remove the last Owner
   * (GitLab's message, which SCIM clients show to IdP admins). Returns whether a row was removed.
   */
  async removeMember(tx: Tx, actor: Actor, group: GroupEntity, user: UserEntity): Promise<boolean> {
    let member = await this.members.find(group.id, user.id, tx);
    if (member?.accessLevel === OWNER) member = await this.refuseIfLastOwner(tx, group, user, `Could not remove ${user.name} from ${group.name}. Cannot remove last group owner.`);
    if (!member || !(await this.members.delete(tx, group.id, user.id))) return false;
    const removedLevel = member.accessLevel;
    await this.audit.record(tx, {
      name: 'member_removed',
      actor,
      scope: groupScope(group.id),
      target: { type: 'User', id: user.id, details: user.username },
      details: { access_level: removedLevel },
    });
    return true;
  }

  /**
   * The last-Owner rule (database/README.md): before an Owner is removed or demoted, the group's
   * Owners are locked (lockOwners) and the membership read again, so of two requests taking away
   * its last two Owners at once, the second reads and counts after the first has committed, and is
   * refused.
   * Every removal or demotion by hand or by SCIM goes through here (group sync's through
   * lastOwner). Answers the membership as of the lock.
   */
  private async refuseIfLastOwner(tx: Tx, group: GroupEntity, user: Pick<UserEntity, 'id'>, message: string): Promise<MemberEntity | null> {
    await this.lockOwners(tx, group.id);
    const member = await this.members.find(group.id, user.id, tx);
    if (member?.accessLevel === OWNER && (await this.members.countOwners(tx, group.id)) <= 1) throw new DomainError('precondition_failed', message);
    return member;
  }

  /** Whether the group has one Owner at most, counted under lockOwners. */
  private async lastOwner(tx: Tx, groupId: number): Promise<boolean> {
    await this.lockOwners(tx, groupId);
    return (await this.members.countOwners(tx, groupId)) <= 1;
  }

  /**
   * The Owners of a group are counted, and one taken away, by one transaction at a time: the
   * group's row (shared at least: whoever holds it alone changes nothing beside us), then an
   * advisory lock on the group's Owners, which orders the holders of the shared lock (SCIM
   * deprovisions and reactivations of different people). Upgrading their row lock instead would
   * deadlock two of them every time, and PostgreSQL would stall each for a second to tell.
   */
  private async lockOwners(tx: Tx, groupId: number): Promise<void> {
    await this.groups.lock(tx, groupId, 'share');
    await tx.lockKey('group_owners', String(groupId));
  }

  /** Admin API: add a member explicitly (409 when already a member). */
  async add(actor: Actor, group: GroupEntity, user: UserEntity, level: AccessLevel, expiresAt: string | null = null): Promise<void> {
    try {
      await this.db.transaction(async (tx) => {
        await this.lockGroup(tx, group.id);
        if (await this.members.find(group.id, user.id, tx)) throw new DomainError('conflict', 'Member already exists');
        await this.ensureMember(tx, actor, group, user, level, expiresAt);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'Member already exists');
      throw error;
    }
  }

  /**
   * Admin API: change a member's role and, when given, its expiry date (null clears it); demoting
   * the last Owner is refused.
   */
  async changeRole(actor: Actor, group: GroupEntity, user: UserEntity, level: AccessLevel, expiresAt?: string | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.lockGroup(tx, group.id);
      let member = await this.members.find(group.id, user.id, tx);
      if (member?.accessLevel === OWNER && level !== OWNER) {
        member = await this.refuseIfLastOwner(tx, group, user, `Could not change the role of ${user.name} in ${group.name}. Cannot demote last group owner.`);
      }
      if (!member) throw new DomainError('not_found', '404 Member Not Found');
      if (level !== member.accessLevel) refuseIfSynced(member, user, 'change the role of');
      const expiryChanges = expiresAt !== undefined && expiresAt !== (member.expiresAt ?? null);
      if (member.accessLevel === level && !expiryChanges) return;
      await this.members.setAccessLevel(tx, group.id, user.id, level, expiryChanges ? expiresAt : undefined, member.accessLevel === level ? undefined : 'manual');
      await this.audit.record(tx, {
        name: 'member_role_changed',
        actor,
        scope: groupScope(group.id),
        target: { type: 'User', id: user.id, details: user.username },
        details: { from: member.accessLevel, to: level, ...(expiryChanges ? { expires_at: { from: member.expiresAt ?? null, to: expiresAt } } : {}) },
      });
    });
  }

  /** Admin API: remove a member (404 when not a member). */
  async remove(actor: Actor, group: GroupEntity, user: UserEntity): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.lockGroup(tx, group.id);
      const member = await this.members.find(group.id, user.id, tx);
      if (member) refuseIfSynced(member, user, 'remove');
      if (!(await this.removeMember(tx, actor, group, user))) throw new DomainError('not_found', '404 Member Not Found');
    });
  }

  /**
   * Ends a membership whose expiry day (`expires_at`, 00:00 UTC) has come, as GitLab removes
   * expired members. The row is re-read and deleted only if still due, so a date an Owner extended
   * meanwhile wins; the last Owner is never removed this way. Audited as a removal by the System.
   */
  async expire(actor: Actor, group: GroupEntity, user: Pick<UserEntity, 'id' | 'name' | 'username'>, today: string): Promise<'removed' | 'not_due' | 'last_owner'> {
    try {
      return await this.db.transaction(async (tx) => {
        await this.lockGroup(tx, group.id);
        const member = await this.members.find(group.id, user.id, tx);
        if (!member || member.expiresAt === null || member.expiresAt > today) return 'not_due';
        if (member.accessLevel === OWNER) await this.refuseIfLastOwner(tx, group, user, 'last owner');
        if (!(await this.members.deleteIfDue(tx, group.id, user.id, today))) return 'not_due';
        await this.audit.record(tx, {
          name: 'member_removed',
          actor,
          scope: groupScope(group.id),
          target: { type: 'User', id: user.id, details: user.username },
          details: { access_level: member.accessLevel, reason: 'expired', expires_at: member.expiresAt },
        });
        return 'removed';
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'precondition_failed') return 'last_owner';
      throw error;
    }
  }

  /**
   * Group sync's lock (database/README.md): every recomputation of roles in a group takes the
   * group's row first and reads grants and memberships after it. The admin API's member changes
   * take it too, before reading the membership: otherwise, on PostgreSQL, a recomputation could
   * overwrite a role changed by hand a moment earlier with one computed from what it read before,
   * and a change by hand could overwrite a role group sync manages (member-sync-race.e2e-spec.ts).
   */
  lockGroup(tx: Tx, groupId: number): Promise<void> {
    return this.groups.lock(tx, groupId);
  }

  /**
   * Group sync's lock, shared: for a change of one person that their SCIM identity's row already
   * serializes (a deprovision, a reactivation). Such changes in one group run side by side, and
   * each waits for, and keeps out, everything that takes lockGroup. Taking away an Owner under it
   * takes lockOwners first (refuseIfLastOwner, applySync), so the Owners are counted one at a time.
   */
  shareGroup(tx: Tx, groupId: number): Promise<void> {
    return this.groups.lock(tx, groupId, 'share');
  }

  /** The memberships of `userIds` in a group, inside `tx` (after lockGroup). */
  membershipsIn(tx: Tx, groupId: number, userIds: number[]): Promise<MemberEntity[]> {
    return this.members.findManyIn(tx, groupId, userIds);
  }

  syncedUserIds(tx: Tx, groupId: number): Promise<number[]> {
    return this.members.syncedUserIds(tx, groupId);
  }

  /**
   * Applies what group sync decided for one person (docs/group-sync.md, "How a role is derived"),
   * inside the caller's transaction with the group's row locked (lockGroup). `grant` is the highest
   * level among the matching links and their names, or null when no link matches; `noGrant` says
   * what no grant means: `restore` the role the member had without sync (SCIM groups, links), or
   * `remove` the membership (a SAML sign-in that carried the groups attribute). The last Owner is
   * never removed or demoted. `member` is the membership as read after the lock.
   */
  async applySync(
    tx: Tx,
    actor: Actor,
    groupId: number,
    user: { id: number; username: string },
    member: MemberEntity | null,
    grant: { level: AccessLevel; links: string[] } | null,
    noGrant: 'restore' | 'remove',
  ): Promise<SyncOutcome> {
    const scope = groupScope(groupId);
    const group = { id: groupId };
    const target = { type: 'User' as const, id: user.id, details: user.username };
    if (grant !== null) {
      const links = JSON.stringify(grant.links);
      if (member === null) {
        if (await this.members.insertIfAbsent(tx, group.id, user.id, grant.level, null, 'group_sync', links)) {
          await this.audit.record(tx, { name: 'member_added_by_group_sync', actor, scope, target, details: { access_level: grant.level, via: grant.links } });
          return 'added';
        }
        // Added meanwhile by a path outside group sync's lock (a SCIM POST linking an account, a
        // sign-in's default role): the grant applies to that membership, read now.
        const added = await this.members.find(groupId, user.id, tx);
        if (added === null) throw new Error(`membership of user ${user.id} in group ${groupId} was added and removed while group sync applied a grant`);
        return this.applySync(tx, actor, groupId, user, added, grant, noGrant);
      }
      if (member.roleSource === 'group_sync' && member.accessLevel === grant.level && member.syncLinks === links) return 'unchanged';
      if (member.accessLevel === OWNER && grant.level !== OWNER && (await this.lastOwner(tx, group.id))) return 'kept_last_owner';
      const synced = member.roleSource === 'group_sync';
      await this.members.setSyncedRole(tx, member.id, {
        accessLevel: grant.level,
        roleSource: 'group_sync',
        baseAccessLevel: synced ? member.baseAccessLevel : member.accessLevel,
        baseRoleSource: synced ? member.baseRoleSource : member.roleSource,
        syncLinks: links,
      });
      await this.audit.record(tx, { name: 'member_role_updated_by_group_sync', actor, scope, target, details: { from: member.accessLevel, to: grant.level, via: grant.links } });
      return 'updated';
    }
    if (member === null || syncLeavesAsIs(member, grant, noGrant)) return 'unchanged';
    const lastOwner = member.accessLevel === OWNER && (await this.lastOwner(tx, group.id));
    if (noGrant === 'restore' && member.baseAccessLevel !== null) {
      if (lastOwner && member.baseAccessLevel !== OWNER) return 'kept_last_owner';
      await this.members.setSyncedRole(tx, member.id, {
        accessLevel: member.baseAccessLevel,
        roleSource: member.baseRoleSource ?? 'manual',
        baseAccessLevel: null,
        baseRoleSource: null,
        syncLinks: null,
      });
      await this.audit.record(tx, { name: 'member_role_updated_by_group_sync', actor, scope, target, details: { from: member.accessLevel, to: member.baseAccessLevel, via: [] } });
      return 'updated';
    }
    if (lastOwner) return 'kept_last_owner';
    await this.members.delete(tx, group.id, user.id);
    await this.audit.record(tx, { name: 'member_removed_by_group_sync', actor, scope, target, details: { access_level: member.accessLevel } });
    return 'removed';
  }
}

export type SyncOutcome = 'added' | 'updated' | 'removed' | 'unchanged' | 'kept_last_owner';

/**
 * True when applySync would leave this membership as it is whatever else holds: no grant and no
 * membership, or no grant that restores and a role that did not come from sync (rule 3 of
 * docs/group-sync.md). Callers skip such people before reading what applySync would need.
 */
export function syncLeavesAsIs(member: MemberEntity | null, grant: { level: AccessLevel } | null, noGrant: 'restore' | 'remove'): boolean {
  if (grant !== null) return false;
  return member === null || (noGrant === 'restore' && member.roleSource !== 'group_sync');
}

/** docs/group-sync.md: a manual change to a member whose role comes from group sync is refused. */
function refuseIfSynced(member: MemberEntity, user: UserEntity, what: string): void {
  if (member.roleSource !== 'group_sync') return;
  const links = member.syncLinks === null ? [] : (JSON.parse(member.syncLinks) as string[]);
  throw new DomainError(
    'conflict',
    `Cannot ${what} ${user.name}: the role is managed by group sync via ${links.join(', ')}. Change the SAML group link, or the person's groups in the identity provider.`,
  );
}
