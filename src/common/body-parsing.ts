import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError } from './domain-error.js';

export const MAX_BODY_BYTES = 1024 * 1024;

const JSON_TYPES = /^application\/(scim\+)?json$/i;

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

type ErrorSender = (request: Request, response: Response, error: unknown) => void;

/**
 * Body parsing per surface, done here rather than by Nest's default parser so that every failure
 * (bad JSON, too large, wrong media type) is answered in the surface's own error format.
 */
export function bodyParsing(sendError: ErrorSender): RequestHandler {
  const json = express.json({ limit: MAX_BODY_BYTES, type: () => true, strict: false });
  const form = express.urlencoded({ limit: MAX_BODY_BYTES, extended: false, type: () => true });
  return (request: Request, response: Response, next: NextFunction) => {
    if (!hasBody(request) || request.method === 'GET' || request.method === 'HEAD') return next();
    const isForm = /^\/groups\/[^/]+\/-\/saml\//.test(request.path) || request.path.startsWith('/-/saml/');
    const contentType = request.headers['content-type'];
    const parser = isForm ? form : json;
    if (!isForm && !acceptableJsonType(contentType)) {
      return sendError(request, response, new DomainError('unsupported_media_type', 'Send the request body as application/scim+json or application/json'));
    }
    if (isForm && !/^application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
      return sendError(request, response, new DomainError('unsupported_media_type', 'Send the form as application/x-www-form-urlencoded'));
    }
    parser(request, response, (error?: unknown) => (error ? sendError(request, response, error) : next()));
  };
}
