import { DomainError } from '../../common/domain-error.js';

/**
 * Tokens of a SCIM filter. A `word` is any run of characters other than whitespace, `(`, `)`, `[`, `]`
 * and `"`: attribute paths (URNs contain `:` and `.`), operators, keywords, numbers and the bare values
 * some clients send. The parser decides what a word means from where it stands.
 */
export type TokenType = 'word' | 'string' | '(' | ')' | '[' | ']' | 'eof';

export interface Token {
  type: TokenType;
  /** Source text (for a string: with its quotes and escapes). */
  text: string;
  /** Decoded value of a `string` token. */
  value?: string;
  /** 0-based offset of the first character (UTF-16 units, as in V8's JSON.parse messages). */
  pos: number;
  /** Offset just past the token; lets the parser see `].value` written without a space. */
  end: number;
}

const PUNCTUATION = new Set(['(', ')', '[', ']']);
const WORD_END = /[\s()[\]"]/;
// Lone surrogates survive URL decoding and would be silently replaced when encoded as UTF-8 for the
// database; NUL makes PostgreSQL reject the query. Both are refused up front (never a 500).
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

export function invalidFilter(detail: string): DomainError {
  return new DomainError('invalid_filter', detail);
}

/** Quotes a piece of the filter for an error detail, shortened so a detail never echoes a huge input. */
export function quote(text: string): string {
  const short = text.length > 100 ? `${text.slice(0, 100)}…` : text;
  return JSON.stringify(short);
}

export function tokenize(input: string): Token[] {
  checkCharacters(input);
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
    } else if (PUNCTUATION.has(c)) {
      tokens.push({ type: c as TokenType, text: c, pos: i, end: i + 1 });
      i++;
    } else if (c === '"') {
      const token = readString(input, i);
      tokens.push(token);
      i = token.end;
    } else {
      let j = i + 1;
      while (j < input.length && !WORD_END.test(input[j])) j++;
      tokens.push({ type: 'word', text: input.slice(i, j), pos: i, end: j });
      i = j;
    }
  }
  tokens.push({ type: 'eof', text: '', pos: input.length, end: input.length });
  return tokens;
}

function checkCharacters(input: string): void {
  const nul = input.indexOf('\u0000');
  if (nul >= 0) throw invalidFilter(`NUL character at position ${nul}`);
  const surrogate = LONE_SURROGATE.exec(input);
  if (surrogate) throw invalidFilter(`Invalid Unicode (lone surrogate) at position ${surrogate.index}`);
}

/** A JSON string (RFC 7644 §3.4.2.2: "string" is as defined in RFC 7159 §7), any Unicode allowed. */
function readString(input: string, start: number): Token {
  let value = '';
  let i = start + 1;
  while (i < input.length) {
    const c = input[i];
    if (c === '"') {
      return { type: 'string', text: input.slice(start, i + 1), value, pos: start, end: i + 1 };
    }
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const e = input[i + 1];
    if (e === undefined) break; // a trailing backslash: the string is unterminated
    if (e in SIMPLE_ESCAPES) {
      value += SIMPLE_ESCAPES[e];
      i += 2;
    } else if (e === 'u') {
      const [decoded, length] = readUnicodeEscape(input, i);
      value += decoded;
      i += length;
    } else {
      throw invalidFilter(`Invalid escape ${quote('\\' + e)} at position ${i}`);
    }
  }
  throw invalidFilter(`Unterminated string starting at position ${start}`);
}

/** `\uXXXX`, or a surrogate pair `\uD83D\uDE00`; returns the text and the number of source characters. */
function readUnicodeEscape(input: string, at: number): [string, number] {
  const unit = (offset: number): number | undefined => {
    const hex = input.slice(offset + 2, offset + 6);
    return input.startsWith('\\u', offset) && /^[0-9a-fA-F]{4}$/.test(hex) ? parseInt(hex, 16) : undefined;
  };
  const first = unit(at);
  if (first === undefined) throw invalidFilter(`Invalid Unicode escape at position ${at}`);
  if (first === 0) throw invalidFilter(`NUL character (\\u0000) at position ${at}`);
  if (first >= 0xdc00 && first <= 0xdfff) {
    throw invalidFilter(`Invalid Unicode escape (lone surrogate) at position ${at}`);
  }
  if (first < 0xd800 || first > 0xdbff) return [String.fromCharCode(first), 6];
  const second = unit(at + 6);
  if (second === undefined || second < 0xdc00 || second > 0xdfff) {
    throw invalidFilter(`Invalid Unicode escape (lone surrogate) at position ${at}`);
  }
  return [String.fromCharCode(first, second), 12];
}
