import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { systemActor } from '../common/actor.js';
import { isStorableText } from '../common/body-parsing.js';
import { DomainError } from '../common/domain-error.js';
import { ScimAuthGuard } from '../tokens/scim-auth.guard.js';
import { parseListRequest } from './list-request.js';
import { canonicalizeUserDoc } from './patch/canonicalize-user-doc.js';
import { MAX_EXTERN_UID_LENGTH } from './provisioning-input.js';
import { ProvisioningService } from './provisioning.service.js';
import { ScimScopeGuard } from './scim-scope.guard.js';
import type { ScimRequest } from './scim-scope.guard.js';
import { ScimUserChangesService } from './scim-user-changes.service.js';
import { etagListMatches, versionTag } from './scim-user.mapper.js';
import { ScimUsersService } from './scim-users.service.js';
import type { ScimContext } from './scim-context.js';

/** Group scope (GitLab.com style) and instance scope (self-managed style): one implementation. */
export const SCIM_BASES = ['api/scim/v2/groups/:group', 'api/scim/v2/application'];

function context(request: ScimRequest): ScimContext {
  return request.scimContext!;
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainError('invalid_syntax', 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/**
 * An id no identity can have (longer than any extern_uid, or text the database cannot hold, such as
 * NUL) is not found, without asking the database: PostgreSQL would refuse such a parameter outright.
 */
function resourceId(id: string): string {
  if (id.length > MAX_EXTERN_UID_LENGTH || !isStorableText(id)) {
    const shown = JSON.stringify(id.length > 100 ? id.slice(0, 100) : id).slice(1, -1);
    throw new DomainError('not_found', `Resource ${shown}${id.length > 100 ? '…' : ''} not found`);
  }
  return id;
}

@Controller(SCIM_BASES)
@UseGuards(ScimAuthGuard, ScimScopeGuard)
export class ScimUsersController {
  constructor(
    private readonly reads: ScimUsersService,
    private readonly provisioning: ProvisioningService,
    private readonly changes: ScimUserChangesService,
  ) {}

  @Get('Users')
  list(@Req() request: ScimRequest, @Query() query: Record<string, unknown>) {
    return this.reads.list(context(request), parseListRequest(query));
  }

  @Post('Users/.search')
  @HttpCode(200)
  search(@Req() request: ScimRequest, @Body() body: unknown) {
    return this.reads.list(context(request), parseListRequest(objectBody(body)));
  }

  @Get('Users/:id')
  async get(
    @Req() request: ScimRequest,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const ctx = context(request);
    const identity = await this.reads.getIdentity(ctx, resourceId(id));
    response.setHeader('ETag', versionTag(identity));
    if (ifNoneMatch !== undefined && etagListMatches(ifNoneMatch, versionTag(identity))) {
      response.status(304);
      return undefined;
    }
    return this.reads.render(ctx, identity, query);
  }

  @Post('Users')
  async create(@Req() request: ScimRequest, @Body() body: unknown, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) response: Response) {
    const ctx = context(request);
    const raw = objectBody(body);
    const { identity } = await this.provisioning.create(ctx, systemActor(ctx.origin), canonicalizeUserDoc(raw), raw.id);
    const resource = this.reads.render(ctx, identity, query);
    response.status(201).setHeader('ETag', versionTag(identity));
    response.setHeader('Location', (resource.meta as { location: string } | undefined)?.location ?? `${ctx.baseUrl}/Users/${encodeURIComponent(identity.externUid)}`);
    return resource;
  }

  @Put('Users/:id')
  async replace(
    @Req() request: ScimRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() query: Record<string, unknown>,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const ctx = context(request);
    const identity = await this.changes.put(ctx, systemActor(ctx.origin), resourceId(id), objectBody(body), ifMatch);
    response.setHeader('ETag', versionTag(identity));
    return this.reads.render(ctx, identity, query);
  }

  @Patch('Users/:id')
  @HttpCode(204)
  async patch(@Req() request: ScimRequest, @Param('id') id: string, @Body() body: unknown, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) response: Response) {
    const ctx = context(request);
    const identity = await this.changes.patch(ctx, systemActor(ctx.origin), resourceId(id), objectBody(body), ifMatch);
    response.setHeader('ETag', versionTag(identity));
  }

  @Delete('Users/:id')
  @HttpCode(204)
  async remove(@Req() request: ScimRequest, @Param('id') id: string, @Headers('if-match') ifMatch: string | undefined) {
    const ctx = context(request);
    await this.changes.delete(ctx, systemActor(ctx.origin), resourceId(id), ifMatch);
  }
}
