import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { Page, PageRequest } from '../common/paging.js';
import { groupScope, INSTANCE } from '../common/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, isUniqueViolation, Tx } from '../database/database.service.js';
import { GroupEntity } from './group.entity.js';
import { GroupFilter, GroupsRepository } from './groups.repository.js';
export type { GroupFilter } from './groups.repository.js';
import { MembersRepository } from './members.repository.js';
import { OWNER } from './member.entity.js';

/** Letters, digits, `_`, `-`, `.`; starting with a letter or digit; not all digits (ids are). */
const GROUP_PATH = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * Where a group's deletion takes each registered lock: the order every other transaction locks
 * those rows in — a link invitation being redeemed, then a person's SCIM identity (a SCIM change;
 * a sign-in's check with SSO enforced), then their SAML identity (a relink, a link, a resolved
 * mismatch), then the group's row.
 */
export enum DeletionLockOrder {
  LinkInvitations = 1,
  ScimIdentities = 2,
  SamlIdentities = 3,
}

export interface GroupSettings {
  name?: string;
  allowedEmailDomains?: string[];
  verifiedDomains?: string[];
}

export function parseDomains(field: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((d) => typeof d !== 'string')) {
    throw new DomainError('validation', `${field} must be an array of domain names`, { fields: { [field]: ['must be an array of domain names'] } });
  }
  const domains = [...new Set((value as string[]).map((d) => d.trim().toLowerCase().replace(/^@/, '')))];
  const bad = domains.filter((d) => !DOMAIN.test(d));
  if (bad.length > 0) {
    throw new DomainError('validation', `${field} contains invalid domains: ${bad.join(', ')}`, { fields: { [field]: bad.map((d) => `"${d}" is not a domain name`) } });
  }
  return domains;
}

export function groupDomains(group: GroupEntity): { allowed: string[]; verified: string[] } {
  return { allowed: JSON.parse(group.allowedEmailDomains) as string[], verified: JSON.parse(group.verifiedDomains) as string[] };
}

@Injectable()
export class GroupsService {
  constructor(
    private readonly db: Database,
    private readonly groups: GroupsRepository,
    private readonly members: MembersRepository,
    private readonly audit: AuditService,
  ) {}

  /** `ref` is a numeric id or a path (case-insensitive; dots allowed). */
  async findByRef(ref: string): Promise<GroupEntity | null> {
    // An id beyond the integer column's range cannot exist (and PostgreSQL would reject the query).
    if (/^\d{1,15}$/.test(ref)) return Number(ref) > 2_147_483_647 ? null : this.groups.findById(Number(ref));
    return this.groups.findByPath(ref);
  }

  findById(id: number): Promise<GroupEntity | null> {
    return this.groups.findById(id);
  }

  /** Creates a group; its creator (`creatorUsername` names them in the audit log) becomes its first Owner. */
  async create(actor: Actor, input: { name: unknown; path: unknown }, creatorUsername?: string): Promise<GroupEntity> {
    const fields: Record<string, string[]> = {};
    if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 255) fields.name = ['must be a non-empty string of at most 255 characters'];
    if (typeof input.path !== 'string' || !GROUP_PATH.test(input.path) || /^\d+$/.test(input.path)) {
      fields.path = ['may contain only letters, digits, "_", "-" and ".", must start with a letter or digit, and must not be only digits'];
    }
    if (Object.keys(fields).length > 0) throw new DomainError('validation', 'Invalid group', { fields });
    try {
      return await this.db.transaction(async (tx) => {
        const group = await this.groups.insert(tx, { name: (input.name as string).trim(), path: input.path as string });
        const scope = groupScope(group.id);
        await this.audit.record(tx, { name: 'group_created', actor, scope, target: { type: 'Group', id: group.id, details: group.path } });
        if (actor.id !== null) {
          await this.members.insertIfAbsent(tx, group.id, actor.id, OWNER);
          await this.audit.record(tx, { name: 'member_added', actor, scope, target: { type: 'User', id: actor.id, details: creatorUsername }, details: { access_level: OWNER } });
        }
        return group;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'Path has already been taken', { fields: { path: ['has already been taken'] } });
      throw error;
    }
  }

  /**
   * Locks, registered by the modules that own rows of a group, taken before the group's row when
   * the group is deleted (registerDeletionLock), in DeletionLockOrder.
   */
  private readonly deletionLocks: { order: DeletionLockOrder; lock: (tx: Tx, groupId: number) => Promise<void> }[] = [];

  /**
   * A module whose transactions lock rows of a group before the group's row (a SCIM change locks
   * the person's identity, then takes group sync's lock; a sign-in that relinks changes the
   * person's SAML identity, then takes it) registers how to lock those rows: the deletion, which
   * cascades to them, then takes the locks in the same order and never waits in a cycle with such
   * a change (PostgreSQL answered the deletion "deadlock detected", or retried the sign-in).
   */
  registerDeletionLock(order: DeletionLockOrder, lock: (tx: Tx, groupId: number) => Promise<void>): void {
    this.deletionLocks.push({ order, lock });
    this.deletionLocks.sort((a, b) => a.order - b.order);
  }

  /** Deletes the group with everything that belongs to it (see GroupsRepository.delete). Audited at the instance. */
  async delete(actor: Actor, group: GroupEntity): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const { lock } of this.deletionLocks) await lock(tx, group.id);
      await this.groups.lock(tx, group.id);
      if (!(await this.groups.delete(tx, group.id))) throw new DomainError('not_found', '404 Group Not Found');
      await this.audit.record(tx, { name: 'group_deleted', actor, scope: INSTANCE, target: { type: 'Group', id: group.id, details: group.path } });
    });
  }

  async update(actor: Actor, group: GroupEntity, settings: GroupSettings): Promise<GroupEntity> {
    const patch: Partial<GroupEntity> = {};
    if (settings.name !== undefined) patch.name = settings.name;
    if (settings.allowedEmailDomains !== undefined) patch.allowedEmailDomains = JSON.stringify(settings.allowedEmailDomains);
    if (settings.verifiedDomains !== undefined) patch.verifiedDomains = JSON.stringify(settings.verifiedDomains);
    return this.db.transaction(async (tx) => {
      if (settings.verifiedDomains !== undefined) {
        await this.groups.lock(tx, group.id);
        const current = await this.groups.findById(group.id, tx);
        if (!current) throw new DomainError('not_found', '404 Group Not Found');
        const verified = groupDomains(current).verified;
        await this.refuseIfVerifiedElsewhere(
          tx,
          group.id,
          settings.verifiedDomains.filter((d) => !verified.includes(d)),
        );
      }
      await this.groups.update(tx, group.id, patch);
      await this.audit.record(tx, {
        name: 'group_updated',
        actor,
        scope: groupScope(group.id),
        target: { type: 'Group', id: group.id, details: group.path },
        details: { changes: Object.keys(settings) },
      });
      // Read in the transaction: what this change wrote, whatever other readers share.
      return (await this.groups.findById(group.id, tx))!;
    });
  }

  /**
   * Adds one verified domain (the Enterprise badge follows it). The group's row is locked and read
   * again first, so two Owners adding different domains at once both keep theirs (PostgreSQL); a
   * domain already in the list, or verified by another group, is refused, and nothing changes.
   */
  async addVerifiedDomain(actor: Actor, group: GroupEntity, input: string): Promise<{ group: GroupEntity; domain: string }> {
    const [domain] = parseDomains('domain', [input]);
    return this.changeVerifiedDomains(actor, group, 'verified_domain_added', (domains) => {
      if (domains.includes(domain)) throw new DomainError('conflict', `${domain} is already a verified domain of ${group.name}`);
      return { domains: [...domains, domain], domain };
    });
  }

  /** Removes one verified domain (any case); 404 when the group does not have it. */
  async removeVerifiedDomain(actor: Actor, group: GroupEntity, input: string): Promise<{ group: GroupEntity; domain: string }> {
    const wanted = input.trim().toLowerCase();
    return this.changeVerifiedDomains(actor, group, 'verified_domain_removed', (domains) => {
      if (!domains.includes(wanted)) throw new DomainError('not_found', '404 Verified Domain Not Found');
      return { domains: domains.filter((d) => d !== wanted), domain: wanted };
    });
  }

  private changeVerifiedDomains(
    actor: Actor,
    group: GroupEntity,
    name: 'verified_domain_added' | 'verified_domain_removed',
    change: (domains: string[]) => { domains: string[]; domain: string },
  ): Promise<{ group: GroupEntity; domain: string }> {
    return this.db.transaction(async (tx) => {
      await this.groups.lock(tx, group.id);
      const current = await this.groups.findById(group.id, tx);
      if (!current) throw new DomainError('not_found', '404 Group Not Found');
      const { domains, domain } = change(groupDomains(current).verified);
      if (name === 'verified_domain_added') await this.refuseIfVerifiedElsewhere(tx, group.id, [domain]);
      await this.groups.update(tx, group.id, { verifiedDomains: JSON.stringify(domains) });
      await this.audit.record(tx, { name, actor, scope: groupScope(group.id), target: { type: 'Group', id: group.id, details: group.path }, details: { domain } });
      return { group: (await this.groups.findById(group.id, tx))!, domain };
    });
  }

  /**
   * A domain is verified by one group at most: its verified domains make the group's IdP the
   * authority over the accounts in that domain. Each domain is locked (sorted order) before the
   * look-up, so two groups adding one domain at once take turns and the second sees the first's
   * commit (PostgreSQL, across processes). The other group is not named: the caller may not see it.
   */
  private async refuseIfVerifiedElsewhere(tx: Tx, groupId: number, added: string[]): Promise<void> {
    if (added.length === 0) return;
    await this.groups.lockVerifiedDomains(tx, added);
    const taken: string[] = [];
    for (const domain of [...added].sort()) {
      if ((await this.groups.groupIdsVerifying(tx, domain)).some((id) => id !== groupId)) taken.push(domain);
    }
    if (taken.length > 0) throw new DomainError('conflict', `${taken.join(', ')} ${taken.length === 1 ? 'is' : 'are'} already verified by another group`);
  }

  list(filter: GroupFilter, page: PageRequest): Promise<Page<GroupEntity>> {
    return this.groups.list(filter, page);
  }
}
