import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { originOf } from '../ops/request-id.js';
import { SESSION_COOKIE, SessionsService } from '../tokens/sessions.service.js';
import type { ResolvedSession } from '../tokens/sessions.service.js';
import { sessionCookieOptions } from '../tokens/session-cookie.js';
import { SamlLinkService } from './saml-link.service.js';
import { randomBytes } from 'node:crypto';
import { safeEqual } from '../tokens/secret.js';
import { LinkInvitationSignInService } from './link-invitation-sign-in.service.js';
import { linkInvitationPage, linkOfferPage, RESUBMIT_SCRIPT, resubmitPage } from './saml-pages.js';
import { SamlServiceProviderService, SpContext } from './saml-service-provider.service.js';
import { SamlSignInService } from './saml-sign-in.service.js';
import { SamlLogoutService } from './saml-logout.service.js';
import type { SloInput } from './saml-logout.service.js';
import { safeRelayPath } from './service-provider.js';

/** The form fields of a POST, strings only (a repeated field is not a value we accept). */
function formFields(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

const INVITATION_NONCE_COOKIE = 'roster_link_invitation';
/** As long as an AuthnRequest may be answered: the page may be left open while the person finds their MFA device. */
const INVITATION_NONCE_TTL_MS = 30 * 60 * 1000;

/**
 * What every SAML service provider answers (saml.md) — metadata, the SSO start, the assertion
 * consumer service, the Authorize step of linking — for whichever provider the context names: a
 * group's (`/groups/<path>/-/saml/…`) or the instance's (`/users/auth/saml/…`). The controllers
 * only find the context; errors become HTML pages (saml-error.renderer.ts).
 */
@Injectable()
export class SamlEndpointsService {
  constructor(
    private readonly provider: SamlServiceProviderService,
    private readonly signIn: SamlSignInService,
    private readonly linking: SamlLinkService,
    private readonly sessions: SessionsService,
    private readonly invitations: LinkInvitationSignInService,
    private readonly logout: SamlLogoutService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async metadata(ctx: SpContext, response: Response): Promise<void> {
    response
      .status(200)
      .type('application/samlmetadata+xml; charset=utf-8')
      .send(await this.provider.metadata(ctx));
  }

  /** Single logout: the IdP's LogoutRequest or LogoutResponse, HTTP-Redirect (GET) or HTTP-POST. */
  async slo(ctx: SpContext, request: Request, response: Response): Promise<void> {
    const input: SloInput =
      request.method === 'GET'
        ? { binding: 'redirect', rawQuery: request.originalUrl.includes('?') ? request.originalUrl.slice(request.originalUrl.indexOf('?') + 1) : '' }
        : { binding: 'post', form: formFields(request.body) };
    const outcome = await this.logout.handle(ctx, input, originOf(request));
    response.setHeader('Cache-Control', 'no-store');
    if ('redirect' in outcome) response.redirect(302, outcome.redirect);
    else response.redirect(303, '/#/sign-in?reason=signed-out');
  }

  async sso(ctx: SpContext, redirectTo: unknown, response: Response): Promise<void> {
    const url = await this.provider.startUrl(ctx, redirectTo);
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(302, url);
  }

  async callback(ctx: SpContext, request: Request, response: Response): Promise<void> {
    const form = formFields(request.body);
    const session = await this.session(request);
    const relayPath = safeRelayPath(form.RelayState, this.config.baseUrl);
    response.setHeader('Cache-Control', 'no-store');
    // A real IdP's POST is cross-site, so a SameSite=Lax session cookie is not sent with it: post
    // the (valid) response once more from this origin before deciding the person is signed out.
    if (!session && request.headers['sec-fetch-site'] === 'cross-site' && form.resubmit !== '1') {
      await this.signIn.check(ctx, form.SAMLResponse, originOf(request));
      const fields = { SAMLResponse: form.SAMLResponse, ...(form.RelayState !== undefined ? { RelayState: form.RelayState } : {}), resubmit: '1' };
      response
        .status(200)
        .type('html')
        .send(resubmitPage(`${ctx.sp.pathPrefix}/callback`, `${ctx.sp.pathPrefix}/resubmit.js`, fields));
      return;
    }
    const result = await this.signIn.accept(ctx, form.SAMLResponse, session, originOf(request));
    if (result.kind === 'signed_in') {
      response.cookie(SESSION_COOKIE, result.sessionSecret, sessionCookieOptions(this.config));
      response.redirect(303, relayPath);
      return;
    }
    const page = linkOfferPage({
      groupName: ctx.displayName,
      userName: result.user.name,
      username: result.user.username,
      nameId: result.nameId,
      email: result.email,
      authorizeAction: `${ctx.sp.pathPrefix}/authorize`,
      csrfToken: session!.csrfToken,
      pending: String(result.pending),
      relayState: relayPath,
    });
    response.status(200).type('html').send(page);
  }

  async authorize(ctx: SpContext, request: Request, response: Response): Promise<void> {
    const form = formFields(request.body);
    await this.linking.authorize(ctx, await this.session(request), { csrfToken: form.csrf_token, pending: form.pending }, originOf(request));
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(303, safeRelayPath(form.RelayState, this.config.baseUrl));
  }

  /** A link invitation's URL (groups only): whose account it links, and a button to the IdP (or a refusal page). */
  async linkInvitation(ctx: SpContext, token: unknown, request: Request, response: Response): Promise<void> {
    const { invitation, user } = await this.invitations.open(ctx, token, originOf(request));
    const nonce = randomBytes(16).toString('base64url');
    response.setHeader('Cache-Control', 'no-store');
    response.cookie(INVITATION_NONCE_COOKIE, nonce, { ...sessionCookieOptions(this.config, false), path: ctx.sp.pathPrefix, maxAge: INVITATION_NONCE_TTL_MS });
    const page = linkInvitationPage({
      groupName: ctx.displayName,
      invitedBy: invitation.createdByName,
      userName: user.name,
      username: user.username,
      expiresAt: invitation.expiresAt,
      action: `${ctx.sp.pathPrefix}/link_invitation`,
      token: token as string,
      nonce,
    });
    response.status(200).type('html').send(page);
  }

  /**
   * Continue: to the IdP with an AuthnRequest bound to the invitation. A form without this
   * browser's nonce (posted from another site) goes back to the page instead, where the person
   * sees whose account the invitation links before continuing.
   */
  async startLinkInvitation(ctx: SpContext, request: Request, response: Response): Promise<void> {
    const form = formFields(request.body);
    const cookie = (request.cookies as Record<string, unknown> | undefined)?.[INVITATION_NONCE_COOKIE];
    response.setHeader('Cache-Control', 'no-store');
    if (typeof cookie !== 'string' || typeof form.nonce !== 'string' || !safeEqual(cookie, form.nonce)) {
      response.redirect(303, `${ctx.sp.pathPrefix}/link_invitation?token=${encodeURIComponent(form.token ?? '')}`);
      return;
    }
    const url = await this.invitations.start(ctx, form.token, originOf(request));
    response.clearCookie(INVITATION_NONCE_COOKIE, { ...sessionCookieOptions(this.config, false), path: ctx.sp.pathPrefix });
    response.redirect(303, url);
  }

  resubmitScript(response: Response): void {
    response.status(200).type('application/javascript; charset=utf-8').setHeader('Cache-Control', 'public, max-age=86400');
    response.send(RESUBMIT_SCRIPT);
  }

  private async session(request: Request): Promise<ResolvedSession | null> {
    const secret = (request.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
    return typeof secret === 'string' ? this.sessions.resolve(secret) : null;
  }
}
