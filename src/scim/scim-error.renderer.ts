import { HttpException, Logger } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../common/domain-error.js';
import { DOMAIN_ERROR_STATUS } from '../common/domain-error-status.js';
import { ERROR_SCHEMA } from './scim-user-doc.js';

/** RFC 7644 §3.12 scimType of each domain code, where the RFC defines one (the status is shared). */
const SCIM_TYPE: Record<DomainErrorCode, string | undefined> = {
  invalid_value: 'invalidValue',
  invalid_syntax: 'invalidSyntax',
  invalid_filter: 'invalidFilter',
  invalid_path: 'invalidPath',
  no_target: 'noTarget',
  mutability: 'mutability',
  too_many: 'tooMany',
  invalid_cursor: 'invalidCursor', // RFC 9865
  validation: 'invalidValue',
  unauthenticated: undefined,
  forbidden: undefined,
  not_configured: undefined,
  not_found: undefined,
  uniqueness: 'uniqueness',
  conflict: undefined,
  precondition_failed: undefined,
  version_mismatch: undefined,
  payload_too_large: undefined,
  unsupported_media_type: undefined,
  method_not_allowed: undefined,
  rate_limited: undefined,
  not_implemented: undefined,
  unavailable: undefined,
};

export function scimErrorBody(status: number, detail: string, scimType?: string) {
  return { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail };
}

/** Turns anything thrown below a SCIM route into a SCIM error body; never a stack trace. */
export function renderScimError(error: unknown, logger: Logger): { status: number; body: ReturnType<typeof scimErrorBody>; headers: Record<string, string> } {
  if (error instanceof DomainError) {
    const status = DOMAIN_ERROR_STATUS[error.code];
    const scimType = SCIM_TYPE[error.code];
    const headers: Record<string, string> = {};
    if (error.options.retryAfterSeconds !== undefined) headers['Retry-After'] = String(error.options.retryAfterSeconds);
    return { status, body: scimErrorBody(status, error.message, scimType), headers };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const detail = status === 404 ? 'Endpoint not found' : status === 401 ? 'Authentication required' : error.message;
    return { status, body: scimErrorBody(status, detail), headers: {} };
  }
  const httpish = error as { status?: number; type?: string };
  // body-parser errors: malformed JSON, too large, bad charset.
  if (httpish?.type === 'entity.parse.failed') return { status: 400, body: scimErrorBody(400, 'The request body is not valid JSON', 'invalidSyntax'), headers: {} };
  if (httpish?.type === 'entity.too.large') return { status: 413, body: scimErrorBody(413, 'The request body is larger than 1 MiB'), headers: {} };
  if (httpish?.type === 'charset.unsupported' || httpish?.type === 'encoding.unsupported') {
    return { status: 415, body: scimErrorBody(415, 'Unsupported request encoding; send UTF-8 JSON'), headers: {} };
  }
  if (typeof httpish?.status === 'number' && httpish.status >= 400 && httpish.status < 500) {
    return { status: httpish.status, body: scimErrorBody(httpish.status, 'The request could not be processed'), headers: {} };
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return { status: 500, body: scimErrorBody(500, 'Internal server error'), headers: {} };
}
