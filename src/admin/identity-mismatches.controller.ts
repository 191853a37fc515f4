import { Controller, Delete, Get, Inject, Param, Post, Put, Query, Req, Res, UseGuards, UsePipes } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { parsePageRequest } from '../common/paging.js';
import { IdentityMismatchesService } from '../saml/identity-mismatches.service.js';
import type { MismatchRow } from '../saml/identity-mismatches.service.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { GroupAccessService, requireAdmin } from './group-access.service.js';
import { sendPage } from './paged-response.js';
import { Principal, RequestActor } from './request-actor.js';
import { ExternUidDto } from './dto/identities.dto.js';
import { GitlabParams, GITLAB_VALIDATION } from './gitlab-params.js';

/** A report row as admin-api.md shows it. */
export function mismatchView(row: MismatchRow) {
  return {
    user_id: row.userId,
    username: row.username,
    name: row.name,
    email: row.email,
    kind: row.kind,
    scim_extern_uid: row.scimExternUid,
    saml_extern_uid: row.samlExternUid,
    observed_name_id: row.observedNameId,
    observed_at: row.observedAt,
    explanation: row.explanation,
    suggested_fix: row.suggestedFix,
  };
}

function userIdParam(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw new DomainError('not_found', '404 User Not Found');
  return Number(raw);
}

/** The identity-mismatch report of a group and its one-click fix (owners and admins). */
@Controller('api/v4/groups/:group/identity_mismatches')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class IdentityMismatchesController {
  constructor(
    private readonly access: GroupAccessService,
    private readonly mismatches: IdentityMismatchesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(@Principal() principal: PersonPrincipal, @Param('group') ref: string, @Query() query: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return sendPage(request, response, this.config.baseUrl, await this.mismatches.list(group, parsePageRequest(query)), mismatchView);
  }

  /** 200 with `{user_id, resolved, mismatch}`: the row that remains (another kind, or null when fixed). */
  @Post(':userId/resolve')
  async resolve(
    @Principal() principal: PersonPrincipal,
    @RequestActor() actor: Actor,
    @Param('group') ref: string,
    @Param('userId') rawUserId: string,
    @GitlabParams() input: ExternUidDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const userId = userIdParam(rawUserId);
    const remaining = await this.mismatches.resolve(actor, group, userId, input.extern_uid);
    response.status(200);
    return { user_id: userId, resolved: remaining === null, mismatch: remaining ? mismatchView(remaining) : null };
  }

  /**
   * Marks (PUT) or unmarks (DELETE) a person as not using SAML by design: 200 with
   * `{user_id, expected, mismatch}` — `expected` is `admin`, `marked` or null, `mismatch` the row
   * that still applies, if any.
   */
  @Put(':userId/expected')
  async markExpected(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Param('userId') rawUserId: string) {
    return this.setExpected(principal, actor, ref, rawUserId, true);
  }

  @Delete(':userId/expected')
  async unmarkExpected(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Param('userId') rawUserId: string) {
    return this.setExpected(principal, actor, ref, rawUserId, false);
  }

  private async setExpected(principal: PersonPrincipal, actor: Actor, ref: string, rawUserId: string, expected: boolean) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const userId = userIdParam(rawUserId);
    const facts = await this.mismatches.markExpected(actor, group, userId, expected);
    const row = await this.mismatches.row(group, userId);
    return { user_id: userId, expected: facts.expected, mismatch: row ? mismatchView(row) : null };
  }
}

/**
 * The instance's identity-mismatch report (admins): instance SCIM and SAML identities against the
 * NameIDs of instance sign-ins, with the same one-click fix. No "expected" marks: the instance has
 * no Owners, and administrators are already expected not to use SAML.
 */
@Controller('api/v4/application/identity_mismatches')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class InstanceIdentityMismatchesController {
  constructor(
    private readonly mismatches: IdentityMismatchesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(@Principal() principal: PersonPrincipal, @Query() query: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    requireAdmin(principal);
    return sendPage(request, response, this.config.baseUrl, await this.mismatches.listInstance(parsePageRequest(query)), mismatchView);
  }

  @Post(':userId/resolve')
  async resolve(
    @Principal() principal: PersonPrincipal,
    @RequestActor() actor: Actor,
    @Param('userId') rawUserId: string,
    @GitlabParams() input: ExternUidDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    requireAdmin(principal);
    const userId = userIdParam(rawUserId);
    const remaining = await this.mismatches.resolveInstance(actor, userId, input.extern_uid);
    response.status(200);
    return { user_id: userId, resolved: remaining === null, mismatch: remaining ? mismatchView(remaining) : null };
  }
}
