import { Controller, Delete, Get, Inject, Post, Req, Res, UseGuards, UsePipes } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { SESSION_COOKIE, SessionsService } from '../tokens/sessions.service.js';
import { TokensService } from '../tokens/tokens.service.js';
import { sessionCookieOptions } from '../tokens/session-cookie.js';
import { Principal, RequestActor } from './request-actor.js';
import type { Actor } from '../common/actor.js';
import { SamlLogoutService } from '../saml/saml-logout.service.js';
import { SamlServiceProviderService } from '../saml/saml-service-provider.service.js';
import { userView } from './views.js';
import { SignInDto } from './dto/session.dto.js';
import { GitlabParams, GITLAB_VALIDATION } from './gitlab-params.js';

/** The UI's sign-in with a personal access token, and sign-out. */
@Controller('api/v4/session')
export class SessionController {
  constructor(
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly samlProvider: SamlServiceProviderService,
    private readonly logout: SamlLogoutService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @UsePipes(GITLAB_VALIDATION)
  async signIn(@Req() request: Request, @GitlabParams() { token }: SignInDto, @Res({ passthrough: true }) response: Response) {
    if (token.trim() === '') {
      throw new DomainError('validation', 'token is missing', { fields: { token: ['must be a personal access token'] } });
    }
    const user = await this.tokens.authenticatePat(token.trim());
    if (!user) throw new DomainError('unauthenticated', '401 Unauthorized');
    // A browser that was already signed in gets a fresh session; the old one ends now, not in 12 hours.
    const previous = (request.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (typeof previous === 'string') {
      const session = await this.sessions.resolve(previous);
      if (session) await this.sessions.end(session.sessionId);
    }
    const { secret, csrfToken } = await this.sessions.create(user);
    response.status(201).setHeader('Cache-Control', 'no-store');
    response.cookie(SESSION_COOKIE, secret, sessionCookieOptions(this.config));
    return { user: userView(user, this.config.baseUrl), csrf_token: csrfToken };
  }

  /**
   * Who the browser is signed in as, from the session cookie alone (after a SAML sign-in the UI
   * learns its CSRF token here). Not being signed in is an answer, not an error: 200 with nulls.
   */
  @Get()
  async current(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    response.setHeader('Cache-Control', 'no-store');
    const secret = (request.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
    const session = typeof secret === 'string' ? await this.sessions.resolve(secret) : null;
    if (!session) {
      if (secret !== undefined) response.clearCookie(SESSION_COOKIE, sessionCookieOptions(this.config, false));
      return { user: null, csrf_token: null };
    }
    // The server extends the session while it is used; the cookie's lifetime follows.
    response.cookie(SESSION_COOKIE, secret, sessionCookieOptions(this.config));
    return { user: userView(session.user, this.config.baseUrl), csrf_token: session.csrfToken };
  }

  /**
   * Ends the session: 204, or 200 `{logout_url}` when a SAML sign-in made it and its provider has
   * an SLO URL: the UI then sends the browser to the IdP with a signed LogoutRequest (single logout).
   */
  @Delete()
  @UseGuards(PersonAuthGuard)
  async signOut(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Res({ passthrough: true }) response: Response): Promise<{ logout_url: string } | undefined> {
    let logoutUrl: string | null = null;
    if (principal.via === 'session' && principal.sessionId !== undefined) {
      const saml = await this.sessions.samlOrigin(principal.sessionId);
      await this.sessions.end(principal.sessionId);
      const ctx = saml ? await this.samlProvider.contextForScopeKey(saml.scopeKey) : null;
      if (saml && ctx) logoutUrl = await this.logout.logoutRequestUrl(ctx, saml, principal.user.id, actor);
    }
    response.clearCookie(SESSION_COOKIE, sessionCookieOptions(this.config, false));
    response.setHeader('Cache-Control', 'no-store');
    if (!logoutUrl) {
      response.status(204);
      return undefined;
    }
    response.status(200);
    return { logout_url: logoutUrl };
  }
}
