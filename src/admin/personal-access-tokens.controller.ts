import { Controller, Delete, Get, HttpCode, Inject, Param, Query, Req, Res, UseGuards, UsePipes } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { parsePageRequest } from '../common/paging.js';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import type { PersonalAccessTokenEntity } from '../tokens/personal-access-token.entity.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { TokensService } from '../tokens/tokens.service.js';
import { pathId } from './admin-input.js';
import { OptionalId } from './dto/coercion.js';
import { GitlabParams, GITLAB_VALIDATION } from './gitlab-params.js';
import { sendPage } from './paged-response.js';
import { Principal, RequestActor } from './request-actor.js';
import { patView } from './views.js';

const NOT_FOUND = '404 Personal Access Token Not Found';

/** GitLab's filter of the token list: an admin may list one person's tokens. */
class TokensQueryDto {
  @OptionalId() user_id?: number;
}

/** GitLab's `/personal_access_tokens`: everyone their own tokens, admins everyone's; `self` is the token in use. */
@Controller('api/v4/personal_access_tokens')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class PersonalAccessTokensController {
  constructor(
    private readonly tokens: TokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(
    @Principal() principal: PersonPrincipal,
    @GitlabParams() filters: TokensQueryDto,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    // A non-admin asking for someone else's tokens gets their own (GitLab's finder), never others'.
    const userId = principal.user.isAdmin ? (filters.user_id ?? null) : principal.user.id;
    return sendPage(request, response, this.config.baseUrl, await this.tokens.listPats(userId, parsePageRequest(query)), patView);
  }

  @Get('self')
  async self(@Principal() principal: PersonPrincipal) {
    return patView(await this.tokens.getPat(this.selfId(principal)));
  }

  @Get(':id')
  async get(@Principal() principal: PersonPrincipal, @Param('id') rawId: string) {
    return patView(await this.visible(principal, rawId));
  }

  @Delete('self')
  @HttpCode(204)
  async revokeSelf(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor): Promise<void> {
    await this.tokens.revokePat(actor, await this.tokens.getPat(this.selfId(principal)));
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('id') rawId: string): Promise<void> {
    await this.tokens.revokePat(actor, await this.visible(principal, rawId));
  }

  /** `self` needs a token: a browser session has none to name. */
  private selfId(principal: PersonPrincipal): number {
    if (principal.patId === undefined) throw new DomainError('not_found', NOT_FOUND);
    return principal.patId;
  }

  /** Another person's token is a 404 to non-admins: its existence is not theirs to learn. */
  private async visible(principal: PersonPrincipal, rawId: string): Promise<PersonalAccessTokenEntity> {
    const pat = await this.tokens.getPat(pathId(rawId, 'id', NOT_FOUND));
    if (!principal.user.isAdmin && pat.userId !== principal.user.id) throw new DomainError('not_found', NOT_FOUND);
    return pat;
  }
}
