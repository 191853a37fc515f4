import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import type { PersonPrincipal } from './principal.js';
import { TokensService } from './tokens.service.js';

/** `Authorization: Bearer <personal access token>` on /api/v4. */
@Injectable()
export class PatBearerStrategy extends PassportStrategy(Strategy, 'pat-bearer') {
  constructor(private readonly tokens: TokensService) {
    super();
  }

  async validate(token: string): Promise<PersonPrincipal | false> {
    const found = await this.tokens.authenticatePatWithId(token);
    return found ? { user: found.user, via: 'pat', patId: found.patId, scopes: found.scopes } : false;
  }
}
