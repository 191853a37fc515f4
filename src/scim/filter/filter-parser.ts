import { COMPARE_OPERATORS, type AttrPath, type CompareNode, type CompareOperator, type FilterNode, type PresentNode, type ValuePathNode } from './filter-ast.js';
import { invalidFilter, quote, tokenize, type Token } from './filter-tokenizer.js';

/** scim-api.md / quality.md: "filter ≤ 4 KiB". */
export const MAX_FILTER_LENGTH = 4096;
/** Parentheses and value filters nest at most this deep, so hostile input never exhausts the stack. */
export const MAX_FILTER_DEPTH = 50;

// RFC 7643 §2.1 ATTRNAME = ALPHA *(nameChar); `$ref` is the one standard name that starts with "$".
const ATTRNAME = /^\$?[A-Za-z][A-Za-z0-9_-]*$/;
// RFC 7159 §6 number.
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
// Unquoted values outside the RFC that Microsoft's material uses (`externalId eq jyoung`,
// `emails.Value co example.com`, `meta.Created gt 2015-10-10T14:38:21.8617979-07:00`): accepted as
// strings when they are made of letters, digits and `@ . _ + : -` only (idp-clients.md 5.C item 36).
const BARE_VALUE = /^[\p{L}\p{N}@._+:-]+$/u;
const OPERATORS = new Set<string>([...COMPARE_OPERATORS, 'pr']);
const OPERATOR_LIST = [...COMPARE_OPERATORS, 'pr'].join(', ');

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2) into an AST. Precedence: `not` > `and` > `or`, both binary
 * operators left-associative. Operators, keywords and the literals true/false/null are case-insensitive
 * (ABNF quoted strings are case-insensitive, RFC 5234 §2.3), so Entra's `EQ` and `And` work.
 *
 * Throws DomainError('invalid_filter') whose detail names what was wrong and its 0-based position.
 */
export function parseFilter(input: string): FilterNode {
  if (typeof input !== 'string') throw invalidFilter('Filter must be a single string');
  if (input.length > MAX_FILTER_LENGTH) {
    throw invalidFilter(`Filter is longer than ${MAX_FILTER_LENGTH} characters`);
  }
  return new Parser(tokenize(input)).parse();
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    if (this.peek().type === 'eof') throw invalidFilter('Filter is empty');
    const node = this.parseOr(0, false);
    const rest = this.peek();
    if (rest.type !== 'eof') throw unexpected(rest, '"and", "or" or the end of the filter');
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.type !== 'eof') this.index++;
    return token;
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.type === 'word' && t.text.toLowerCase() === word;
  }

  // FILTER = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"; `inValuePath` marks a valFilter.
  private parseOr(depth: number, inValuePath: boolean): FilterNode {
    let left = this.parseAnd(depth, inValuePath);
    while (this.isKeyword('or')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd(depth, inValuePath) };
    }
    return left;
  }

  private parseAnd(depth: number, inValuePath: boolean): FilterNode {
    let left = this.parseFactor(depth, inValuePath);
    while (this.isKeyword('and')) {
      this.next();
      left = { kind: 'and', left, right: this.parseFactor(depth, inValuePath) };
    }
    return left;
  }

  private parseFactor(depth: number, inValuePath: boolean): FilterNode {
    const t = this.peek();
    if (this.isKeyword('not')) {
      this.next();
      // RFC 7644: `not` always takes a parenthesised filter; `not(` without a space is tolerated.
      if (this.peek().type !== '(') throw unexpected(this.peek(), `"(" after "not" at position ${t.pos}`);
      return { kind: 'not', expr: this.parseGroup(depth, inValuePath) };
    }
    if (t.type === '(') return this.parseGroup(depth, inValuePath);
    if (t.type === 'word' && !this.isKeyword('and') && !this.isKeyword('or')) {
      return this.parseAttrExp(depth, inValuePath);
    }
    throw unexpected(t, 'an attribute name, "not" or "("');
  }

  private parseGroup(depth: number, inValuePath: boolean): FilterNode {
    const open = this.next();
    checkDepth(depth + 1, open);
    const expr = this.parseOr(depth + 1, inValuePath);
    if (this.peek().type !== ')') {
      throw unexpected(this.peek(), `"and", "or" or ")" to close the "(" at position ${open.pos}`);
    }
    this.next();
    return expr;
  }

  // attrExp = attrPath SP "pr" / attrPath SP compareOp SP compValue; valuePath = attrPath "[" valFilter "]"
  private parseAttrExp(depth: number, inValuePath: boolean): FilterNode {
    const pathToken = this.next();
    const attr = parseAttrPath(pathToken);
    if (this.peek().type !== '[') return this.parseComparison(attr, pathToken);

    const open = this.next();
    if (inValuePath) throw invalidFilter(`Value filters cannot be nested ("[" at position ${open.pos})`);
    if (attr.subAttr !== undefined) {
      throw invalidFilter(`A value filter cannot follow the sub-attribute ${quote(pathToken.text)} at position ${open.pos}`);
    }
    checkDepth(depth + 1, open);
    const filter = this.parseOr(depth + 1, true);
    if (this.peek().type !== ']') {
      throw unexpected(this.peek(), `"and", "or" or "]" to close the "[" at position ${open.pos}`);
    }
    const close = this.next();
    const node: ValuePathNode = { kind: 'valuePath', attr, filter };
    // The sub-attribute form `emails[type eq "work"].value eq "x"` (Entra): `.name` right after `]`.
    const sub = this.peek();
    if (sub.type === 'word' && sub.pos === close.end && sub.text.startsWith('.')) {
      this.next();
      const name = sub.text.slice(1);
      if (!ATTRNAME.test(name)) {
        throw invalidFilter(`Invalid sub-attribute name ${quote(name)} at position ${sub.pos + 1}`);
      }
      node.subAttrExpr = this.parseComparison({ attr: name }, sub);
    }
    return node;
  }

  private parseComparison(attr: AttrPath, pathToken: Token): CompareNode | PresentNode {
    const opToken = this.peek();
    const op = opToken.type === 'word' ? opToken.text.toLowerCase() : '';
    if (!OPERATORS.has(op)) {
      throw invalidFilter(`Expected an operator after ${quote(pathToken.text)} at position ${opToken.pos}, ` + `found ${describe(opToken)} (operators: ${OPERATOR_LIST})`);
    }
    this.next();
    if (op === 'pr') return { kind: 'present', attr };
    return { kind: 'compare', attr, op: op as CompareOperator, ...this.parseValue(opToken) };
  }

  // compValue = false / null / true / number / string
  private parseValue(opToken: Token): Pick<CompareNode, 'value' | 'raw'> {
    const t = this.next();
    if (t.type === 'string') return { value: t.value as string };
    if (t.type === 'word') {
      const word = t.text.toLowerCase();
      if (word === 'true' || word === 'false') return { value: word === 'true', raw: t.text };
      if (word === 'null') return { value: null, raw: t.text };
      if (NUMBER.test(t.text)) {
        const value = Number(t.text);
        if (!Number.isFinite(value)) throw invalidFilter(`Number out of range at position ${t.pos}`);
        return { value, raw: t.text };
      }
      if (BARE_VALUE.test(t.text) && word !== 'and' && word !== 'or' && word !== 'not') {
        return { value: t.text, raw: t.text };
      }
    }
    throw invalidFilter(`Expected a value after ${quote(opToken.text)} at position ${t.pos}, found ${describe(t)} ` + '(a quoted string, a number, true, false or null)');
  }
}

/** `[URI ":"] ATTRNAME *1subAttr`. The attribute is what follows the last ":" (URNs contain "2.0"). */
function parseAttrPath(token: Token): AttrPath {
  const text = token.text;
  const colon = text.lastIndexOf(':');
  const schema = colon >= 0 ? text.slice(0, colon) : undefined;
  const names = text.slice(colon + 1).split('.');
  const valid = (schema === undefined || /^urn:[^\s:]+(:[^\s:]+)*$/i.test(schema)) && names.length <= 2 && names.every((name) => ATTRNAME.test(name));
  if (!valid) {
    throw invalidFilter(`Invalid attribute path ${quote(text)} at position ${token.pos}`);
  }
  const path: AttrPath = { attr: names[0] };
  if (schema !== undefined) path.schema = schema;
  if (names.length === 2) path.subAttr = names[1];
  return path;
}

function checkDepth(depth: number, token: Token): void {
  if (depth > MAX_FILTER_DEPTH) {
    throw invalidFilter(`Filter is nested more than ${MAX_FILTER_DEPTH} levels deep at position ${token.pos}`);
  }
}

function describe(token: Token): string {
  return token.type === 'eof' ? 'the end of the filter' : quote(token.text);
}

function unexpected(token: Token, expected: string) {
  const what = token.type === 'eof' ? 'Unexpected end of filter' : `Unexpected token ${quote(token.text)}`;
  return invalidFilter(`${what} at position ${token.pos}; expected ${expected}`);
}
