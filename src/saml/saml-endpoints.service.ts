import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { originOf } from '../ops/request-id.js';
import { SESSION_COOKIE, SessionsService } from '../tokens/sessions.service.js';
import type { ResolvedSession } from '../tokens/sessions.service.js';
import { sessionCookieOptions } from '../tokens/session-cookie.js';
import { SamlLinkService } from './saml-link.service.js';
import { linkOfferPage, RESUBMIT_SCRIPT, resubmitPage } from './saml-pages.js';
import { SamlServiceProviderService, SpContext } from './saml-service-provider.service.js';
import { SamlSignInService } from './saml-sign-in.service.js';
import { safeRelayPath } from './service-provider.js';

/** The form fields of a POST, strings only (a repeated field is not a value we accept). */
function formFields(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  metadata(ctx: SpContext, response: Response): void {
    response.status(200).type('application/samlmetadata+xml; charset=utf-8').send(this.provider.metadata(ctx));
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

  resubmitScript(response: Response): void {
    response.status(200).type('application/javascript; charset=utf-8').setHeader('Cache-Control', 'public, max-age=86400');
    response.send(RESUBMIT_SCRIPT);
  }

  private async session(request: Request): Promise<ResolvedSession | null> {
    const secret = (request.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
    return typeof secret === 'string' ? this.sessions.resolve(secret) : null;
  }
}
