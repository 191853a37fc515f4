import { DomainError } from '../../common/domain-error.js';
import { COMPARE_OPERATORS, type FilterNode } from './filter-ast.js';
import { MAX_FILTER_DEPTH, parseFilter } from './filter-parser.js';

const cmp = (attr: string, op: string, value: unknown, extra: object = {}) => ({
  kind: 'compare',
  attr: { attr },
  op,
  value,
  ...extra,
});
const a = cmp('a', 'eq', 1, { raw: '1' });
const b = cmp('b', 'eq', 2, { raw: '2' });
const c = cmp('c', 'eq', 3, { raw: '3' });

/** The detail of the invalid_filter DomainError that parsing `input` throws. */
function parseError(input: string): string {
  try {
    parseFilter(input);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_filter');
    return (error as DomainError).message;
  }
  throw new Error(`parsed without error: ${input}`);
}

describe('parseFilter: operators and values', () => {
  it.each(COMPARE_OPERATORS)('parses the comparison operator %s', (op) => {
    expect(parseFilter(`userName ${op} "x"`)).toEqual(cmp('userName', op, 'x'));
  });

  it('parses pr', () => {
    expect(parseFilter('title pr')).toEqual({ kind: 'present', attr: { attr: 'title' } });
  });

  it.each(['EQ', 'Eq', 'eQ'])('matches operators case-insensitively (%s, as Entra may send)', (op) => {
    expect(parseFilter(`userName ${op} "x"`)).toEqual(cmp('userName', 'eq', 'x'));
  });

  it('matches pr, and, or, not case-insensitively', () => {
    expect(parseFilter('NOT (a PR) AND b Pr OR c pR')).toEqual({
      kind: 'or',
      left: {
        kind: 'and',
        left: { kind: 'not', expr: { kind: 'present', attr: { attr: 'a' } } },
        right: { kind: 'present', attr: { attr: 'b' } },
      },
      right: { kind: 'present', attr: { attr: 'c' } },
    });
  });

  it.each([
    ['42', 42],
    ['0', 0],
    ['-1.5', -1.5],
    ['1e3', 1000],
    ['2.5E-2', 0.025],
  ])('parses the number %s and keeps its source text', (text, value) => {
    expect(parseFilter(`n eq ${text}`)).toEqual(cmp('n', 'eq', value, { raw: text }));
  });

  it.each([
    ['true', true],
    ['false', false],
    ['True', true],
    ['FALSE', false],
    ['null', null],
    ['NULL', null],
  ])('parses the literal %s', (text, value) => {
    expect(parseFilter(`active eq ${text}`)).toEqual(cmp('active', 'eq', value, { raw: text }));
  });

  it('keeps "true" in quotes a string (coercion is the compiler\'s business)', () => {
    expect(parseFilter('active eq "True"')).toEqual(cmp('active', 'eq', 'True'));
  });

  it.each([
    ['"a \\"quoted\\" word"', 'a "quoted" word'],
    ['"back\\\\slash"', 'back\\slash'],
    ['"a\\/b"', 'a/b'],
    ['"tab\\there\\nnew\\rline\\b\\f"', 'tab\there\nnew\rline\b\f'],
    ['"Zo\\u00eb"', 'Zoë'],
    ['"\\u5C71\\u7530"', '山田'],
    ['"\\ud83d\\ude80"', '🚀'],
  ])('decodes the JSON escapes in %s', (text, value) => {
    expect(parseFilter(`displayName eq ${text}`)).toEqual(cmp('displayName', 'eq', value));
  });

  it.each(['Zoë 山田', '🦄 unicorn', "O'Brien + Söhne & Co @ 100%", 'name with (parens) and [brackets]', ' and or not ', ''])(
    'takes any Unicode and syntax characters inside quotes: %j',
    (value) => {
      expect(parseFilter(`displayName eq ${JSON.stringify(value)}`)).toEqual(cmp('displayName', 'eq', value));
    },
  );

  it.each([
    ['externalId eq jyoung', 'externalId', 'jyoung'],
    ['emails.Value co example.com', 'emails', 'example.com'],
    ['userName sw O', 'userName', 'O'],
    ['meta.Created gt 2015-10-10T14:38:21.8617979-07:00', 'meta', '2015-10-10T14:38:21.8617979-07:00'],
    ['userName eq 00123', 'userName', '00123'],
  ])('accepts an unquoted word as a string value (Microsoft examples): %s', (input, attr, value) => {
    expect(parseFilter(input)).toMatchObject({ kind: 'compare', attr: { attr }, value, raw: value });
  });
});

describe('parseFilter: logic and precedence', () => {
  it('parses and, or, not', () => {
    expect(parseFilter('a eq 1 and b eq 2')).toEqual({ kind: 'and', left: a, right: b });
    expect(parseFilter('a eq 1 or b eq 2')).toEqual({ kind: 'or', left: a, right: b });
    expect(parseFilter('not (a eq 1)')).toEqual({ kind: 'not', expr: a });
  });

  it('binds and tighter than or: a or b and c = a or (b and c)', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toEqual({
      kind: 'or',
      left: a,
      right: { kind: 'and', left: b, right: c },
    });
    expect(parseFilter('a eq 1 and b eq 2 or c eq 3')).toEqual({
      kind: 'or',
      left: { kind: 'and', left: a, right: b },
      right: c,
    });
  });

  it('is left-associative', () => {
    expect(parseFilter('a eq 1 or b eq 2 or c eq 3')).toEqual({
      kind: 'or',
      left: { kind: 'or', left: a, right: b },
      right: c,
    });
    expect(parseFilter('a eq 1 and b eq 2 and c eq 3')).toEqual({
      kind: 'and',
      left: { kind: 'and', left: a, right: b },
      right: c,
    });
  });

  it('binds not tightest: not (a) and b = (not a) and b', () => {
    expect(parseFilter('not (a eq 1) and b eq 2')).toEqual({ kind: 'and', left: { kind: 'not', expr: a }, right: b });
    expect(parseFilter('b eq 2 or not(a eq 1)')).toEqual({ kind: 'or', left: b, right: { kind: 'not', expr: a } });
  });

  it('lets parentheses override precedence, nested', () => {
    expect(parseFilter('(a eq 1 or b eq 2) and c eq 3')).toEqual({
      kind: 'and',
      left: { kind: 'or', left: a, right: b },
      right: c,
    });
    expect(parseFilter('((a eq 1)) and (not ((b eq 2 or (c eq 3))))')).toEqual({
      kind: 'and',
      left: a,
      right: { kind: 'not', expr: { kind: 'or', left: b, right: c } },
    });
  });

  it('tolerates extra and missing whitespace', () => {
    const expected = { kind: 'and', left: cmp('userName', 'eq', 'x'), right: { kind: 'present', attr: { attr: 'title' } } };
    expect(parseFilter('   userName    eq   "x"\tand\n title pr  ')).toEqual(expected);
    expect(parseFilter('(userName eq"x")and(title pr)')).toEqual(expected);
  });

  it(`accepts ${MAX_FILTER_DEPTH} levels of nesting`, () => {
    const input = '('.repeat(MAX_FILTER_DEPTH) + 'a eq 1' + ')'.repeat(MAX_FILTER_DEPTH);
    expect(parseFilter(input)).toEqual(a);
  });
});

describe('parseFilter: attribute paths', () => {
  it('splits sub-attributes', () => {
    expect(parseFilter('name.givenName eq "A"')).toEqual({ ...cmp('name', 'eq', 'A'), attr: { attr: 'name', subAttr: 'givenName' } });
  });

  it.each([
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName', 'urn:ietf:params:scim:schemas:core:2.0:User', 'userName', undefined],
    ['urn:ietf:params:scim:schemas:core:2.0:User:name.givenName', 'urn:ietf:params:scim:schemas:core:2.0:User', 'name', 'givenName'],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'employeeNumber', undefined],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'manager', 'value'],
  ])('parses the URN-prefixed path %s', (path, schema, attr, subAttr) => {
    const expected = subAttr ? { schema, attr, subAttr } : { schema, attr };
    expect(parseFilter(`${path} eq "1"`)).toEqual({ kind: 'compare', attr: expected, op: 'eq', value: '1' });
  });

  it('keeps the spelling of attribute names (the compiler resolves them case-insensitively)', () => {
    expect(parseFilter('UserName eq "u"')).toMatchObject({ attr: { attr: 'UserName' } });
    expect(parseFilter('name.FamilyName pr')).toMatchObject({ attr: { attr: 'name', subAttr: 'FamilyName' } });
  });

  it('parses $ref, hyphens and underscores in names', () => {
    expect(parseFilter('members[$ref pr]')).toMatchObject({ filter: { kind: 'present', attr: { attr: '$ref' } } });
    expect(parseFilter('x-y_z pr')).toEqual({ kind: 'present', attr: { attr: 'x-y_z' } });
  });
});

describe('parseFilter: value filters', () => {
  it('parses a complex attribute filter', () => {
    expect(parseFilter('emails[type eq "work" and value co "@x"]')).toEqual({
      kind: 'valuePath',
      attr: { attr: 'emails' },
      filter: { kind: 'and', left: cmp('type', 'eq', 'work'), right: cmp('value', 'co', '@x') },
    });
  });

  it('parses not, or and parentheses inside the brackets, and whitespace around them', () => {
    expect(parseFilter('emails [ (type eq "a" or type eq "b") and not (primary eq true) ]')).toEqual({
      kind: 'valuePath',
      attr: { attr: 'emails' },
      filter: {
        kind: 'and',
        left: { kind: 'or', left: cmp('type', 'eq', 'a'), right: cmp('type', 'eq', 'b') },
        right: { kind: 'not', expr: cmp('primary', 'eq', true, { raw: 'true' }) },
      },
    });
  });

  it('parses the sub-attribute form emails[type eq "work"].value eq "x" (Entra)', () => {
    expect(parseFilter('emails[type eq "work"].value eq "x"')).toEqual({
      kind: 'valuePath',
      attr: { attr: 'emails' },
      filter: cmp('type', 'eq', 'work'),
      subAttrExpr: cmp('value', 'eq', 'x'),
    });
    expect(parseFilter('emails[type eq "work"].Value pr')).toMatchObject({
      subAttrExpr: { kind: 'present', attr: { attr: 'Value' } },
    });
  });

  it('combines value filters with other expressions', () => {
    expect(parseFilter('emails[type eq "work"].value co "@x" and not (emails[primary eq false])')).toMatchObject({
      kind: 'and',
      left: { kind: 'valuePath', subAttrExpr: { op: 'co', value: '@x' } },
      right: { kind: 'not', expr: { kind: 'valuePath', filter: { value: false } } },
    });
  });

  it('parses a URN-prefixed attribute with a value filter', () => {
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"]')).toMatchObject({
      kind: 'valuePath',
      attr: { schema: 'urn:ietf:params:scim:schemas:core:2.0:User', attr: 'emails' },
    });
  });
});

describe('parseFilter: what Okta and Entra send (idp-clients.md 5.C)', () => {
  it.each([
    ['userName eq "test.user@okta.local"', cmp('userName', 'eq', 'test.user@okta.local')],
    ['userName eq "abcdefgh@atko.com"', cmp('userName', 'eq', 'abcdefgh@atko.com')],
    ['userName sw "te"', cmp('userName', 'sw', 'te')],
    ['userName eq "7d8e9f1a-2b3c-4d5e-8f90-a1b2c3d4e5f6"', cmp('userName', 'eq', '7d8e9f1a-2b3c-4d5e-8f90-a1b2c3d4e5f6')],
    ['externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"', cmp('externalId', 'eq', '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef')],
    ['DisplayName eq "BobIsAmazing"', cmp('DisplayName', 'eq', 'BobIsAmazing')],
    ['userName eq "o\'hara+tag&co@x.com"', cmp('userName', 'eq', "o'hara+tag&co@x.com")],
  ])('%s', (input, expected) => {
    expect(parseFilter(input)).toEqual(expected);
  });

  it('Entra: userName eq "a" and externalId eq "b"', () => {
    expect(parseFilter('userName eq "a" and externalId eq "b"')).toEqual({
      kind: 'and',
      left: cmp('userName', 'eq', 'a'),
      right: cmp('externalId', 'eq', 'b'),
    });
  });

  it('Entra: id eq "…" and manager eq "…" parses (the compiler decides about manager)', () => {
    expect(parseFilter('id eq "u1" and manager eq "m1"')).toMatchObject({ kind: 'and', right: { attr: { attr: 'manager' } } });
  });

  it("Microsoft's suite: name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)", () => {
    expect(parseFilter('name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)')).toEqual({
      kind: 'and',
      left: { kind: 'compare', attr: { attr: 'name', subAttr: 'FamilyName' }, op: 'eq', value: 'Employee', raw: 'Employee' },
      right: {
        kind: 'or',
        left: { kind: 'compare', attr: { attr: 'emails', subAttr: 'Value' }, op: 'co', value: 'example.com', raw: 'example.com' },
        right: { kind: 'compare', attr: { attr: 'emails', subAttr: 'Value' }, op: 'co', value: 'example.org', raw: 'example.org' },
      },
    });
  });
});

describe('parseFilter: errors say what and where (0-based positions)', () => {
  it.each([
    ['', 'Filter is empty'],
    ['   ', 'Filter is empty'],
    ['(userName eq "a"))', 'Unexpected token ")" at position 17; expected "and", "or" or the end of the filter'],
    ['userName eq "abc', 'Unterminated string starting at position 12'],
    ['userName eq "abc\\"', 'Unterminated string starting at position 12'],
    ['userName eq "abc\\', 'Unterminated string starting at position 12'],
    ['userName foo "x"', 'Expected an operator after "userName" at position 9, found "foo" (operators: eq, ne, co, sw, ew, gt, ge, lt, le, pr)'],
    ['userName', 'Expected an operator after "userName" at position 8, found the end of the filter'],
    ['FOO', 'Expected an operator after "FOO" at position 3, found the end of the filter'],
    ['userName "x"', 'Expected an operator after "userName" at position 9, found "\\"x\\""'],
    ['userName eq', 'Expected a value after "eq" at position 11, found the end of the filter'],
    ["userName eq 'x'", 'Expected a value after "eq" at position 12, found "\'x\'"'],
    ['userName eq and', 'Expected a value after "eq" at position 12, found "and"'],
    ['userName eq )', 'Expected a value after "eq" at position 12, found ")"'],
    ['userName eq "x" and', 'Unexpected end of filter at position 19; expected an attribute name, "not" or "("'],
    ['userName eq "x" and or title pr', 'Unexpected token "or" at position 20; expected an attribute name, "not" or "("'],
    ['userName eq "x" title pr', 'Unexpected token "title" at position 16; expected "and", "or" or the end of the filter'],
    ['userName eq "x" ]', 'Unexpected token "]" at position 16'],
    [')', 'Unexpected token ")" at position 0'],
    ['(userName pr', 'Unexpected end of filter at position 12; expected "and", "or" or ")" to close the "(" at position 0'],
    ['not userName pr', 'Unexpected token "userName" at position 4; expected "(" after "not" at position 0'],
    ['emails[type eq "work"', 'Unexpected end of filter at position 21; expected "and", "or" or "]" to close the "[" at position 6'],
    ['emails[type eq "work")', 'Unexpected token ")" at position 21'],
    ['emails[type eq "a" and x[y pr]]', 'Value filters cannot be nested ("[" at position 24)'],
    ['name.givenName[x pr]', 'A value filter cannot follow the sub-attribute "name.givenName" at position 14'],
    ['emails[type eq "work"].1x eq "y"', 'Invalid sub-attribute name "1x" at position 23'],
    ['1abc eq "x"', 'Invalid attribute path "1abc" at position 0'],
    ['name.given.name eq "x"', 'Invalid attribute path "name.given.name" at position 0'],
    ['urn: eq "x"', 'Invalid attribute path "urn:" at position 0'],
    ['x eq 1 and .value eq "y"', 'Invalid attribute path ".value" at position 11'],
    ['x eq "a\\x"', 'Invalid escape "\\\\x" at position 7'],
    ['x eq "\\u12"', 'Invalid Unicode escape at position 6'],
    ['x eq "\\ud800"', 'Invalid Unicode escape (lone surrogate) at position 6'],
    ['x eq "\\ude00\\ud800"', 'Invalid Unicode escape (lone surrogate) at position 6'],
    ['x eq "\\u0000"', 'NUL character (\\u0000) at position 6'],
    ['x eq "a\u0000"', 'NUL character at position 7'],
    ['x eq "\ud800"', 'Invalid Unicode (lone surrogate) at position 6'],
    ['x eq 1e999', 'Number out of range at position 5'],
  ])('%j → %s', (input, detail) => {
    expect(parseError(input)).toContain(detail);
  });

  it('shortens long tokens in details', () => {
    const detail = parseError(`userName ${'x'.repeat(500)} "a"`);
    expect(detail.length).toBeLessThan(250);
    expect(detail).toContain('…');
  });

  it('refuses filters longer than 4096 characters', () => {
    const ok = `userName eq "${'x'.repeat(4096 - 14)}"`;
    expect(ok).toHaveLength(4096);
    expect(parseFilter(ok)).toMatchObject({ kind: 'compare' });
    expect(parseError(ok + ' ')).toBe('Filter is longer than 4096 characters');
  });

  it(`refuses more than ${MAX_FILTER_DEPTH} levels of parentheses, not or brackets`, () => {
    const parens = '('.repeat(MAX_FILTER_DEPTH + 1) + 'a eq 1' + ')'.repeat(MAX_FILTER_DEPTH + 1);
    expect(parseError(parens)).toBe(`Filter is nested more than ${MAX_FILTER_DEPTH} levels deep at position ${MAX_FILTER_DEPTH}`);
    const nots = 'not ('.repeat(MAX_FILTER_DEPTH + 1) + 'a eq 1' + ')'.repeat(MAX_FILTER_DEPTH + 1);
    expect(parseError(nots)).toContain('nested more than');
    const brackets = '('.repeat(MAX_FILTER_DEPTH) + 'emails[type pr]' + ')'.repeat(MAX_FILTER_DEPTH);
    expect(parseError(brackets)).toContain('nested more than');
  });

  it('never overflows the stack on hostile input', () => {
    for (const hostile of ['('.repeat(4096), 'not ('.repeat(819), '['.repeat(4096), 'a['.repeat(2048), '"'.repeat(4095)]) {
      expect(() => parseFilter(hostile)).toThrow(DomainError);
    }
  });

  it('accepts long flat chains (no recursion per term)', () => {
    const chain = Array.from({ length: 400 }, () => 'a pr').join(' and ');
    let node: FilterNode = parseFilter(chain);
    let depth = 0;
    while (node.kind === 'and') {
      node = node.left;
      depth++;
    }
    expect(depth).toBe(399);
  });

  it('refuses a value that is not a single string (a repeated query parameter)', () => {
    expect(() => parseFilter(['a pr', 'b pr'] as unknown as string)).toThrow('Filter must be a single string');
  });
});

describe('parseFilter: every combination of and, or, not and grouping over three terms', () => {
  // Oracle: JavaScript's !, && and || have SCIM's precedence (not > and > or) and associativity, so the
  // same expression written in JS must have the same truth table as the parsed AST.
  function evaluate(node: FilterNode, truth: Record<string, boolean>): boolean {
    switch (node.kind) {
      case 'and':
        return evaluate(node.left, truth) && evaluate(node.right, truth);
      case 'or':
        return evaluate(node.left, truth) || evaluate(node.right, truth);
      case 'not':
        return !evaluate(node.expr, truth);
      case 'compare':
        return truth[node.attr.attr];
      default:
        throw new Error(`unexpected ${node.kind}`);
    }
  }

  const cases: [filter: string, js: string][] = [];
  for (const op1 of ['and', 'or']) {
    for (const op2 of ['and', 'or']) {
      for (let negations = 0; negations < 8; negations++) {
        const term = (name: string, i: number) => ((negations >> i) & 1 ? [`not (${name} eq 1)`, `!(${name})`] : [`${name} eq 1`, name]);
        const [[fa, ja], [fb, jb], [fc, jc]] = [term('a', 0), term('b', 1), term('c', 2)];
        const js = (o: string) => (o === 'and' ? '&&' : '||');
        cases.push([`${fa} ${op1} ${fb} ${op2} ${fc}`, `${ja} ${js(op1)} ${jb} ${js(op2)} ${jc}`]);
        cases.push([`(${fa} ${op1} ${fb}) ${op2} ${fc}`, `(${ja} ${js(op1)} ${jb}) ${js(op2)} ${jc}`]);
        cases.push([`${fa} ${op1} (${fb} ${op2} ${fc})`, `${ja} ${js(op1)} (${jb} ${js(op2)} ${jc})`]);
        cases.push([`not (${fa} ${op1} ${fb}) ${op2} ${fc}`, `!(${ja} ${js(op1)} ${jb}) ${js(op2)} ${jc}`]);
      }
    }
  }

  it.each(cases)('%s', (filter, js) => {
    const ast = parseFilter(filter);
    const oracle = new Function('a', 'b', 'c', `return ${js};`) as (a: boolean, b: boolean, c: boolean) => boolean;
    for (let bits = 0; bits < 8; bits++) {
      const truth = { a: Boolean(bits & 1), b: Boolean(bits & 2), c: Boolean(bits & 4) };
      expect(evaluate(ast, truth)).toBe(oracle(truth.a, truth.b, truth.c));
    }
    // The operators' case never matters.
    expect(parseFilter(filter.replace(/\b(and|or|not)\b/g, (k) => k.toUpperCase()))).toEqual(ast);
  });
});
