/**
 * Secrets never reach the request log: any key that looks like a password, token or secret is
 * replaced, at any depth, and so are such query parameters.
 */
const SECRET_KEY = /pass(word)?|token|secret|authorization|credential|api[-_]?key/i;
export const REDACTED = '[FILTERED]';
const MAX_LOGGED_BODY = 64 * 1024;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 20) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? REDACTED : redact(inner, depth + 1);
  return out;
}

/** The redacted body as JSON text, cut to a bounded size so a huge request cannot bloat the log. */
export function redactedBodyText(body: unknown): string | null {
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0)) return null;
  const text = JSON.stringify(redact(body));
  return text.length > MAX_LOGGED_BODY ? `${text.slice(0, MAX_LOGGED_BODY)}…[truncated]` : text;
}

export function redactQuery(query: string): string {
  if (query === '') return query;
  const params = new URLSearchParams(query);
  for (const key of [...params.keys()]) if (SECRET_KEY.test(key)) params.set(key, REDACTED);
  return params.toString();
}
