import { HttpException, Logger } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../common/domain-error.js';

/** GitLab-style `{"message": …}` bodies for /api/v4 (and anything that is not SCIM or SAML). */
const ADMIN_STATUS: Record<DomainErrorCode, number> = {
  invalid_value: 400,
  invalid_syntax: 400,
  invalid_filter: 400,
  invalid_path: 400,
  no_target: 400,
  mutability: 400,
  too_many: 400,
  invalid_cursor: 400,
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_configured: 403,
  not_found: 404,
  uniqueness: 409,
  conflict: 409,
  precondition_failed: 412,
  version_mismatch: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  method_not_allowed: 405,
  rate_limited: 429,
  not_implemented: 501,
  unavailable: 503,
};

export interface RenderedError {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export function renderAdminError(error: unknown, logger: Logger): RenderedError {
  if (error instanceof DomainError) {
    const status = ADMIN_STATUS[error.code];
    const headers: Record<string, string> = {};
    if (error.options.retryAfterSeconds !== undefined) headers['Retry-After'] = String(error.options.retryAfterSeconds);
    const message = error.code === 'validation' && error.options.fields ? error.options.fields : error.message;
    return { status, body: { message }, headers };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const message = status === 404 ? '404 Not Found' : status === 401 ? '401 Unauthorized' : `${status} ${error.message}`;
    return { status, body: { message }, headers: {} };
  }
  const httpish = error as { status?: number; type?: string };
  if (httpish?.type === 'entity.parse.failed') return { status: 400, body: { message: 'The request body is not valid JSON' }, headers: {} };
  if (httpish?.type === 'entity.too.large') return { status: 413, body: { message: 'The request body is larger than 1 MiB' }, headers: {} };
  if (typeof httpish?.status === 'number' && httpish.status >= 400 && httpish.status < 500) {
    return { status: httpish.status, body: { message: 'The request could not be processed' }, headers: {} };
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return { status: 500, body: { message: '500 Internal Server Error' }, headers: {} };
}
