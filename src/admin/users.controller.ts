import { Controller, Get, Inject, Param, Post, Query, Req, Res, UseGuards, UsePipes } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { isKeysetRequest, parseKeysetRequest, parsePageRequest } from '../common/paging.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { TokensService } from '../tokens/tokens.service.js';
import { UsersService } from '../users/users.service.js';
import { pathId } from './admin-input.js';
import { CreateTokenDto, CreateUserDto } from './dto/users.dto.js';
import { requireAdmin } from './group-access.service.js';
import { sendKeysetPage, sendPage } from './paged-response.js';
import { Principal, RequestActor } from './request-actor.js';
import { parseNewAccount, UserAccountsService } from './user-accounts.service.js';
import { UserFiltersService } from './user-filters.service.js';
import { patView, publicUserView, userView } from './views.js';
import { UsersQueryDto } from './dto/users-query.dto.js';
import { GitlabParams, GITLAB_VALIDATION } from './gitlab-params.js';
import type { UserEntity } from '../users/user.entity.js';

const USER_NOT_FOUND = '404 User Not Found';

/** Platform accounts: the caller, the admin's user list, and personal access tokens. */
@Controller('api/v4')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly accounts: UserAccountsService,
    private readonly tokens: TokensService,
    private readonly filters: UserFiltersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('user')
  me(@Principal() principal: PersonPrincipal) {
    return userView(principal.user, this.config.baseUrl);
  }

  @Post('users')
  async create(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @GitlabParams() input: CreateUserDto, @Res({ passthrough: true }) response: Response) {
    requireAdmin(principal);
    const user = await this.accounts.create(actor, parseNewAccount({ username: input.username, name: input.name, email: input.email, is_admin: input.is_admin ?? input.admin }));
    response.status(201);
    return userView(user, this.config.baseUrl);
  }

  /** Admins see accounts in full; everyone else GitLab's public fields, searched without emails. */
  @Get('users')
  async list(
    @Principal() principal: PersonPrincipal,
    @GitlabParams() filters: UsersQueryDto,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const admin = principal.user.isAdmin;
    const view = admin ? (u: UserEntity) => userView(u, this.config.baseUrl) : (u: UserEntity) => publicUserView(u, this.config.baseUrl);
    const filter = await this.filters.resolve(filters, admin);
    if (isKeysetRequest(query)) {
      const keyset = parseKeysetRequest(query);
      const page = filter ? await this.users.listKeyset(filter, keyset) : { items: [], total: 0, perPage: keyset.perPage, nextCursor: null, prevCursor: null };
      return sendKeysetPage(request, response, this.config.baseUrl, page, view);
    }
    const pageRequest = parsePageRequest(query);
    const page = filter ? await this.users.list(filter, pageRequest) : { items: [], total: 0, ...pageRequest };
    return sendPage(request, response, this.config.baseUrl, page, view);
  }

  @Get('users/:id')
  async get(@Principal() principal: PersonPrincipal, @Param('id') rawId: string) {
    requireAdmin(principal);
    const user = await this.users.getById(pathId(rawId, 'id', USER_NOT_FOUND));
    return { ...userView(user, this.config.baseUrl), ...(await this.accounts.identities(user)) };
  }

  /** Admins for anyone; everyone else only for themself (a 403 that says nothing about other ids). */
  @Post('users/:id/personal_access_tokens')
  async createToken(
    @Principal() principal: PersonPrincipal,
    @RequestActor() actor: Actor,
    @Param('id') rawId: string,
    @GitlabParams() input: CreateTokenDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const id = pathId(rawId, 'id', USER_NOT_FOUND);
    if (!principal.user.isAdmin && principal.user.id !== id) throw new DomainError('forbidden', '403 Forbidden');
    const user = await this.users.getById(id);
    const created = await this.tokens.createPat(actor, user, input.name, { scopes: input.scopes, expiresAt: input.expires_at });
    response.status(201).setHeader('Cache-Control', 'no-store');
    // GitLab's PersonalAccessTokenWithToken: the token's fields, and the secret this once.
    return { ...patView(await this.tokens.getPat(created.id)), token: created.token };
  }
}
