import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SamlEndpointsService } from './saml-endpoints.service.js';
import { SamlServiceProviderService } from './saml-service-provider.service.js';

/** A group's SAML service provider (saml.md) at /groups/<path>/-/saml/. */
@Controller('groups/:group/-/saml')
export class SamlSsoController {
  constructor(
    private readonly provider: SamlServiceProviderService,
    private readonly endpoints: SamlEndpointsService,
  ) {}

  @Get('metadata')
  async metadata(@Param('group') ref: string, @Res() response: Response): Promise<void> {
    await this.endpoints.metadata(await this.provider.context(ref), response);
  }

  /** Single logout (HTTP-Redirect and HTTP-POST bindings). */
  @Get('slo')
  async sloRedirect(@Param('group') ref: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.endpoints.slo(await this.provider.context(ref), request, response);
  }

  @Post('slo')
  async sloPost(@Param('group') ref: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.endpoints.slo(await this.provider.context(ref), request, response);
  }

  @Get('sso')
  async sso(@Param('group') ref: string, @Query('redirect_to') redirectTo: unknown, @Res() response: Response): Promise<void> {
    await this.endpoints.sso(await this.provider.context(ref), redirectTo, response);
  }

  @Post('callback')
  async callback(@Param('group') ref: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.endpoints.callback(await this.provider.context(ref), request, response);
  }

  @Post('authorize')
  async authorize(@Param('group') ref: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.endpoints.authorize(await this.provider.context(ref), request, response);
  }

  /** A link invitation's URL (link-invitation-sign-in.service.ts); invitations exist for groups only. */
  @Get('link_invitation')
  async linkInvitation(@Param('group') ref: string, @Query('token') token: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.endpoints.linkInvitation(await this.provider.context(ref), token, request, response);
  }

  @Post('link_invitation')
  async startLinkInvitation(@Param('group') ref: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.endpoints.startLinkInvitation(await this.provider.context(ref), request, response);
  }

  @Get('resubmit.js')
  resubmitScript(@Res() response: Response): void {
    this.endpoints.resubmitScript(response);
  }
}

/**
 * The instance's SAML service provider (self-managed sign-in, saml.md) at GitLab's
 * /users/auth/saml/ paths: the same endpoints and outcomes as a group's, for instance identities.
 */
@Controller('users/auth/saml')
export class InstanceSamlController {
  constructor(
    private readonly provider: SamlServiceProviderService,
    private readonly endpoints: SamlEndpointsService,
  ) {}

  @Get('metadata')
  async metadata(@Res() response: Response): Promise<void> {
    await this.endpoints.metadata(await this.provider.instanceContext(), response);
  }

  @Get('slo')
  async sloRedirect(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.endpoints.slo(await this.provider.instanceContext(), request, response);
  }

  @Post('slo')
  async sloPost(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.endpoints.slo(await this.provider.instanceContext(), request, response);
  }

  @Get('sso')
  async sso(@Query('redirect_to') redirectTo: unknown, @Res() response: Response): Promise<void> {
    await this.endpoints.sso(await this.provider.instanceContext(), redirectTo, response);
  }

  @Post('callback')
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.endpoints.callback(await this.provider.instanceContext(), request, response);
  }

  @Post('authorize')
  async authorize(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.endpoints.authorize(await this.provider.instanceContext(), request, response);
  }

  @Get('resubmit.js')
  resubmitScript(@Res() response: Response): void {
    this.endpoints.resubmitScript(response);
  }
}
