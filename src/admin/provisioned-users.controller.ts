import { Controller, Get, Inject, Param, Query, Req, Res, UseGuards, UsePipes } from '@nestjs/common';
import type { Request, Response } from 'express';
import { parsePageRequest } from '../common/paging.js';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { UsersService } from '../users/users.service.js';
import { queryTimeBound } from './admin-input.js';
import { UsersQueryDto } from './dto/users-query.dto.js';
import { GitlabParams, GITLAB_VALIDATION } from './gitlab-params.js';
import { GroupAccessService } from './group-access.service.js';
import { sendPage } from './paged-response.js';
import { Principal } from './request-actor.js';
import { userView } from './views.js';

/**
 * GitLab's `GET /groups/:id/provisioned_users` (Owners): the accounts the group's SCIM provisioning
 * created, with its filters `username`, `search`, `active`, `blocked`, `created_after`, `created_before`.
 */
@Controller('api/v4/groups/:group/provisioned_users')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class ProvisionedUsersController {
  constructor(
    private readonly access: GroupAccessService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(
    @Principal() principal: PersonPrincipal,
    @Param('group') ref: string,
    @GitlabParams() filters: UsersQueryDto,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const nobody = filters.active === true && filters.blocked === true;
    const pageRequest = parsePageRequest(query);
    const page = nobody
      ? { items: [], total: 0, ...pageRequest }
      : await this.users.list(
          {
            enterpriseGroupId: group.id,
            search: filters.search,
            username: filters.username,
            state: filters.blocked === true ? 'blocked' : filters.active === true ? 'active' : undefined,
            createdAfter: queryTimeBound({ created_after: filters.created_after }, 'created_after', 'after'),
            createdBefore: queryTimeBound({ created_before: filters.created_before }, 'created_before', 'before'),
          },
          pageRequest,
        );
    return sendPage(request, response, this.config.baseUrl, page, (u) => userView(u, this.config.baseUrl));
  }
}
