import { HttpException, Logger } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../common/domain-error.js';
import { ERROR_SCHEMA } from './scim-user-doc.js';

/** RFC 7644 §3.12: every domain code as an HTTP status and, where the RFC defines one, a scimType. */
const SCIM_RENDERING: Record<DomainErrorCode, { status: number; scimType?: string }> = {
  invalid_value: { status: 400, scimType: 'invalidValue' },
  invalid_syntax: { status: 400, scimType: 'invalidSyntax' },
  invalid_filter: { status: 400, scimType: 'invalidFilter' },
  invalid_path: { status: 400, scimType: 'invalidPath' },
  no_target: { status: 400, scimType: 'noTarget' },
  mutability: { status: 400, scimType: 'mutability' },
  too_many: { status: 400, scimType: 'tooMany' },
  invalid_cursor: { status: 400, scimType: 'invalidCursor' },
  validation: { status: 400, scimType: 'invalidValue' },
  unauthenticated: { status: 401 },
  forbidden: { status: 403 },
  not_configured: { status: 403 },
  not_found: { status: 404 },
  uniqueness: { status: 409, scimType: 'uniqueness' },
  conflict: { status: 409 },
  precondition_failed: { status: 412 },
  version_mismatch: { status: 412 },
  payload_too_large: { status: 413 },
  unsupported_media_type: { status: 415 },
  method_not_allowed: { status: 405 },
  rate_limited: { status: 429 },
  not_implemented: { status: 501 },
  unavailable: { status: 503 },
};

export function scimErrorBody(status: number, detail: string, scimType?: string) {
  return { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail };
}

/** Turns anything thrown below a SCIM route into a SCIM error body; never a stack trace. */
export function renderScimError(error: unknown, logger: Logger): { status: number; body: ReturnType<typeof scimErrorBody>; headers: Record<string, string> } {
  if (error instanceof DomainError) {
    const { status, scimType } = SCIM_RENDERING[error.code];
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
