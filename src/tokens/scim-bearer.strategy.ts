import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { ScimPrincipal, TokensService } from './tokens.service.js';

/** `Authorization: Bearer <SCIM token>` on /api/scim. */
@Injectable()
export class ScimBearerStrategy extends PassportStrategy(Strategy, 'scim-bearer') {
  constructor(private readonly tokens: TokensService) {
    super();
  }

  async validate(token: string): Promise<ScimPrincipal | false> {
    return (await this.tokens.authenticateScim(token)) ?? false;
  }
}
