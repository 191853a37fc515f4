import type { NextFunction, Request, Response } from 'express';
import { nowIso } from '../common/clock.js';
import { scopeGroupId } from '../common/scope.js';
import type { Metrics } from '../ops/metrics.js';
import { requestIdOf } from '../ops/request-id.js';
import { redactedBodyText, redactQuery } from './redaction.js';
import type { ScimRequest } from './scim-scope.guard.js';
import type { ChangeLogRow } from './scim-context.js';
import type { RequestLogEntry, ScimRequestLogService } from './scim-request-log.service.js';

const FILTER_VALUE = /\b(externalId|userName)\s+eq\s+"((?:[^"\\]|\\.)*)"/i;

/**
 * PostgreSQL refuses NUL in text and an unpaired surrogate cannot be encoded: one such value sent by
 * a client (a decoded id, a filter value) would fail the whole batch of log entries it is written in.
 */
function storable(value: string): string {
  return (value as string & { toWellFormed(): string }).toWellFormed().replace(/\u0000/g, '\\u0000');
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? storable(value.slice(0, 255)) : null;
}

/** Which person a request concerned: from the URL, the body, or an `eq` lookup filter. */
export function concerned(path: string, query: Record<string, unknown>, body: unknown) {
  const match = /\/Users\/([^/]+)$/.exec(path);
  let resourceId: string | null = null;
  if (match && match[1] !== '.search') {
    try {
      resourceId = decodeURIComponent(match[1]);
    } catch {
      resourceId = match[1];
    }
  }
  const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const filter = typeof query.filter === 'string' ? query.filter : typeof b.filter === 'string' ? b.filter : '';
  const found = FILTER_VALUE.exec(filter);
  const fromFilter = (name: string) => (found && found[1].toLowerCase() === name.toLowerCase() ? found[2] : null);
  return {
    resourceId: text(resourceId),
    externalId: text(b.externalId) ?? text(fromFilter('externalId')) ?? text(resourceId),
    userName: text(b.userName) ?? text(fromFilter('userName')),
  };
}

const RESOURCES = new Set(['Users', 'Groups', 'ServiceProviderConfig', 'ResourceTypes', 'Schemas', 'Bulk', 'Me']);

/** The resource type a SCIM path addresses, from a fixed set (a metric label). */
export function scimResource(path: string): string {
  const match = /^\/api\/scim\/v2\/(?:groups\/[^/]+|application)\/([^/]+)/.exec(path);
  return match && RESOURCES.has(match[1]) ? match[1] : 'other';
}

/**
 * Records every SCIM request once: a change that commits writes its row in its own transaction
 * (ChangeLogRow, handed to the scope guard on the request); every other request is recorded, in a
 * batch, once its response is finished, whatever the outcome.
 */
export function scimRequestLogMiddleware(log: ScimRequestLogService, metrics: Metrics) {
  return (request: Request, response: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const entry = (status: number): RequestLogEntry => {
      const scim = (request as ScimRequest).scimContext;
      const rawQuery = request.originalUrl.includes('?') ? request.originalUrl.slice(request.originalUrl.indexOf('?') + 1) : '';
      const who = concerned(request.path, request.query as Record<string, unknown>, request.body);
      const detail = response.locals.errorDetail;
      return {
        createdAt: nowIso(),
        groupId: scim ? scopeGroupId(scim.scope) : null,
        method: request.method,
        path: request.path.slice(0, 2048),
        query: rawQuery === '' ? null : redactQuery(rawQuery).slice(0, 4096),
        status,
        durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
        externalId: who.externalId,
        externalIdLower: who.externalId?.toLowerCase() ?? null,
        userName: who.userName,
        resourceId: who.resourceId,
        errorDetail: typeof detail === 'string' ? storable(detail.slice(0, 2048)) : null,
        body: redactedBodyText(request.body),
        requestId: requestIdOf(request),
      };
    };
    let written = false;
    const changeLog: ChangeLogRow = {
      write: (tx, status) => log.writeIn(tx, entry(status)),
      committed: () => (written = true),
    };
    (request as ScimRequest).scimRequestLog = changeLog;
    response.on('finish', () => {
      if (!written) log.record(entry(response.statusCode));
      const scope = (request as ScimRequest).scimContext?.scope;
      metrics.scimRequest(scope === undefined ? 'none' : scope.kind, request.method, scimResource(request.path), response.statusCode);
    });
    next();
  };
}
