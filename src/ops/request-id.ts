import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestOrigin } from '../common/actor.js';

/**
 * An id a proxy set is kept so its log and Roster's line up; anything that is not a short run of
 * visible ASCII (a header someone could use to forge log lines or bloat rows) is replaced.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && /^[\x21-\x7e]{1,128}$/.test(given) ? given : randomUUID();
}

/** The request's id as pino-http assigned it (every request passes that middleware first). */
export function requestIdOf(request: IncomingMessage): string | null {
  const id = (request as IncomingMessage & { id?: unknown }).id;
  return typeof id === 'string' ? id : null;
}

/** The request's client address and id, for the audit events it writes. */
export function originOf(request: IncomingMessage & { ip?: string }): RequestOrigin {
  return { ip: request.ip ?? null, requestId: requestIdOf(request) };
}
