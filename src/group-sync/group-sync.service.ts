import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import type { Tx } from '../database/database.service.js';
import type { AccessLevel } from '../groups/member.entity.js';
import { MembershipService, syncLeavesAsIs, SyncOutcome } from '../groups/membership.service.js';
import type { SamlGroupLinkEntity } from './saml-group-link.entity.js';
import { Grant, SamlGroupLinksRepository } from './saml-group-links.repository.js';

/** Who to re-evaluate: Roster group id → user ids (`'all'`: everyone the group's links can reach). */
export type RecomputeTargets = Map<number, Set<number> | 'all'>;

/**
 * The one role computation of group sync (docs/group-sync.md, "How a role is derived"), used by
 * every path: SCIM group changes, links, SAML sign-in. It runs inside the caller's transaction;
 * each Roster group's row is locked (ascending ids, so two recomputations never wait on each other
 * in a cycle) before grants and memberships are read, so the answer reflects every change that
 * committed before, in any interleaving and across processes.
 */
@Injectable()
export class GroupSyncService {
  constructor(
    private readonly links: SamlGroupLinksRepository,
    private readonly membership: MembershipService,
  ) {}

  async recompute(tx: Tx, actor: Actor, targets: RecomputeTargets): Promise<Map<number, Map<number, SyncOutcome>>> {
    const outcomes = new Map<number, Map<number, SyncOutcome>>();
    for (const groupId of [...targets.keys()].sort((a, b) => a - b)) {
      await this.membership.lockGroup(tx, groupId);
      outcomes.set(groupId, await this.recomputeLocked(tx, actor, groupId, targets.get(groupId)!));
    }
    return outcomes;
  }

  /**
   * A SCIM reactivation's recomputation of the one person it concerns, under group sync's shared
   * lock (MembershipService.shareGroup): the caller holds the person's SCIM identity row, which
   * keeps out every other change of them that does not take the group's row alone.
   */
  async recomputePerson(tx: Tx, actor: Actor, groupId: number, userId: number): Promise<void> {
    await this.membership.shareGroup(tx, groupId);
    await this.recomputeLocked(tx, actor, groupId, new Set([userId]));
  }

  /** Reads the links, the grants and the memberships after the caller's lock, and applies them. */
  private async recomputeLocked(tx: Tx, actor: Actor, groupId: number, who: Set<number> | 'all'): Promise<Map<number, SyncOutcome>> {
    // Read once after the lock: who the links reach ('all') and what they grant.
    const links = await this.links.list(groupId, tx);
    const userIds = who === 'all' ? await this.reachable(tx, groupId, links) : [...who];
    const grants = userIds.length === 0 ? new Map<number, { level: AccessLevel; links: string[] }>() : await this.grants(tx, groupId, userIds, links);
    return this.apply(tx, actor, groupId, userIds, 'restore', grants);
  }

  /**
   * A SAML sign-in that carried the groups attribute: the asserted names replace the stored ones
   * and the person is re-evaluated; no grant removes the membership (the last Owner excepted).
   * Changes no role when the group has no link (answers null). Answers the outcome and the grant applied.
   */
  async signIn(tx: Tx, actor: Actor, groupId: number, userId: number, names: string[]): Promise<{ outcome: SyncOutcome; level: AccessLevel | null } | null> {
    await this.membership.lockGroup(tx, groupId);
    // Kept even while the group has no link: a link created later applies to what was asserted.
    await this.links.saveAssertion(tx, groupId, userId, names);
    const links = await this.links.list(groupId, tx);
    if (links.length === 0) return null;
    const grants = await this.grants(tx, groupId, [userId], links);
    const outcome = (await this.apply(tx, actor, groupId, [userId], 'remove', grants)).get(userId)!;
    return { outcome, level: grants.get(userId)?.level ?? null };
  }

  /** Everyone the group's links can reach now or reached before: SCIM group members, sign-ins, synced members. */
  private async reachable(tx: Tx, groupId: number, links: SamlGroupLinkEntity[]): Promise<number[]> {
    const ids = new Set<number>(await this.membership.syncedUserIds(tx, groupId));
    for (const link of links) for (const id of await this.links.scimUsersNamed(tx, groupId, link.name)) ids.add(id);
    for (const id of await this.links.assertingUsers(tx, groupId)) ids.add(id);
    return [...ids].sort((a, b) => a - b);
  }

  /** Per person: the highest level among the matching links, and the names of the links giving it. */
  private async grants(tx: Tx, groupId: number, userIds: number[], groupLinks: SamlGroupLinkEntity[]): Promise<Map<number, { level: AccessLevel; links: string[] }>> {
    const best = new Map<number, { level: AccessLevel; links: string[] }>();
    // A group without links grants nothing: most groups, and every SCIM reactivation in one of them.
    const links = new Map(groupLinks.map((l) => [l.name, l.accessLevel]));
    if (links.size === 0) return best;
    const all: Grant[] = await this.links.scimGrants(tx, groupId, userIds);
    for (const [userId, names] of await this.links.assertedNames(tx, groupId, userIds)) {
      for (const name of names) if (links.has(name)) all.push({ userId, name, level: links.get(name)! });
    }
    for (const grant of all) {
      const current = best.get(grant.userId);
      if (!current || grant.level > current.level) best.set(grant.userId, { level: grant.level, links: [grant.name] });
      else if (grant.level === current.level && !current.links.includes(grant.name)) current.links.push(grant.name);
    }
    for (const grant of best.values()) grant.links.sort();
    return best;
  }

  private async apply(
    tx: Tx,
    actor: Actor,
    groupId: number,
    userIds: number[],
    noGrant: 'restore' | 'remove',
    grants: Map<number, { level: AccessLevel; links: string[] }>,
  ): Promise<Map<number, SyncOutcome>> {
    const outcomes = new Map<number, SyncOutcome>();
    if (userIds.length === 0) return outcomes;
    const members = new Map((await this.membership.membershipsIn(tx, groupId, userIds)).map((m) => [m.userId, m]));
    // Usernames (for the audit events) only of the people whose membership may change.
    const changing = new Set(userIds.filter((id) => !syncLeavesAsIs(members.get(id) ?? null, grants.get(id) ?? null, noGrant)));
    const usernames = changing.size === 0 ? new Map<number, string>() : await this.links.usernames(tx, [...changing]);
    for (const userId of userIds) {
      if (!changing.has(userId)) {
        outcomes.set(userId, 'unchanged');
        continue;
      }
      const username = usernames.get(userId);
      if (username === undefined) continue;
      const outcome = await this.membership.applySync(tx, actor, groupId, { id: userId, username }, members.get(userId) ?? null, grants.get(userId) ?? null, noGrant);
      outcomes.set(userId, outcome);
    }
    return outcomes;
  }
}
