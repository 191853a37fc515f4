import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { Scope } from '../common/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, isUniqueViolation, Tx } from '../database/database.service.js';
import { compileFilter } from '../scim/filter/filter-compiler.js';
import { parseFilter } from '../scim/filter/filter-parser.js';
import { CORE_GROUP_SCHEMA, GROUP_FILTER_ATTRIBUTES } from '../scim/filter/group-filter-attributes.js';
import type { ListRequest } from '../scim/list-request.js';
import { GroupChange, MemberOperation, parseGroupDocument, parseGroupPatch } from '../scim/patch/group-patch.js';
import { applyProjection, parseProjection, Projection } from '../scim/projection.js';
import { changeWithLogRow, ScimContext } from '../scim/scim-context.js';
import { LIST_RESPONSE_SCHEMA } from '../scim/scim-user-doc.js';
import { GroupSyncService, RecomputeTargets } from './group-sync.service.js';
import { SamlGroupLinksRepository } from './saml-group-links.repository.js';
import { ScimGroupEntity } from './scim-group.entity.js';
import { ScimGroupsRepository } from './scim-groups.repository.js';

export type ScimGroupResource = Record<string, unknown>;

export interface ScimGroupOverview {
  id: string;
  scope: 'group' | 'instance';
  display_name: string;
  external_id: string | null;
  members: number;
  links: { name: string; access_level: number }[];
  updated_at: string;
}

const uniqueness = (name: string) => new DomainError('uniqueness', `A group with displayName "${name}" already exists in this scope`);
const notFound = (id: string) => new DomainError('not_found', `Group ${id.length > 100 ? `${id.slice(0, 100)}…` : id} not found`);

/** Whether a projection keeps `members` (loading 100,000 members for a read that drops them is waste). */
function wantsMembers(projection: Projection | undefined): boolean {
  if (!projection) return true;
  const named = projection.paths.some((p) => p === 'members' || p.startsWith('members.') || p === `${CORE_GROUP_SCHEMA.toLowerCase()}:members`);
  return projection.mode === 'include' ? named : !named;
}

/**
 * SCIM `/Groups` of a scope (docs/group-sync.md): groups pushed by the IdP, their members one row
 * each, and, in the same transaction as each change, its audit event and the re-evaluation of the
 * roles the change can affect (GroupSyncService).
 */
@Injectable()
export class ScimGroupsService {
  constructor(
    private readonly db: Database,
    private readonly groups: ScimGroupsRepository,
    private readonly links: SamlGroupLinksRepository,
    private readonly sync: GroupSyncService,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: ScimContext, request: ListRequest) {
    const projection = parseProjection(request.attributes, request.excludedAttributes);
    const where = request.filter !== undefined && request.filter.trim() !== '' ? compileFilter(parseFilter(request.filter), GROUP_FILTER_ATTRIBUTES, { dialect: this.db.kind }) : undefined;
    const offset = request.cursor && 'offset' in request.cursor ? request.cursor.offset : request.startIndex - 1;
    const { items, total } = await this.groups.list(ctx.scope, where, offset, request.count);
    const resources: ScimGroupResource[] = [];
    for (const group of items) resources.push(await this.render(ctx, group, projection));
    return { schemas: [LIST_RESPONSE_SCHEMA], totalResults: total, startIndex: request.startIndex, itemsPerPage: resources.length, Resources: resources };
  }

  async get(ctx: ScimContext, id: string, query: { attributes?: unknown; excludedAttributes?: unknown }): Promise<ScimGroupResource> {
    const group = await this.groups.findByResourceId(ctx.scope, id);
    if (!group) throw notFound(id);
    return this.render(ctx, group, parseProjection(query.attributes, query.excludedAttributes));
  }

  async create(ctx: ScimContext, actor: Actor, body: unknown, query: { attributes?: unknown; excludedAttributes?: unknown }): Promise<ScimGroupResource> {
    const doc = parseGroupDocument(body);
    const id = await this.unique(doc.displayName, () =>
      changeWithLogRow(this.db, ctx, 201, async (tx) => {
        if (await this.groups.nameTaken(tx, ctx.scope, doc.displayName)) throw uniqueness(doc.displayName);
        const resolved = await this.resolve(tx, ctx.scope, doc.members);
        const resourceId = randomUUID();
        const rowId = await this.groups.insert(tx, ctx.scope, resourceId, doc.displayName, doc.externalId);
        if (rowId === null) throw uniqueness(doc.displayName);
        const group = (await this.groups.lock(tx, rowId))!;
        const added = await this.groups.addMembers(tx, rowId, resolved);
        await this.groups.update(tx, group, { displayName: doc.displayName, externalId: doc.externalId, memberDelta: added.length });
        await this.audit.record(tx, { name: 'scim_group_created', actor, scope: ctx.scope, details: { id: resourceId, display_name: doc.displayName, members: added.length } });
        await this.reevaluate(tx, actor, ctx.scope, [doc.displayName], await this.groups.usersOf(tx, added));
        return resourceId;
      }),
    );
    return this.get(ctx, id, query);
  }

  async replace(ctx: ScimContext, actor: Actor, id: string, body: unknown, query: { attributes?: unknown; excludedAttributes?: unknown }): Promise<ScimGroupResource> {
    const doc = parseGroupDocument(body);
    await this.change(ctx, actor, id, 200, { displayName: doc.displayName, externalId: doc.externalId, members: [{ kind: 'replace', values: doc.members }] });
    return this.get(ctx, id, query);
  }

  async patch(ctx: ScimContext, actor: Actor, id: string, body: unknown): Promise<void> {
    await this.change(ctx, actor, id, 204, parseGroupPatch(body, id.toLowerCase()));
  }

  async delete(ctx: ScimContext, actor: Actor, id: string): Promise<void> {
    const found = await this.groups.findByResourceId(ctx.scope, id);
    if (!found) throw notFound(id);
    await changeWithLogRow(this.db, ctx, 204, async (tx) => {
      const group = await this.groups.lock(tx, found.id);
      if (!group) throw notFound(id);
      const users = await this.groups.usersOf(tx, await this.groups.memberIdentityIds(tx, group.id));
      await this.groups.delete(tx, group.id);
      await this.audit.record(tx, { name: 'scim_group_deleted', actor, scope: ctx.scope, details: { id: group.resourceId, display_name: group.displayName, members: group.memberCount } });
      await this.reevaluate(tx, actor, ctx.scope, [group.displayName], users);
    });
  }

  /**
   * The owner's view of a Roster group's SCIM groups: those pushed to the group's own SCIM base,
   * and the instance's whose name one of the group's links matches; with member counts, the links
   * they hit and their last change.
   */
  async overview(groupId: number): Promise<ScimGroupOverview[]> {
    const links = new Map((await this.links.list(groupId)).map((l) => [l.name, l.accessLevel]));
    const rows = [...(await this.groups.listForScope({ kind: 'group', groupId })), ...(await this.groups.listForScope({ kind: 'instance' })).filter((g) => links.has(g.displayName))];
    return rows.map((g) => ({
      id: g.resourceId,
      scope: g.groupId === null ? 'instance' : 'group',
      display_name: g.displayName,
      external_id: g.externalId,
      members: g.memberCount,
      links: links.has(g.displayName) ? [{ name: g.displayName, access_level: links.get(g.displayName)! }] : [],
      updated_at: g.updatedAt,
    }));
  }

  private async change(ctx: ScimContext, actor: Actor, id: string, status: number, change: GroupChange): Promise<void> {
    const found = await this.groups.findByResourceId(ctx.scope, id);
    if (!found) throw notFound(id);
    const displayName = change.displayName ?? found.displayName;
    await this.unique(displayName, () =>
      changeWithLogRow(this.db, ctx, status, async (tx) => {
        const group = await this.groups.lock(tx, found.id);
        if (!group) throw notFound(id);
        const renamed = displayName !== group.displayName;
        if (renamed && (await this.groups.nameTaken(tx, ctx.scope, displayName, group.id))) throw uniqueness(displayName);
        const touched = new Set<number>();
        let delta = 0;
        for (const operation of change.members) delta += await this.applyMembers(tx, ctx.scope, group.id, operation, touched);
        const externalId = change.externalId === undefined ? group.externalId : change.externalId;
        if (!renamed && delta === 0 && touched.size === 0 && externalId === group.externalId) return;
        await this.groups.update(tx, group, { displayName, externalId, memberDelta: delta });
        await this.audit.record(tx, {
          name: 'scim_group_updated',
          actor,
          scope: ctx.scope,
          details: {
            id: group.resourceId,
            display_name: displayName,
            ...(renamed ? { renamed_from: group.displayName } : {}),
            members_changed: touched.size,
            members: group.memberCount + delta,
          },
        });
        // A rename moves every member from the old name's links to the new name's.
        const identities = renamed ? new Set([...touched, ...(await this.groups.memberIdentityIds(tx, group.id))]) : touched;
        await this.reevaluate(tx, actor, ctx.scope, renamed ? [group.displayName, displayName] : [displayName], await this.groups.usersOf(tx, [...identities]));
      }),
    );
  }

  /**
   * A SCIM identity is about to be deleted (the admin identity API): it leaves every SCIM group it
   * is in — counts kept right, audited — and the person's role is re-evaluated without those
   * grants. Inside the caller's transaction; SCIM groups are locked before Roster groups, the order
   * every SCIM group change takes.
   */
  async forgetIdentity(tx: Tx, actor: Actor, scope: Scope, identity: { id: number; userId: number }): Promise<void> {
    const names: string[] = [];
    for (const scimGroupId of await this.groups.groupsOfIdentity(tx, identity.id)) {
      const group = await this.groups.lock(tx, scimGroupId);
      if (!group) continue;
      const removed = await this.groups.removeMembers(tx, group.id, [identity.id]);
      if (removed.length === 0) continue;
      await this.groups.update(tx, group, { displayName: group.displayName, externalId: group.externalId, memberDelta: -removed.length });
      await this.audit.record(tx, {
        name: 'scim_group_updated',
        actor,
        scope,
        details: { id: group.resourceId, display_name: group.displayName, members_changed: removed.length, members: group.memberCount - removed.length, reason: 'scim_identity_deleted' },
      });
      names.push(group.displayName);
    }
    await this.reevaluate(tx, actor, scope, names, [identity.userId]);
  }

  /** One member operation; answers the change in member count and notes the identities it touched. */
  private async applyMembers(tx: Tx, scope: Scope, scimGroupId: number, operation: MemberOperation, touched: Set<number>): Promise<number> {
    if (operation.kind === 'add') {
      const added = await this.groups.addMembers(tx, scimGroupId, await this.resolve(tx, scope, operation.values));
      added.forEach((i) => touched.add(i));
      return added.length;
    }
    if (operation.kind === 'remove') {
      // Removing someone who is not a member (or not a User of the scope) changes nothing.
      const known = [...(await this.groups.resolve(tx, scope, operation.values)).values()].map((m) => m.identityId);
      const removed = await this.groups.removeMembers(tx, scimGroupId, known);
      removed.forEach((i) => touched.add(i));
      return -removed.length;
    }
    const wanted = operation.kind === 'replace' ? await this.resolve(tx, scope, operation.values) : [];
    const current = await this.groups.memberIdentityIds(tx, scimGroupId);
    const keep = new Set(wanted);
    const removed = await this.groups.removeMembers(
      tx,
      scimGroupId,
      current.filter((i) => !keep.has(i)),
    );
    const currentSet = new Set(current);
    const added = await this.groups.addMembers(
      tx,
      scimGroupId,
      wanted.filter((i) => !currentSet.has(i)),
    );
    [...removed, ...added].forEach((i) => touched.add(i));
    return added.length - removed.length;
  }

  /** Member values → identity ids of the scope; an id that is no User of the scope → 400 naming it. */
  private async resolve(tx: Tx, scope: Scope, values: string[]): Promise<number[]> {
    const found = await this.groups.resolve(tx, scope, values);
    const unknown = [...new Set(values.filter((v) => !found.has(v.toLowerCase())))];
    if (unknown.length > 0) {
      const shown = unknown
        .slice(0, 5)
        .map((v) => JSON.stringify(v.length > 100 ? `${v.slice(0, 100)}…` : v))
        .join(', ');
      throw new DomainError('invalid_value', `members must be Users of this SCIM scope; no User has the id ${shown}${unknown.length > 5 ? ` (and ${unknown.length - 5} more)` : ''}`);
    }
    return [...new Set(values.map((v) => found.get(v.toLowerCase())!.identityId))];
  }

  /**
   * Re-evaluates `userIds` in every Roster group a link of one of `names` reaches from this scope:
   * the group itself (group scope), or every group with such a link (instance scope).
   */
  private async reevaluate(tx: Tx, actor: Actor, scope: Scope, names: string[], userIds: number[]): Promise<void> {
    if (userIds.length === 0) return;
    // After the names' locks, a link of one of them is either committed (and found here) or not
    // yet created (and its recomputation, waiting for the lock, will see this change).
    await this.links.lockNames(tx, names);
    let groupIds = await this.links.groupsLinking(names, tx);
    if (scope.kind === 'group') groupIds = groupIds.filter((g) => g === scope.groupId);
    if (groupIds.length === 0) return;
    const targets: RecomputeTargets = new Map(groupIds.map((g) => [g, new Set(userIds)]));
    await this.sync.recompute(tx, actor, targets);
  }

  /** A concurrent create or rename that took the name first surfaces as a unique violation: 409. */
  private async unique<T>(displayName: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error)) throw uniqueness(displayName);
      throw error;
    }
  }

  private async render(ctx: ScimContext, group: ScimGroupEntity, projection: Projection | undefined): Promise<ScimGroupResource> {
    const resource: ScimGroupResource = {
      schemas: [CORE_GROUP_SCHEMA],
      id: group.resourceId,
      ...(group.externalId === null ? {} : { externalId: group.externalId }),
      displayName: group.displayName,
    };
    if (wantsMembers(projection)) {
      resource.members = (await this.groups.members(group.id)).map((m) => ({ value: m.value, display: m.display, $ref: `${ctx.baseUrl}/Users/${encodeURIComponent(m.value)}` }));
    }
    resource.meta = {
      resourceType: 'Group',
      created: group.createdAt,
      lastModified: group.updatedAt,
      location: `${ctx.baseUrl}/Groups/${group.resourceId}`,
      version: `W/"${group.version}"`,
    };
    return applyProjection(resource, projection);
  }
}
