import type { DomainErrorCode } from './domain-error.js';

/**
 * The HTTP status of each domain error code, shared by every API surface (each surface renders its
 * own body). A Record, so a new code fails type-checking until it has a status.
 */
export const DOMAIN_ERROR_STATUS: Record<DomainErrorCode, number> = {
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
