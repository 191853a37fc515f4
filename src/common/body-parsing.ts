import { isUtf8 } from 'node:buffer';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { DomainError } from './domain-error.js';
import { foldBracketedKeys } from './query-string.js';

export const MAX_BODY_BYTES = 1024 * 1024;

const JSON_TYPES = /^application\/(scim\+)?json$/i;
// NUL makes PostgreSQL refuse the whole statement, and an unpaired surrogate cannot be encoded as
// UTF-8 on the way to the database: both would otherwise surface as a 500 long after parsing.
// String.prototype.isWellFormed (ES2024) finds unpaired surrogates natively, which matters for
// bodies holding strings of hundreds of kilobytes.
const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();
const unstorable = (text: string) => text.includes('\u0000') || !isWellFormed(text);

/** False for text a database cannot store faithfully (NUL, an unpaired surrogate). */
export function isStorableText(text: string): boolean {
  return !unstorable(text);
}

// SCIM endpoints that never read a body (read-only discovery → 405, Bulk/Me → 501): the
// answer is the same whatever was sent, so a body is not parsed (Okta's suite POSTs "test" there).
const SCIM_BODYLESS = /^\/api\/scim\/v2\/(?:groups\/[^/]+|application)\/(?:ServiceProviderConfig|ResourceTypes|Schemas|Bulk|Me)(?:\/|$)/i;

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** `application/json` or `application/scim+json`, with or without `; charset=utf-8` (RFC 7644 §3.8). */
export function acceptableJsonType(header: string | undefined): boolean {
  if (!header) return false;
  const [type, ...params] = header.split(';').map((p) => p.trim());
  if (!JSON_TYPES.test(type)) return false;
  return params.every((p) => {
    const [key, value] = p.split('=').map((s) => s.trim().toLowerCase());
    return key !== 'charset' || value === 'utf-8' || value === 'utf8' || value === '"utf-8"';
  });
}

/** body-parser decodes invalid UTF-8 into U+FFFD silently; a client that sends it gets told instead. */
function requireUtf8(_request: unknown, _response: unknown, raw: Buffer): void {
  if (!isUtf8(raw)) throw new DomainError('invalid_syntax', 'The request body is not valid UTF-8');
}

/** True when a string or member name anywhere in `body` is unstorable. Iterative: deep nesting is harmless. */
function holdsUnstorableText(body: unknown): boolean {
  const stack: unknown[] = [body];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (unstorable(value)) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, member] of Object.entries(value)) {
        if (unstorable(key)) return true;
        stack.push(member);
      }
    }
  }
  return false;
}

/**
 * Where a parsed body holds a string (or member name) with NUL or an unpaired surrogate, as a path
 * such as `emails[0].value`; undefined when there is none. A quick scan first: paths are built only
 * for the rare body that has such text.
 */
export function findUnstorableText(body: unknown): string | undefined {
  if (!holdsUnstorableText(body)) return undefined;
  const stack: [unknown, string][] = [[body, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (unstorable(value)) return path === '' ? 'the body' : path;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}[${i}]`]);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, member] of Object.entries(value)) {
        if (unstorable(key)) return `a member name in ${path === '' ? 'the body' : path}`;
        stack.push([member, path === '' ? key : `${path}.${key}`]);
      }
    }
  }
  return undefined;
}

type ErrorSender = (request: Request, response: Response, error: unknown) => void;

const FORM = /^application\/x-www-form-urlencoded(\s*;|$)/i;
const MULTIPART = /^multipart\/form-data(\s*;|$)/i;

/** GitLab's API takes form-urlencoded and multipart bodies (`curl --data`, `curl --form`) as well as JSON. */
const isGitlabApi = (path: string) => path === '/api/v4' || path.startsWith('/api/v4/');

/**
 * Multipart text fields only: Roster's API takes no files, so a file part is refused rather than
 * buffered. multer has no limit on a body's total size, only per field: a body that declares more
 * than MAX_BODY_BYTES is refused before it is read, and a chunked one is bounded by its fields —
 * 64 of 64 KiB at most (4 MiB), where a GitLab API call sends a handful of short values (a PEM
 * certificate, the longest, is a few KiB).
 */
const MULTIPART_FIELD_BYTES = 64 * 1024;
const MULTIPART_FIELDS = 64;
const multipartFields = multer({ limits: { fieldSize: MULTIPART_FIELD_BYTES, fields: MULTIPART_FIELDS, files: 0, parts: MULTIPART_FIELDS } }).none();

/** Form values become what a JSON body would hold: text, `a[]` folded into a list named `a`. */
function afterForm(request: Request, sendError: (error: unknown) => void, next: NextFunction) {
  const body = request.body as Record<string, unknown> | undefined;
  request.body = foldBracketedKeys(Object.assign(Object.create(null) as Record<string, unknown>, body ?? {}));
  const where = findUnstorableText(request.body);
  if (where !== undefined) return sendError(new DomainError('invalid_value', `The request body contains a NUL character or an unpaired surrogate (${where.slice(0, 100)})`));
  next();
}

/** A multer failure is the client's: too many or too large fields, a file, a broken boundary. */
function multipartProblem(error: unknown): DomainError {
  const code = (error as { code?: string }).code;
  if (code === 'LIMIT_FIELD_VALUE') return new DomainError('payload_too_large', `A multipart field is larger than ${MULTIPART_FIELD_BYTES / 1024} KiB`);
  if (code === 'LIMIT_FIELD_COUNT' || code === 'LIMIT_PART_COUNT') return new DomainError('payload_too_large', `A multipart body may hold at most ${MULTIPART_FIELDS} fields`);
  if (code === 'LIMIT_UNEXPECTED_FILE' || code === 'LIMIT_FILE_COUNT') return new DomainError('validation', 'File uploads are not accepted here');
  return new DomainError('validation', 'The multipart body could not be read');
}

/**
 * Body parsing per surface, done here rather than by Nest's default parser so that every failure
 * (bad JSON, invalid UTF-8, too large, wrong media type) is answered in the surface's own error format.
 */
export function bodyParsing(sendError: ErrorSender): RequestHandler {
  const json = express.json({ limit: MAX_BODY_BYTES, type: () => true, strict: false, verify: requireUtf8 });
  const form = express.urlencoded({ limit: MAX_BODY_BYTES, extended: false, type: () => true });
  return (request: Request, response: Response, next: NextFunction) => {
    if (!hasBody(request) || request.method === 'GET' || request.method === 'HEAD' || SCIM_BODYLESS.test(request.path)) return next();
    // The SAML pages (a group's, and the instance's at /users/auth/saml/) take HTML forms.
    const isForm = /^\/groups\/[^/]+\/-\/saml\//.test(request.path) || request.path.startsWith('/-/saml/') || request.path.startsWith('/users/auth/saml/');
    const contentType = request.headers['content-type'];
    if (isGitlabApi(request.path) && FORM.test(contentType ?? '')) {
      return form(request, response, (error?: unknown) => (error ? sendError(request, response, error) : afterForm(request, (e) => sendError(request, response, e), next)));
    }
    if (isGitlabApi(request.path) && MULTIPART.test(contentType ?? '')) {
      if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return sendError(request, response, new DomainError('payload_too_large', 'The request body is larger than 1 MiB'));
      return multipartFields(request, response, (error?: unknown) =>
        error ? sendError(request, response, multipartProblem(error)) : afterForm(request, (e) => sendError(request, response, e), next),
      );
    }
    if (!isForm && !acceptableJsonType(contentType)) {
      const accepted = isGitlabApi(request.path) ? 'application/json, application/x-www-form-urlencoded or multipart/form-data' : 'application/scim+json or application/json';
      return sendError(request, response, new DomainError('unsupported_media_type', `Send the request body as ${accepted}`));
    }
    if (isForm && !/^application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
      return sendError(request, response, new DomainError('unsupported_media_type', 'Send the form as application/x-www-form-urlencoded'));
    }
    if (isForm) return form(request, response, (error?: unknown) => (error ? sendError(request, response, error) : next()));
    json(request, response, (error?: unknown) => {
      if (error) return sendError(request, response, error);
      const where = findUnstorableText(request.body);
      if (where !== undefined) {
        const shown = where.length > 100 ? `${where.slice(0, 100)}…` : where;
        return sendError(request, response, new DomainError('invalid_value', `The request body contains a NUL character or an unpaired surrogate (${shown})`));
      }
      next();
    });
  };
}
