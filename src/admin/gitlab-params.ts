import { createParamDecorator, ExecutionContext, ValidationError, ValidationPipe } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error.js';

/**
 * GitLab's parameters, as Grape reads them: the query string and the body (JSON, form-urlencoded
 * or multipart) are one set of parameters, the body winning where both name one. GitLab's own
 * examples send writes as query strings (`POST …/members?user_id=1&access_level=30`) as often as
 * bodies, so every /api/v4 route takes its DTO from both.
 */
export const GitlabParams = createParamDecorator((_: unknown, ctx: ExecutionContext): Record<string, unknown> => {
  const request = ctx.switchToHttp().getRequest<Request>();
  const body: unknown = request.body;
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw new DomainError('validation', 'The request body must be a JSON object');
  }
  // Copies onto a null-prototype object: "__proto__" or "constructor" in the input stays data.
  return Object.assign(Object.create(null) as Record<string, unknown>, request.query, body ?? {});
});

/** "user_id must be an integer number" → "must be an integer number": the field is the key already. */
function problems(error: ValidationError): string[] {
  return Object.values(error.constraints ?? {}).map((message) => (message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message));
}

/**
 * GitLab's two validation shapes: a parameter that is missing is `{"error": "user_id is missing"}`
 * (Grape's wording), a value that is wrong is `{"message": {"field": ["problem"]}}`.
 */
export function gitlabValidationError(errors: ValidationError[]): DomainError {
  const missing = errors.filter((e) => e.constraints?.isDefined !== undefined).map((e) => e.property);
  if (missing.length > 0) return new DomainError('validation', `${missing.join(', ')} is missing`, { shape: 'error' });
  const fields = Object.fromEntries(errors.map((e) => [e.property, problems(e)]));
  const summary = Object.entries(fields)
    .map(([field, list]) => `${field} ${list.join(', ')}`)
    .join('; ');
  return new DomainError('validation', summary, { fields });
}

/** The /api/v4 ValidationPipe: DTOs built with their coercions, checked, errors in GitLab's shapes. */
export const GITLAB_VALIDATION = new ValidationPipe({
  transform: true,
  validateCustomDecorators: true,
  forbidUnknownValues: false,
  stopAtFirstError: true,
  exceptionFactory: gitlabValidationError,
});
