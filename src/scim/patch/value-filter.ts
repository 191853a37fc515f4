/**
 * The filter inside a PATCH value path, `emails[type eq "work"]` (RFC 7644 §3.5.2 valFilter, grammar
 * of §3.4.2.2), evaluated in memory against one element of a multi-valued attribute. Collection
 * filters are compiled to SQL elsewhere (../filter/); this one only ever sees a single stored user.
 * String comparison is case-insensitive: the attributes Roster filters on (type, value, display)
 * are caseExact false in RFC 7643 §4.1.2.
 */
import { DomainError } from '../../common/domain-error.js';
import { isPlainObject, keyOf, type JsonObject } from './user-doc.js';

export type Literal = string | number | boolean | null;
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type ValueFilter =
  | { kind: 'and' | 'or'; left: ValueFilter; right: ValueFilter }
  | { kind: 'not'; filter: ValueFilter }
  | { kind: 'present'; attr: string }
  | { kind: 'compare'; attr: string; op: CompareOp; value: Literal };

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const ATTR_PATH = /^[A-Za-z$][\w$-]*(\.[A-Za-z$][\w$-]*)?$/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
/** Parentheses nest at most this deep, so a hostile path never exhausts the stack (as in ../filter/). */
export const MAX_VALUE_FILTER_DEPTH = 50;

type Token = { kind: 'word' | 'string' | '(' | ')'; text: string; pos: number; value?: string };

/** Details quote the client's text, shortened: a detail never echoes a huge input. */
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

function fail(text: string, message: string, pos: number): never {
  throw new DomainError('invalid_path', `invalid filter [${clip(text, 100)}]: ${clip(message, 160)} at position ${pos + 1}`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c, text: c, pos: i++ });
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) fail(text, 'unterminated string', i);
      const raw = text.slice(i, j + 1);
      let value: string;
      try {
        value = JSON.parse(raw) as string; // RFC 7644 §3.4.2.2: values are JSON strings
      } catch {
        fail(text, 'invalid escape in string', i);
      }
      tokens.push({ kind: 'string', text: raw, pos: i, value });
      i = j + 1;
    } else {
      const m = /^[^\s()"]+/.exec(text.slice(i));
      const word = m ? m[0] : c;
      tokens.push({ kind: 'word', text: word, pos: i });
      i += word.length;
    }
  }
  return tokens;
}

/** Parses the text between `[` and `]`. */
export function parseValueFilter(text: string): ValueFilter {
  const tokens = tokenize(text);
  let at = 0;
  const peekWord = (w: string) => tokens[at]?.kind === 'word' && tokens[at].text.toLowerCase() === w;
  const end = () => (tokens.length ? tokens[tokens.length - 1].pos + tokens[tokens.length - 1].text.length : 0);

  const parseOr = (): ValueFilter => {
    let left = parseAnd();
    while (peekWord('or')) {
      at++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): ValueFilter => {
    let left = parseUnary();
    while (peekWord('and')) {
      at++;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  let depth = 0;
  const parseGroup = (): ValueFilter => {
    if (tokens[at]?.kind !== '(') fail(text, 'expected "("', tokens[at]?.pos ?? end());
    if (++depth > MAX_VALUE_FILTER_DEPTH) fail(text, `parentheses nested more than ${MAX_VALUE_FILTER_DEPTH} deep`, tokens[at].pos);
    at++;
    const inner = parseOr();
    if (tokens[at]?.kind !== ')') fail(text, 'expected ")"', tokens[at]?.pos ?? end());
    at++;
    depth--;
    return inner;
  };
  const parseUnary = (): ValueFilter => {
    const tok = tokens[at];
    if (!tok) fail(text, 'expected an expression', end());
    if (tok.kind === '(') return parseGroup();
    if (peekWord('not')) {
      at++;
      return { kind: 'not', filter: parseGroup() };
    }
    if (tok.kind !== 'word' || !ATTR_PATH.test(tok.text)) {
      fail(text, `expected an attribute name, got ${tok.text}`, tok.pos);
    }
    at++;
    const opTok = tokens[at];
    const op = opTok?.kind === 'word' ? opTok.text.toLowerCase() : '';
    if (op === 'pr') {
      at++;
      return { kind: 'present', attr: tok.text };
    }
    if (!COMPARE_OPS.has(op)) {
      fail(text, 'expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)', opTok?.pos ?? end());
    }
    at++;
    return { kind: 'compare', attr: tok.text, op: op as CompareOp, value: parseLiteral() };
  };
  const parseLiteral = (): Literal => {
    const tok = tokens[at++];
    if (tok?.kind === 'string') return tok.value as string;
    const word = tok?.kind === 'word' ? tok.text.toLowerCase() : undefined;
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') return null;
    if (word !== undefined && NUMBER.test(word)) return Number(word);
    return fail(text, 'expected a value (a "string", true, false, null or a number)', tok?.pos ?? end());
  };

  if (tokens.length === 0) fail(text, 'empty filter', 0);
  const filter = parseOr();
  if (at < tokens.length) fail(text, `unexpected ${tokens[at].text}`, tokens[at].pos);
  return filter;
}

function lookup(element: JsonObject, attr: string): unknown {
  let current: unknown = element;
  for (const part of attr.split('.')) {
    if (!isPlainObject(current)) return undefined;
    const key = keyOf(current, part);
    current = key === undefined ? undefined : current[key];
  }
  return current;
}

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

function compare(actual: unknown, op: CompareOp, expected: Literal): boolean {
  if (Array.isArray(actual)) return actual.some((a) => compare(a, op, expected));
  if (op === 'ne') return !compare(actual, 'eq', expected);
  if (op === 'eq') {
    if (expected === null) return actual === undefined || actual === null;
    // Entra sends booleans as "True"/"False"; stored values are coerced, but be tolerant here too.
    if (typeof expected === 'boolean' && typeof actual === 'string') return actual.toLowerCase() === String(expected);
    return lower(actual) === lower(expected);
  }
  if (op === 'co' || op === 'sw' || op === 'ew') {
    if (typeof actual !== 'string' || typeof expected !== 'string') return false;
    const a = actual.toLowerCase();
    const e = expected.toLowerCase();
    return op === 'co' ? a.includes(e) : op === 'sw' ? a.startsWith(e) : a.endsWith(e);
  }
  const a = lower(actual);
  const e = lower(expected);
  if (!((typeof a === 'string' && typeof e === 'string') || (typeof a === 'number' && typeof e === 'number'))) {
    return false;
  }
  return op === 'gt' ? a > e : op === 'ge' ? a >= e : op === 'lt' ? a < e : a <= e;
}

/** Does one element of a multi-valued attribute match? Non-object elements never do. */
export function matchesValueFilter(filter: ValueFilter, element: unknown): boolean {
  if (!isPlainObject(element)) return false;
  switch (filter.kind) {
    case 'and':
      return matchesValueFilter(filter.left, element) && matchesValueFilter(filter.right, element);
    case 'or':
      return matchesValueFilter(filter.left, element) || matchesValueFilter(filter.right, element);
    case 'not':
      return !matchesValueFilter(filter.filter, element);
    case 'present': {
      const v = lookup(element, filter.attr);
      return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
    }
    case 'compare':
      return compare(lookup(element, filter.attr), filter.op, filter.value);
  }
}

/**
 * The sub-attribute values a filter pins down when it is `a eq v` or a conjunction of those
 * (`type eq "work"`, `type eq "work" and primary eq true`); undefined for anything else. Used to
 * create the element a `replace emails[type eq "work"].value` targets when the user has none yet.
 */
export function filterEqualities(filter: ValueFilter): Record<string, Literal> | undefined {
  if (filter.kind === 'compare') {
    if (filter.op !== 'eq' || filter.value === null || filter.attr.includes('.')) return undefined;
    return { [filter.attr]: filter.value };
  }
  if (filter.kind !== 'and') return undefined;
  const left = filterEqualities(filter.left);
  const right = filterEqualities(filter.right);
  if (!left || !right) return undefined;
  for (const [k, v] of Object.entries(right)) {
    const same = Object.keys(left).find((l) => l.toLowerCase() === k.toLowerCase());
    if (same !== undefined && lower(left[same]) !== lower(v)) return undefined; // contradictory
  }
  return { ...left, ...right };
}
