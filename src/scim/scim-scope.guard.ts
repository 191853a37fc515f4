import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import { INSTANCE } from '../common/scope.js';
import { GroupsService } from '../groups/groups.service.js';
import { SamlProviderService } from '../groups/saml-provider.service.js';
import type { ScimPrincipal } from '../tokens/tokens.service.js';
import { originOf } from '../ops/request-id.js';
import { RateLimiter } from './rate-limiter.js';
import { ScimRateBucketsRepository } from './scim-rate-buckets.repository.js';
import { SharedRateLimiter } from './shared-rate-limiter.js';
import type { ChangeLogRow, ScimContext } from './scim-context.js';

/** Made only when refusing: an error captures a stack trace, which costs more than the check. */
const wrongScope = () => new DomainError('unauthenticated', 'The SCIM token is not valid for this endpoint');

export type ScimRequest = Request & { user?: ScimPrincipal; scimContext?: ScimContext; scimRequestLog?: ChangeLogRow };

/**
 * Runs after ScimAuthGuard: checks that the token belongs to the scope of the URL (a group token
 * only under its own group, the instance token only under application/), applies the per-token
 * rate limit, and resolves the group and its SAML provider once for the handler.
 */
@Injectable()
export class ScimScopeGuard implements CanActivate {
  /** In memory on SQLite (one process per file); in the database on PostgreSQL, shared by every process. */
  private readonly limiter: { take(tokenId: number): number | Promise<number> };

  constructor(
    private readonly groups: GroupsService,
    private readonly providers: SamlProviderService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    buckets: ScimRateBucketsRepository,
  ) {
    this.limiter =
      config.databaseKind === 'postgres'
        ? new SharedRateLimiter(buckets, config.scimRateLimitPerSecond, config.scimRateLimitBurst)
        : new RateLimiter(config.scimRateLimitPerSecond, config.scimRateLimitBurst);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ScimRequest>();
    const principal = request.user;
    if (!principal) throw new DomainError('unauthenticated', 'Authentication required');
    const ref = request.params.group as string | undefined;
    let scimContext: ScimContext;
    if (ref === undefined) {
      if (principal.scope.kind !== 'instance') throw wrongScope();
      const provider = await this.providers.find(INSTANCE);
      if (!provider) throw new DomainError('not_configured', 'Instance SAML SSO is not configured');
      scimContext = { scope: INSTANCE, group: null, provider, baseUrl: `${this.config.baseUrl}/api/scim/v2/application`, origin: originOf(request) };
    } else {
      if (principal.scope.kind !== 'group') throw wrongScope();
      // The token names its group; the URL must name the same one, by id or by path. Both reads
      // are issued together: the provider is needed whenever the group matches.
      const [group, provider] = await Promise.all([this.groups.findById(principal.scope.groupId), this.providers.find(principal.scope)]);
      if (!group || !(ref === String(group.id) || ref.toLowerCase() === group.pathLower)) throw wrongScope();
      if (!provider) {
        // The two reads may straddle the group's deletion (the settings go with it): then the token
        // is gone too, which is what the client is told.
        if (!(await this.groups.findById(group.id))) throw wrongScope();
        throw new DomainError('not_configured', 'Group SAML SSO is not configured');
      }
      scimContext = {
        scope: principal.scope,
        group,
        provider,
        baseUrl: `${this.config.baseUrl}/api/scim/v2/groups/${encodeURIComponent(group.path)}`,
        origin: originOf(request),
      };
    }
    scimContext.requestLog = request.scimRequestLog;
    request.scimContext = scimContext;
    const wait = await this.limiter.take(principal.tokenId);
    if (wait > 0) throw new DomainError('rate_limited', 'Too many requests for this SCIM token; retry later', { retryAfterSeconds: wait });
    return true;
  }
}
