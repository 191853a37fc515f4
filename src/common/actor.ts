/**
 * Who caused a change, for audit events. SCIM connectors and SAML sign-ins act as the System
 * (author id null); people act as themselves. `ip` is the client address of the request.
 */
export interface Actor {
  id: number | null;
  name: string;
  ip: string | null;
}

export function systemActor(ip: string | null = null): Actor {
  return { id: null, name: 'System', ip };
}
