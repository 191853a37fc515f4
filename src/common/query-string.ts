import { parse } from 'node:querystring';

/**
 * The query parser of every endpoint. Parameters are flat (`name=value`; a repeated name gives an
 * array, which the field parsers refuse). A bracketed key (`page[]=1`, `search[$ne]=x`) is a
 * client trying to send structure: it is folded into its base name as a repeated value, so it is
 * refused like one instead of silently ignored. Node's parser is used rather than `qs`, because
 * Express parses the query again on every read of req.query, and the last answer is reused for
 * the same text (the handler and the request log both read it). Readers must not modify it.
 * Under concurrent requests that memo mostly misses; a per-request req.query property instead
 * made every request dearer, so it stays (README "Performance", PATCH floors).
 */
export function parseQueryString(text: string): Record<string, string | string[]> {
  if (text === lastText && lastParsed !== undefined) return lastParsed;
  lastParsed = parseFresh(text);
  lastText = text;
  return lastParsed;
}

let lastText: string | undefined;
let lastParsed: Record<string, string | string[]> | undefined;

function parseFresh(text: string): Record<string, string | string[]> {
  return foldBracketedKeys(parse(text) as Record<string, string | string[]>);
}

/**
 * Folds `name[…]` keys into `name` as repeated values (see parseQueryString); form bodies are
 * folded the same way, so `user_ids[]=1&user_ids[]=2` reads alike in a query and in a form.
 */
export function foldBracketedKeys<T extends Record<string, unknown>>(parsed: T): T {
  const target = parsed as Record<string, unknown>;
  for (const key of Object.keys(parsed)) {
    const bracket = key.indexOf('[');
    if (bracket <= 0) continue;
    const base = key.slice(0, bracket);
    const values = [target[base] ?? [], target[key]].flat();
    delete target[key];
    // At least two entries, so the base reads as repeated even when it was sent only bracketed.
    target[base] = values.length > 1 ? values : [values[0], values[0]];
  }
  return parsed;
}
