import { Body, Controller, Get, Inject, Post, Put, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { INSTANCE } from '../common/scope.js';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { SamlProviderService } from '../groups/saml-provider.service.js';
import type { SamlProviderInput } from '../groups/saml-provider.service.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { TokensService } from '../tokens/tokens.service.js';
import { requireAdmin } from './group-access.service.js';
import { Principal, RequestActor } from './request-actor.js';
import { samlProviderView, scimApiUrl } from './views.js';

/** Instance-level SAML settings and SCIM token (self-managed style); admins only. */
@Controller('api/v4/application')
@UseGuards(PersonAuthGuard)
export class ApplicationController {
  constructor(
    private readonly providers: SamlProviderService,
    private readonly tokens: TokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('saml_provider')
  async samlProvider(@Principal() principal: PersonPrincipal) {
    requireAdmin(principal);
    return samlProviderView(await this.providers.find(INSTANCE), this.config.baseUrl, null);
  }

  @Put('saml_provider')
  async updateSamlProvider(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Body() raw: unknown) {
    requireAdmin(principal);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new DomainError('validation', 'The request body must be a JSON object');
    return samlProviderView(await this.providers.update(actor, INSTANCE, raw as SamlProviderInput), this.config.baseUrl, null);
  }

  @Get('scim_token')
  async scimToken(@Principal() principal: PersonPrincipal) {
    requireAdmin(principal);
    return { scim_api_url: scimApiUrl(this.config.baseUrl, null), ...(await this.tokens.scimTokenStatus(INSTANCE)) };
  }

  @Post('scim_token')
  async generateScimToken(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Res({ passthrough: true }) response: Response) {
    requireAdmin(principal);
    const token = await this.tokens.generateScimToken(actor, INSTANCE);
    response.status(201).setHeader('Cache-Control', 'no-store');
    return { scim_api_url: scimApiUrl(this.config.baseUrl, null), scim_token: token };
  }
}
