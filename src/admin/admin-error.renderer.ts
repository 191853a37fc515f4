import { HttpException, Logger } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { DOMAIN_ERROR_STATUS } from '../common/domain-error-status.js';

/** GitLab-style `{"message": …}` bodies for /api/v4 (and anything that is not SCIM or SAML). */

export interface RenderedError {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export function renderAdminError(error: unknown, logger: Logger): RenderedError {
  if (error instanceof DomainError) {
    const status = DOMAIN_ERROR_STATUS[error.code];
    const headers: Record<string, string> = {};
    if (error.options.retryAfterSeconds !== undefined) headers['Retry-After'] = String(error.options.retryAfterSeconds);
    if (error.options.shape === 'error') return { status, body: { error: error.message }, headers };
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
