import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Res, UseGuards, UsePipes } from '@nestjs/common';
import type { Response } from 'express';
import type { Actor } from '../common/actor.js';
import { INSTANCE } from '../common/scope.js';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { SamlProviderService } from '../groups/saml-provider.service.js';
import { SamlSpKeysService } from '../saml/sp-keys/saml-sp-keys.service.js';
import { spKeyId } from './sp-key-id.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { TokensService } from '../tokens/tokens.service.js';
import { requireAdmin } from './group-access.service.js';
import { Principal, RequestActor } from './request-actor.js';
import { samlProviderView, scimApiUrl } from './views.js';
import { SamlMetadataImportDto, SamlProviderDto } from './dto/groups.dto.js';
import { GitlabParams, GITLAB_VALIDATION } from './gitlab-params.js';

/** Instance-level SAML settings and SCIM token (self-managed style); admins only. */
@Controller('api/v4/application')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class ApplicationController {
  constructor(
    private readonly providers: SamlProviderService,
    private readonly tokens: TokensService,
    private readonly spKeyPairs: SamlSpKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('saml_provider')
  async samlProvider(@Principal() principal: PersonPrincipal) {
    requireAdmin(principal);
    return samlProviderView(await this.providers.find(INSTANCE), this.config.baseUrl, null);
  }

  @Put('saml_provider')
  async updateSamlProvider(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @GitlabParams() input: SamlProviderDto) {
    requireAdmin(principal);
    return samlProviderView(await this.providers.update(actor, INSTANCE, input), this.config.baseUrl, null);
  }

  /** Fills the instance provider's IdP settings from the IdP's SAML metadata XML (`{metadata}`). */
  @Post('saml_provider/metadata')
  @HttpCode(200)
  async importSamlMetadata(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @GitlabParams() input: SamlMetadataImportDto) {
    requireAdmin(principal);
    return samlProviderView(await this.providers.importMetadata(actor, INSTANCE, input.metadata), this.config.baseUrl, null);
  }

  @Get('saml_provider/sp_keys')
  async spKeys(@Principal() principal: PersonPrincipal) {
    requireAdmin(principal);
    return this.spKeyPairs.list(INSTANCE);
  }

  @Post('saml_provider/sp_keys')
  async rotateSpKey(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor) {
    requireAdmin(principal);
    return this.spKeyPairs.rotate(actor, INSTANCE);
  }

  @Delete('saml_provider/sp_keys/:key_id')
  @HttpCode(204)
  async removeSpKey(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('key_id') keyId: string) {
    requireAdmin(principal);
    await this.spKeyPairs.remove(actor, INSTANCE, spKeyId(keyId));
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
