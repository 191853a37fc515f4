import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { systemActor } from '../common/actor.js';
import { isStorableText } from '../common/body-parsing.js';
import { DomainError } from '../common/domain-error.js';
import { ScimGroupsService } from '../group-sync/scim-groups.service.js';
import { ScimAuthGuard } from '../tokens/scim-auth.guard.js';
import { parseListRequest } from './list-request.js';
import { ScimScopeGuard } from './scim-scope.guard.js';
import type { ScimRequest } from './scim-scope.guard.js';
import { SCIM_BASES } from './scim-users.controller.js';

/** A Group id is a UUID Roster assigned; anything else (too long, unstorable) is simply not found. */
function groupId(id: string): string {
  if (id.length > 64 || !isStorableText(id)) throw new DomainError('not_found', 'Group not found');
  return id;
}

/** SCIM `/Groups` under both bases (docs/group-sync.md). */
@Controller(SCIM_BASES)
@UseGuards(ScimAuthGuard, ScimScopeGuard)
export class ScimGroupsController {
  constructor(private readonly groups: ScimGroupsService) {}

  @Get('Groups')
  list(@Req() request: ScimRequest, @Query() query: Record<string, unknown>) {
    return this.groups.list(request.scimContext!, parseListRequest(query));
  }

  @Get('Groups/:id')
  get(@Req() request: ScimRequest, @Param('id') id: string, @Query() query: Record<string, unknown>) {
    return this.groups.get(request.scimContext!, groupId(id), query);
  }

  @Post('Groups')
  async create(@Req() request: ScimRequest, @Body() body: unknown, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) response: Response) {
    const ctx = request.scimContext!;
    const resource = await this.groups.create(ctx, systemActor(ctx.origin), body, query);
    response.status(201).setHeader('Location', (resource.meta as { location: string }).location);
    return resource;
  }

  @Put('Groups/:id')
  replace(@Req() request: ScimRequest, @Param('id') id: string, @Body() body: unknown, @Query() query: Record<string, unknown>) {
    const ctx = request.scimContext!;
    return this.groups.replace(ctx, systemActor(ctx.origin), groupId(id), body, query);
  }

  @Patch('Groups/:id')
  @HttpCode(204)
  async patch(@Req() request: ScimRequest, @Param('id') id: string, @Body() body: unknown) {
    const ctx = request.scimContext!;
    await this.groups.patch(ctx, systemActor(ctx.origin), groupId(id), body);
  }

  @Delete('Groups/:id')
  @HttpCode(204)
  async remove(@Req() request: ScimRequest, @Param('id') id: string) {
    const ctx = request.scimContext!;
    await this.groups.delete(ctx, systemActor(ctx.origin), groupId(id));
  }
}
