import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { groupScope } from '../common/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Database } from '../database/database.service.js';
import type { GroupEntity } from '../groups/group.entity.js';
import { ACCESS_LEVELS, AccessLevel } from '../groups/member.entity.js';
import { MembershipService } from '../groups/membership.service.js';
import { GroupSyncService } from './group-sync.service.js';
import { SamlGroupLinkEntity } from './saml-group-link.entity.js';
import { SamlGroupLinksRepository } from './saml-group-links.repository.js';

export const MAX_LINK_NAME_LENGTH = 255;

export interface SamlGroupLinkView {
  name: string;
  access_level: AccessLevel;
}

const view = (link: SamlGroupLinkEntity): SamlGroupLinkView => ({ name: link.name, access_level: link.accessLevel });

/** GitLab's messages for a missing or bad parameter (Grape): `{"error": …}`, 400. */
const missing = (name: string) => new DomainError('validation', `${name} is missing`, { shape: 'error' });
const invalid = (name: string) => new DomainError('validation', `${name} does not have a valid value`, { shape: 'error' });

/** SAML Group Links of a group (docs/group-sync.md): GitLab's API, audited, re-evaluating who they reach. */
@Injectable()
export class SamlGroupLinksService {
  constructor(
    private readonly db: Database,
    private readonly links: SamlGroupLinksRepository,
    private readonly sync: GroupSyncService,
    private readonly membership: MembershipService,
    private readonly audit: AuditService,
  ) {}

  async list(group: GroupEntity): Promise<SamlGroupLinkView[]> {
    return (await this.links.list(group.id)).map(view);
  }

  async get(group: GroupEntity, name: string): Promise<SamlGroupLinkView> {
    const link = await this.links.find(group.id, name);
    if (!link) throw new DomainError('not_found', '404 Not found');
    return view(link);
  }

  async create(actor: Actor, group: GroupEntity, input: { saml_group_name?: unknown; access_level?: unknown }): Promise<SamlGroupLinkView> {
    const name = input.saml_group_name;
    if (name === undefined || name === null || (typeof name === 'string' && name.trim() === '')) throw missing('saml_group_name');
    if (typeof name !== 'string' || name.length > MAX_LINK_NAME_LENGTH || name !== name.trim()) throw invalid('saml_group_name');
    if (input.access_level === undefined || input.access_level === null || input.access_level === '') throw missing('access_level');
    const level = typeof input.access_level === 'string' && /^\d+$/.test(input.access_level) ? Number(input.access_level) : input.access_level;
    if (typeof level !== 'number' || !(ACCESS_LEVELS as readonly number[]).includes(level)) throw invalid('access_level');
    await this.db.transaction(async (tx) => {
      // The name before the group's row: the order a SCIM group change takes them in.
      await this.links.lockNames(tx, [name]);
      await this.membership.lockGroup(tx, group.id);
      if ((await this.links.insert(tx, group.id, name, level as AccessLevel)) === null) {
        throw new DomainError('validation', `SAML group name ${name} has already been taken`, { fields: { saml_group_name: ['has already been taken'] } });
      }
      await this.audit.record(tx, {
        name: 'saml_group_link_created',
        actor,
        scope: groupScope(group.id),
        target: { type: 'Group', id: group.id, details: name },
        details: { saml_group_name: name, access_level: level },
      });
      await this.sync.recompute(tx, actor, new Map([[group.id, 'all']]));
    });
    return { name, access_level: level as AccessLevel };
  }

  async remove(actor: Actor, group: GroupEntity, name: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.links.lockNames(tx, [name]);
      await this.membership.lockGroup(tx, group.id);
      const link = await this.links.find(group.id, name, tx);
      if (!link || !(await this.links.delete(tx, group.id, name))) throw new DomainError('not_found', '404 Not found');
      await this.audit.record(tx, {
        name: 'saml_group_link_deleted',
        actor,
        scope: groupScope(group.id),
        target: { type: 'Group', id: group.id, details: name },
        details: { saml_group_name: name, access_level: link.accessLevel },
      });
      await this.sync.recompute(tx, actor, new Map([[group.id, 'all']]));
    });
  }
}
