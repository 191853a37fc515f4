import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { DomainError } from '../common/domain-error.js';

/**
 * Authenticates a SCIM connector before anything else is looked at, so an unauthenticated caller
 * learns nothing about which groups exist. Every failure is the same 401.
 */
@Injectable()
export class ScimAuthGuard extends AuthGuard('scim-bearer') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    const header = request.headers.authorization;
    // Only the Authorization header carries SCIM tokens (never the query string, where it would be logged).
    if (typeof header !== 'string' || !/^Bearer\s+\S+$/i.test(header.trim())) {
      throw new DomainError('unauthenticated', 'Authentication required: send Authorization: Bearer <SCIM token>');
    }
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<T>(error: unknown, principal: T): T {
    if (error || !principal) throw new DomainError('unauthenticated', 'The SCIM token is not valid for this endpoint');
    return principal;
  }
}
