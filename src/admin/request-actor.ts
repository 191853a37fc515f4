import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor } from '../common/actor.js';
import { originOf } from '../ops/request-id.js';
import type { PersonPrincipal } from '../tokens/principal.js';

/** The authenticated person (set by PersonAuthGuard). */
export const Principal = createParamDecorator((_: unknown, ctx: ExecutionContext): PersonPrincipal => {
  return ctx.switchToHttp().getRequest<Request & { user: PersonPrincipal }>().user;
});

/** The person as the author of audit events, with the request's client address and id. */
export const RequestActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<Request & { user: PersonPrincipal }>();
  return { id: request.user.user.id, name: request.user.user.name, ...originOf(request) };
});
