import { Controller, Get, Inject, Param, Query, Req, Res, UseGuards, UsePipes } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { isKeysetRequest, parseKeysetRequest, parsePageRequest } from '../common/paging.js';
import type { AuditQuery } from '../audit/audit.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { queryTimeBound } from './admin-input.js';
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

/** Audit events, newest first: a group's for its Owners, every scope's for admins. */
@Controller('api/v4')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class AuditEventsController {
  constructor(
    private readonly access: GroupAccessService,
    private readonly audit: AuditService,
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
    if (isKeysetRequest(query)) return sendKeysetPage(request, response, this.config.baseUrl, await this.audit.listKeyset(scoped, parseKeysetRequest(query)), (event) => event);
    return sendPage(request, response, this.config.baseUrl, await this.audit.list(scoped, parsePageRequest(query)), (event) => event);
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
    if (isKeysetRequest(query)) return sendKeysetPage(request, response, this.config.baseUrl, await this.audit.listKeyset(auditFilters(filters), parseKeysetRequest(query)), (event) => event);
    return sendPage(request, response, this.config.baseUrl, await this.audit.list(auditFilters(filters), parsePageRequest(query)), (event) => event);
  }
}
