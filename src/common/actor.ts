/**
 * Where a request came from, for the audit events it writes: the client address, and the request's
 * id — the one its log line and its SCIM request-log row carry, so one id leads from a log line to
 * what changed. Both null outside HTTP requests (start-up, the CLI).
 */
export interface RequestOrigin {
  ip: string | null;
  requestId: string | null;
}

/**
 * Who caused a change, for audit events. SCIM connectors and SAML sign-ins act as the System
 * (author id null); people act as themselves.
 */
export interface Actor extends RequestOrigin {
  id: number | null;
  name: string;
}

export const NO_ORIGIN: RequestOrigin = { ip: null, requestId: null };

export function systemActor(origin: RequestOrigin = NO_ORIGIN): Actor {
  return { id: null, name: 'System', ip: origin.ip, requestId: origin.requestId };
}
