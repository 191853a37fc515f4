import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error.js';
import { scopesAllow } from './pat-scopes.js';
import { safeEqual } from './secret.js';
import type { PersonPrincipal } from './principal.js';
import { SESSION_COOKIE, SessionsService } from './sessions.service.js';
import { TokensService } from './tokens.service.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * People on /api/v4: `Authorization: Bearer <PAT>` (passport-http-bearer), `PRIVATE-TOKEN: <PAT>`,
 * or the session cookie — which, for unsafe methods, must come with the session's X-CSRF-Token.
 */
@Injectable()
export class PersonAuthGuard extends AuthGuard('pat-bearer') {
  constructor(
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { user?: PersonPrincipal }>();
    if (request.headers.authorization !== undefined) {
      if (!/^Bearer\s+\S+$/i.test(request.headers.authorization.trim())) throw new DomainError('unauthenticated', '401 Unauthorized');
      await super.canActivate(context);
      return this.withinScopes(request);
    }
    const privateToken = request.headers['private-token'];
    if (typeof privateToken === 'string') {
      const found = await this.tokens.authenticatePatWithId(privateToken.trim());
      if (!found) throw new DomainError('unauthenticated', '401 Unauthorized');
      request.user = { user: found.user, via: 'pat', patId: found.patId, scopes: found.scopes };
      return this.withinScopes(request);
    }
    const cookie = (request.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (typeof cookie === 'string') {
      const session = await this.sessions.resolve(cookie);
      if (!session) throw new DomainError('unauthenticated', '401 Unauthorized');
      if (!SAFE_METHODS.has(request.method)) {
        const sent = request.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !safeEqual(sent, session.csrfToken)) {
          throw new DomainError('forbidden', '403 Forbidden - missing or invalid X-CSRF-Token');
        }
      }
      request.user = { user: session.user, via: 'session', sessionId: session.sessionId, csrfToken: session.csrfToken };
      return true;
    }
    throw new DomainError('unauthenticated', '401 Unauthorized');
  }

  /** GitLab's answer to a token whose scopes do not cover the request: 403 `insufficient_scope`. */
  private withinScopes(request: Request & { user?: PersonPrincipal }): boolean {
    const scopes = request.user?.scopes ?? [];
    if (!scopesAllow(scopes, request.method, request.path)) throw new DomainError('forbidden', 'insufficient_scope', { shape: 'error' });
    return true;
  }

  override handleRequest<T>(error: unknown, principal: T): T {
    if (error || !principal) throw new DomainError('unauthenticated', '401 Unauthorized');
    return principal;
  }
}
