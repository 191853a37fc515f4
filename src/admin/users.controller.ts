import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
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
import { jsonObject, pathId, queryString } from './admin-input.js';
import { requireAdmin } from './group-access.service.js';
import { sendKeysetPage, sendPage } from './paged-response.js';
import { Principal, RequestActor } from './request-actor.js';
import { parseNewAccount, UserAccountsService } from './user-accounts.service.js';
import { userView } from './views.js';

const USER_NOT_FOUND = '404 User Not Found';

/** Platform accounts: the caller, the admin's user list, and personal access tokens. */
@Controller('api/v4')
@UseGuards(PersonAuthGuard)
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly accounts: UserAccountsService,
    private readonly tokens: TokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('user')
  me(@Principal() principal: PersonPrincipal) {
    return userView(principal.user);
  }

  @Post('users')
  async create(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Body() raw: unknown, @Res({ passthrough: true }) response: Response) {
    requireAdmin(principal);
    const user = await this.accounts.create(actor, parseNewAccount(jsonObject(raw)));
    response.status(201);
    return userView(user);
  }

  @Get('users')
  async list(@Principal() principal: PersonPrincipal, @Query() query: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    requireAdmin(principal);
    const search = queryString(query, 'search');
    if (isKeysetRequest(query)) return sendKeysetPage(request, response, this.config.baseUrl, await this.users.listKeyset(search, parseKeysetRequest(query)), userView);
    return sendPage(request, response, this.config.baseUrl, await this.users.list(search, parsePageRequest(query)), userView);
  }

  @Get('users/:id')
  async get(@Principal() principal: PersonPrincipal, @Param('id') rawId: string) {
    requireAdmin(principal);
    const user = await this.users.getById(pathId(rawId, 'id', USER_NOT_FOUND));
    return { ...userView(user), ...(await this.accounts.identities(user)) };
  }

  /** Admins for anyone; everyone else only for themself (a 403 that says nothing about other ids). */
  @Post('users/:id/personal_access_tokens')
  async createToken(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('id') rawId: string, @Body() raw: unknown, @Res({ passthrough: true }) response: Response) {
    const id = pathId(rawId, 'id', USER_NOT_FOUND);
    if (!principal.user.isAdmin && principal.user.id !== id) throw new DomainError('forbidden', '403 Forbidden');
    const { name } = jsonObject(raw);
    const user = await this.users.getById(id);
    const created = await this.tokens.createPat(actor, user, name);
    response.status(201).setHeader('Cache-Control', 'no-store');
    return { id: created.id, name: created.name, token: created.token };
  }
}
