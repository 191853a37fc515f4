import { Controller, Get, Inject, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { isKeysetRequest, parseKeysetRequest, parsePageRequest } from '../common/paging.js';
import type { AuditQuery } from '../audit/audit.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { queryInteger, queryString, queryTimeBound } from './admin-input.js';
import { GroupAccessService, requireAdmin } from './group-access.service.js';
import { sendKeysetPage, sendPage } from './paged-response.js';
import { Principal } from './request-actor.js';

/** The filters both audit endpoints share (GitLab's audit events API). */
function auditFilters(query: Record<string, unknown>): Omit<AuditQuery, 'groupId'> {
  return {
    eventName: queryString(query, 'event_name', 100),
    createdAfter: queryTimeBound(query, 'created_after', 'after'),
    createdBefore: queryTimeBound(query, 'created_before', 'before'),
    targetId: queryInteger(query, 'target_id', 1, 2_147_483_647),
    requestId: queryString(query, 'request_id', 128),
  };
}

/** Audit events, newest first: a group's for its Owners, every scope's for admins. */
@Controller('api/v4')
@UseGuards(PersonAuthGuard)
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
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const filters = { groupId: group.id, ...auditFilters(query) };
    if (isKeysetRequest(query)) return sendKeysetPage(request, response, this.config.baseUrl, await this.audit.listKeyset(filters, parseKeysetRequest(query)), (event) => event);
    return sendPage(request, response, this.config.baseUrl, await this.audit.list(filters, parsePageRequest(query)), (event) => event);
  }

  @Get('audit_events')
  async all(@Principal() principal: PersonPrincipal, @Query() query: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    requireAdmin(principal);
    if (isKeysetRequest(query)) return sendKeysetPage(request, response, this.config.baseUrl, await this.audit.listKeyset(auditFilters(query), parseKeysetRequest(query)), (event) => event);
    return sendPage(request, response, this.config.baseUrl, await this.audit.list(auditFilters(query), parsePageRequest(query)), (event) => event);
  }
}
