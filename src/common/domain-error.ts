/**
 * Services throw DomainError with a code; each API surface renders codes its own way
 * (SCIM error bodies under /api/scim, `{"message"}` under /api/v4, HTML pages for SAML).
 * The renderers hold a `Record<DomainErrorCode, …>`, so adding a code without mapping it
 * on every surface fails type-checking.
 */
export const DOMAIN_ERROR_CODES = [
  'invalid_value', // a value the caller sent is not acceptable
  'invalid_syntax', // the request body cannot be parsed or has the wrong shape
  'invalid_filter', // SCIM filter grammar or attribute problem
  'invalid_path', // SCIM PATCH path problem
  'no_target', // SCIM PATCH path matched nothing where a target is required
  'mutability', // attempt to change a read-only attribute
  'too_many', // a request asks for more than the limits allow
  'invalid_cursor', // RFC 9865: a cursor this server did not issue, or one for another query
  'validation', // admin API field validation (may carry per-field problems)
  'unauthenticated', // no or bad credentials
  'forbidden', // authenticated, not allowed
  'not_configured', // group SAML SSO not configured (SCIM refuses to serve)
  'not_found', // the addressed resource does not exist (or is invisible to the caller)
  'uniqueness', // a value must be unique and is taken
  'conflict', // the change conflicts with the current state
  'precondition_failed', // a business rule refuses the change (provisioning refused, last owner)
  'version_mismatch', // If-Match did not match meta.version
  'payload_too_large',
  'unsupported_media_type',
  'method_not_allowed',
  'rate_limited',
  'not_implemented',
  'unavailable', // a dependency (the database) is not answering
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export interface DomainErrorOptions {
  /** Per-field validation problems, rendered by the admin API as `{"message": {field: [...]}}`. */
  fields?: Record<string, string[]>;
  /** 'error': the admin API renders `{"error": message}` (Grape's shape for missing parameters). */
  shape?: 'error';
  /** Seconds until a rate-limited caller may retry. */
  retryAfterSeconds?: number;
  /** Zero-based index of the failing SCIM PATCH operation. */
  operationIndex?: number;
  /** Machine-readable extras that audit events or logs may use; never rendered to clients. */
  context?: Record<string, unknown>;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
