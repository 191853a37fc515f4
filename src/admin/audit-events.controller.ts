import { Controller, Get, Inject, Param, Query, Req, Res, UseGuards, UsePipes } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { isKeysetRequest, parseKeysetRequest, parsePageRequest } from '../common/paging.js';
import type { AuditQuery } from '../audit/audit.repository.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuditEventView } from '../audit/audit.service.js';
import { GroupsService } from '../groups/groups.service.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { pathId, queryTimeBound } from './admin-input.js';

const AUDIT_EVENT_NOT_FOUND = '404 Audit Event Not Found';
import { AuditEventsQueryDto } from './dto/audit-events-query.dto.js';
import { GitlabParams, GITLAB_VALIDATION } from './gitlab-params.js';
import { GroupAccessService, requireAdmin } from './group-access.service.js';
import { sendKeysetPage, sendPage } from './paged-response.js';
import { Principal } from './request-actor.js';

/** The filters both audit endpoints share (GitLab's audit events API). */
function auditFilters(query: AuditEventsQueryDto): Omit<AuditQuery, 'groupId'> {
  return {
    eventName: query.event_name,
    createdAfter: queryTimeBound({ created_after: query.created_after }, 'created_after', 'after'),
    createdBefore: queryTimeBound({ created_before: query.created_before }, 'created_before', 'before'),
    targetId: query.target_id,
    entityType: query.entity_type === 'Gitlab::Audit::InstanceScope' ? 'Instance' : query.entity_type,
    entityId: query.entity_id,
    requestId: query.request_id,
  };
}

/** GitLab's `details.entity_path`: the group's path, or "Instance" for instance-wide events. */
function withEntityPath(event: AuditEventView, paths: Map<number, string>): AuditEventView {
  const path = event.entity_type === 'Group' && event.entity_id !== null ? (paths.get(event.entity_id) ?? null) : event.entity_type;
  return { ...event, details: { ...event.details, entity_path: path } };
}

/** Audit events, newest first: a group's for its Owners, every scope's for admins. */
@Controller('api/v4')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class AuditEventsController {
  constructor(
    private readonly access: GroupAccessService,
    private readonly audit: AuditService,
    private readonly groups: GroupsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('groups/:group/audit_events')
  async forGroup(
    @Principal() principal: PersonPrincipal,
    @Param('group') ref: string,
    @GitlabParams() filters: AuditEventsQueryDto,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const scoped = { groupId: group.id, ...auditFilters(filters) };
    const view = (event: AuditEventView) => withEntityPath(event, new Map([[group.id, group.path]]));
    if (isKeysetRequest(query)) return sendKeysetPage(request, response, this.config.baseUrl, await this.audit.listKeyset(scoped, parseKeysetRequest(query)), view);
    return sendPage(request, response, this.config.baseUrl, await this.audit.list(scoped, parsePageRequest(query)), view);
  }

  @Get('audit_events')
  async all(
    @Principal() principal: PersonPrincipal,
    @GitlabParams() filters: AuditEventsQueryDto,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    requireAdmin(principal);
    if (isKeysetRequest(query)) {
      const page = await this.audit.listKeyset(auditFilters(filters), parseKeysetRequest(query));
      const paths = await this.groupPaths(page.items);
      return sendKeysetPage(request, response, this.config.baseUrl, page, (event) => withEntityPath(event, paths));
    }
    const page = await this.audit.list(auditFilters(filters), parsePageRequest(query));
    const paths = await this.groupPaths(page.items);
    return sendPage(request, response, this.config.baseUrl, page, (event) => withEntityPath(event, paths));
  }

  @Get('groups/:group/audit_events/:event_id')
  async oneForGroup(@Principal() principal: PersonPrincipal, @Param('group') ref: string, @Param('event_id') rawId: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const event = await this.audit.get(pathId(rawId, 'event_id', AUDIT_EVENT_NOT_FOUND), group.id);
    return withEntityPath(event, new Map([[group.id, group.path]]));
  }

  @Get('audit_events/:event_id')
  async one(@Principal() principal: PersonPrincipal, @Param('event_id') rawId: string) {
    requireAdmin(principal);
    const event = await this.audit.get(pathId(rawId, 'event_id', AUDIT_EVENT_NOT_FOUND));
    return withEntityPath(event, await this.groupPaths([event]));
  }

  /** The paths of the groups a page of events is about (a page holds at most 100, usually a few groups). */
  private async groupPaths(events: AuditEventView[]): Promise<Map<number, string>> {
    const ids = [...new Set(events.filter((e) => e.entity_type === 'Group' && e.entity_id !== null).map((e) => e.entity_id!))];
    const groups = await Promise.all(ids.map((id) => this.groups.findById(id)));
    return new Map(groups.filter((g) => g !== null).map((g) => [g.id, g.path]));
  }
}
