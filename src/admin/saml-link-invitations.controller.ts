import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards, UsePipes } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { parsePageRequest } from '../common/paging.js';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { SamlLinkInvitationsService } from '../saml/saml-link-invitations.service.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { CreateLinkInvitationDto, LinkInvitationsQueryDto } from './dto/link-invitations.dto.js';
import { GitlabParams, GITLAB_VALIDATION } from './gitlab-params.js';
import { GroupAccessService } from './group-access.service.js';
import { sendPage } from './paged-response.js';
import { Principal, RequestActor } from './request-actor.js';

function invitationId(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw new DomainError('not_found', '404 Link invitation Not Found');
  return Number(raw);
}

/**
 * A group's link invitations (issue 16, point 2), for its Owners and admins. Named like GitLab's
 * `saml_group_links` (and not under `/saml/`, where `/saml/:uid` addresses identities by value).
 */
@Controller('api/v4/groups/:group/saml_link_invitations')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class SamlLinkInvitationsController {
  constructor(
    private readonly access: GroupAccessService,
    private readonly invitations: SamlLinkInvitationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** 201 with the invitation and its `url`, which carries the secret and is never shown again. */
  @Post()
  async create(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @GitlabParams() input: CreateLinkInvitationDto) {
    const { group, role } = await this.access.resolve(principal, ref, 'manage');
    return this.invitations.create(actor, group, { userId: input.user_id, expiresInDays: input.expires_in_days, byAdmin: role === 'admin' });
  }

  @Get()
  async list(
    @Principal() principal: PersonPrincipal,
    @Param('group') ref: string,
    @GitlabParams() filters: LinkInvitationsQueryDto,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const page = await this.invitations.list(group, { state: filters.state, userId: filters.user_id }, parsePageRequest(query));
    return sendPage(request, response, this.config.baseUrl, page, (item) => item);
  }

  @Get(':invitation')
  async get(@Principal() principal: PersonPrincipal, @Param('group') ref: string, @Param('invitation') raw: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return this.invitations.get(group, invitationId(raw));
  }

  /** Revokes an active invitation: 204; 409 when it is already used, expired or revoked. */
  @Delete(':invitation')
  @HttpCode(204)
  async revoke(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Param('invitation') raw: string): Promise<void> {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    await this.invitations.revoke(actor, group, invitationId(raw));
  }
}
