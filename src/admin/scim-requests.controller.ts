import { Controller, Get, Inject, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import { parsePageRequest } from '../common/paging.js';
import type { RequestLogQuery } from '../scim/scim-request-log.repository.js';
import { ScimRequestLogService } from '../scim/scim-request-log.service.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { queryInteger, queryString } from './admin-input.js';
import { GroupAccessService, requireAdmin } from './group-access.service.js';
import { sendPage } from './paged-response.js';
import { Principal } from './request-actor.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function logFilters(query: Record<string, unknown>): Omit<RequestLogQuery, 'groupId'> {
  const method = queryString(query, 'method', 10)?.toUpperCase();
  if (method !== undefined && !METHODS.includes(method)) {
    throw new DomainError('validation', `method must be one of ${METHODS.join(', ')}`, { fields: { method: [`must be one of ${METHODS.join(', ')}`] } });
  }
  return { externalId: queryString(query, 'external_id'), status: queryInteger(query, 'status', 100, 599), method, requestId: queryString(query, 'request_id', 128) };
}

/**
 * The SCIM request log — "why was this account provisioned with these details?" — newest first:
 * a group's for its Owners, the instance SCIM API's for admins.
 */
@Controller('api/v4')
@UseGuards(PersonAuthGuard)
export class ScimRequestsController {
  constructor(
    private readonly access: GroupAccessService,
    private readonly log: ScimRequestLogService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('groups/:group/scim_requests')
  async forGroup(
    @Principal() principal: PersonPrincipal,
    @Param('group') ref: string,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const page = await this.log.list({ groupId: group.id, ...logFilters(query) }, parsePageRequest(query));
    return sendPage(request, response, this.config.baseUrl, page, (entry) => entry);
  }

  @Get('application/scim_requests')
  async forInstance(@Principal() principal: PersonPrincipal, @Query() query: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    requireAdmin(principal);
    const page = await this.log.list({ groupId: null, ...logFilters(query) }, parsePageRequest(query));
    return sendPage(request, response, this.config.baseUrl, page, (entry) => entry);
  }
}
