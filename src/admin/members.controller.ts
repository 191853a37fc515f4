import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res, UseGuards, UsePipes } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import type { Actor } from '../common/actor.js';
import { isKeysetRequest, parseKeysetRequest, parsePageRequest } from '../common/paging.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { pathId } from './admin-input.js';
import { AddMemberDto, ChangeMemberDto } from './dto/members.dto.js';
import { GroupAccessService } from './group-access.service.js';
import { MembersQueryDto } from './dto/members-query.dto.js';
import { GitlabParams, GITLAB_VALIDATION } from './gitlab-params.js';
import type { MemberFilter } from '../groups/membership.service.js';
import { DomainError } from '../common/domain-error.js';
import { MembersViewService } from './members-view.service.js';
import { sendKeysetPage, sendPage } from './paged-response.js';
import { Principal, RequestActor } from './request-actor.js';

const MEMBER_NOT_FOUND = '404 Member Not Found';

/** A group's members: every member may read the list; only Owners (and admins) change it. */
@Controller('api/v4/groups/:group/members')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class MembersController {
  constructor(
    private readonly access: GroupAccessService,
    private readonly members: MembersViewService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(
    @Principal() principal: PersonPrincipal,
    @Param('group') ref: string,
    @GitlabParams() filters: MembersQueryDto,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { group, role } = await this.access.resolve(principal, ref, 'read');
    const audience = role === 'member' ? 'member' : 'owner';
    if (filters.query !== undefined && filters.search !== undefined && filters.query !== filters.search) {
      throw new DomainError('validation', 'query, search are mutually exclusive', { shape: 'error' });
    }
    const filter: MemberFilter = {
      search: filters.query ?? filters.search,
      userIds: filters.state === 'awaiting' ? [] : filters.user_ids,
      skipUserIds: filters.skip_users,
    };
    if (isKeysetRequest(query)) return sendKeysetPage(request, response, this.config.baseUrl, await this.members.listKeyset(group, filter, parseKeysetRequest(query), audience), (row) => row);
    return sendPage(request, response, this.config.baseUrl, await this.members.list(group, filter, parsePageRequest(query), audience), (row) => row);
  }

  @Post()
  /**
   * One user (by `user_id` or `username`) → 201 and the member, as GitLab; several comma-separated
   * ids → 201 `{"status": "success"}` or `{"status": "error", "message": {<user>: <problem>}}`.
   */
  async add(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @GitlabParams() input: AddMemberDto, @Res({ passthrough: true }) response: Response) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const expiresAt = input.expires_at ?? null;
    response.status(201);
    if (input.user_id !== undefined && input.user_id.length > 1) return this.members.addMany(actor, group, input.user_id, input.access_level, expiresAt);
    const userId = input.user_id !== undefined ? input.user_id[0] : await this.members.userIdByUsername(input.username!);
    return this.members.add(actor, group, userId, input.access_level, expiresAt);
  }

  /** GitLab's members including inherited ones: Roster's groups have no parents, so the same list. */
  @Get('all')
  listAll(
    @Principal() principal: PersonPrincipal,
    @Param('group') ref: string,
    @GitlabParams() filters: MembersQueryDto,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.list(principal, ref, filters, query, request, response);
  }

  @Get('all/:user_id')
  getAll(@Principal() principal: PersonPrincipal, @Param('group') ref: string, @Param('user_id') rawUserId: string) {
    return this.get(principal, ref, rawUserId);
  }

  @Get(':user_id')
  async get(@Principal() principal: PersonPrincipal, @Param('group') ref: string, @Param('user_id') rawUserId: string) {
    const { group, role } = await this.access.resolve(principal, ref, 'read');
    return this.members.one(group, pathId(rawUserId, 'user_id', MEMBER_NOT_FOUND), role === 'member' ? 'member' : 'owner');
  }

  @Put(':user_id')
  async change(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Param('user_id') rawUserId: string, @GitlabParams() input: ChangeMemberDto) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const userId = pathId(rawUserId, 'user_id', MEMBER_NOT_FOUND);
    return this.members.changeRole(actor, group, userId, input.access_level, input.expires_at);
  }

  @Delete(':user_id')
  @HttpCode(204)
  async remove(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Param('user_id') rawUserId: string): Promise<void> {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    await this.members.remove(actor, group, pathId(rawUserId, 'user_id', MEMBER_NOT_FOUND));
  }
}
