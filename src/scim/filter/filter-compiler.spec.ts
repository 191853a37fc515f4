import { DomainError } from '../../common/domain-error.js';
import { compileUserFilter, compileUserSort, MAX_FILTER_SUBQUERIES, type SqlDialect } from './filter-compiler.js';
import { parseFilter } from './filter-parser.js';
import { parseDateTime } from './filter-values.js';

// The SQL text this compiler produces; the semantics are proven by executing it in filter-compiler.db.spec.ts.
const compile = (filter: string, dialect: SqlDialect = 'sqlite', paramPrefix?: string) => compileUserFilter(parseFilter(filter), { dialect, paramPrefix });

function compileError(filter: string): string {
  try {
    compile(filter);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_filter');
    return (error as DomainError).message;
  }
  throw new Error(`compiled without error: ${filter}`);
}

const USER_NAME_EQ = (p: string, n = 0) =>
  `i.id IN (SELECT us${n}.id FROM scim_identities us${n} WHERE us${n}.user_name_lower = ${p}` +
  ` UNION ALL SELECT ul${n}.id FROM scim_identities ul${n} WHERE ul${n}.user_id IN ` +
  `(SELECT uu${n}.id FROM users uu${n} WHERE uu${n}.username_lower = ${p} OR uu${n}.email_lower = ${p}))`;

describe('compileUserFilter: SQL text', () => {
  it('compiles userName eq with the platform account fallback as an id IN (… UNION ALL …) of two index lookups', () => {
    expect(compile('userName eq "Alice@Example.COM"')).toEqual({
      sql: USER_NAME_EQ(':f0'),
      params: { f0: 'alice@example.com' },
    });
    expect(compile('userName ne "a"').sql).toBe(`NOT (${USER_NAME_EQ(':f0')})`);
  });

  it('compiles externalId and id to the extern_uid column, normalised', () => {
    expect(compile('externalId eq "0A21F0F2"')).toEqual({ sql: 'i.extern_uid_lower = :f0', params: { f0: '0a21f0f2' } });
    expect(compile('ID eq "X"')).toEqual({ sql: 'i.extern_uid_lower = :f0', params: { f0: 'x' } });
  });

  it('guards NULL-able columns so a predicate is never NULL', () => {
    expect(compile('displayName eq "Bob"').sql).toBe('(i.display_name_lower IS NOT NULL AND i.display_name_lower = :f0)');
    expect(compile('name.givenName pr').sql).toBe("(i.given_name_lower IS NOT NULL AND i.given_name_lower <> '')");
    expect(compile('userName pr').sql).toBe("i.user_name_lower <> ''");
  });

  it('compiles ne on a single-valued attribute and not as NOT of the positive predicate', () => {
    expect(compile('displayName ne "Bob"').sql).toBe('NOT ((i.display_name_lower IS NOT NULL AND i.display_name_lower = :f0))');
    expect(compile('not (active eq true)')).toEqual({ sql: 'NOT (i.active = :f0)', params: { f0: true } });
  });

  it('compiles co/sw/ew to LIKE with %, _ and \\ escaped in the parameter', () => {
    expect(compile('displayName co "50%_\\\\x"')).toEqual({
      sql: "(i.display_name_lower IS NOT NULL AND i.display_name_lower LIKE :f0 ESCAPE '\\')",
      params: { f0: '%50\\%\\_\\\\x%' },
    });
    expect(compile('externalId sw "A_"').params).toEqual({ f0: 'a\\_%' });
    expect(compile('externalId ew "%Z"').params).toEqual({ f0: '%\\%z' });
  });

  it('adds COLLATE "C" to range comparisons on PostgreSQL only', () => {
    expect(compile('userName gt "m"', 'postgres').sql).toBe('i.user_name_lower COLLATE "C" > :f0');
    expect(compile('userName le "m"', 'sqlite').sql).toBe('i.user_name_lower <= :f0');
    expect(compile('meta.lastModified ge "2026-01-01T00:00:00Z"', 'postgres')).toEqual({
      sql: 'i.updated_at COLLATE "C" >= :f0',
      params: { f0: '2026-01-01T00:00:00.000Z' },
    });
  });

  // The correlated form: each identity's emails, found through the identity_id index.
  const EACH = (n: number, condition: string) => `i.id IN (SELECT e${n}.identity_id FROM scim_identity_emails e${n} WHERE e${n}.identity_id = i.id AND ${condition})`;

  it('compiles emails filters to correlated id IN (…) subqueries with unique aliases, never EXISTS', () => {
    expect(compile('emails[type eq "Work" and value co "@X"] or emails.value co "a@x" or emails pr')).toEqual({
      sql:
        `((${EACH(0, "((e0.type_lower IS NOT NULL AND e0.type_lower = :f0) AND e0.value_lower LIKE :f1 ESCAPE '\\')")}` +
        ` OR ${EACH(1, "e1.value_lower LIKE :f2 ESCAPE '\\'")})` +
        ` OR ${EACH(2, "e2.value_lower <> ''")})`,
      params: { f0: 'work', f1: '%@x%', f2: '%a@x%' },
    });
    // SQLite 3.52.0 makes a correlated EXISTS ANDed into the WHERE clause a join and then miscounts OFFSET.
    for (const filter of [
      'emails co "a"',
      'active eq true and emails[type eq "work"]',
      'emails.value ne "a"',
      'not (emails pr) and emails.type eq null',
      'emails[type eq "work"].value co "a" and emails[primary eq true]',
    ]) {
      for (const dialect of ['sqlite', 'postgres'] as const) expect(compile(filter, dialect).sql).not.toMatch(/EXISTS/i);
    }
  });

  it('compiles an email equality to an uncorrelated id IN (…) so the value index finds the rows', () => {
    const IN = (n: number, condition: string) => `i.id IN (SELECT e${n}.identity_id FROM scim_identity_emails e${n} WHERE ${condition})`;
    expect(compile('emails.value eq "A@X"')).toEqual({ sql: IN(0, 'e0.value_lower = :f0'), params: { f0: 'a@x' } });
    expect(compile('emails eq "a@x"').sql).toBe(IN(0, 'e0.value_lower = :f0'));
    expect(compile('emails[value eq "a@x" and type eq "work"]').sql).toBe(IN(0, '(e0.value_lower = :f0 AND (e0.type_lower IS NOT NULL AND e0.type_lower = :f1))'));
    expect(compile('not (emails.value eq "a@x")').sql).toBe(`NOT (${IN(0, 'e0.value_lower = :f0')})`);
    // An equality under `or` or `not` does not bound the rows, so those stay correlated.
    expect(compile('emails[value eq "a" or type eq "b"]').sql).toBe(EACH(0, '(e0.value_lower = :f0 OR (e0.type_lower IS NOT NULL AND e0.type_lower = :f1))'));
    expect(compile('emails[not (value eq "a")]').sql).toBe(EACH(0, 'NOT (e0.value_lower = :f0)'));
    expect(compile('emails[type eq "work"].value co "a"').sql).toMatch(/^i\.id IN \(SELECT e0\.identity_id FROM scim_identity_emails e0 WHERE e0\.identity_id = i\.id AND /);
  });

  it('compiles ne on an email sub-attribute as "some email is not …", the NOT inside the subquery', () => {
    // RFC 7644 §3.4.2.2: a multi-valued attribute matches when some value does, for ne as for eq or co.
    expect(compile('emails.value ne "A@X"')).toEqual({ sql: EACH(0, 'NOT (e0.value_lower = :f0)'), params: { f0: 'a@x' } });
    expect(compile('emails ne "a@x"').sql).toBe(EACH(0, 'NOT (e0.value_lower = :f0)'));
    expect(compile('emails[value ne "a@x"]').sql).toBe(compile('emails.value ne "a@x"').sql);
    // A missing type is ne every value, per email as per identity.
    expect(compile('emails.type ne "work"').sql).toBe(EACH(0, 'NOT ((e0.type_lower IS NOT NULL AND e0.type_lower = :f0))'));
    expect(compile('emails.primary ne true')).toEqual({ sql: EACH(0, 'NOT (e0.is_primary = :f0)'), params: { f0: true } });
    expect(compile('emails[type eq "work"].value ne "a@x"').sql).toBe(EACH(0, '(e0.type_lower IS NOT NULL AND e0.type_lower = :f0) AND NOT (e0.value_lower = :f1)'));
    // not (…) stays the complement of its filter: "has no email a@x".
    expect(compile('not (emails.value ne "a@x")').sql).toBe(`NOT (${EACH(0, 'NOT (e0.value_lower = :f0)')})`);
    // ne null is pr: some email has a type.
    expect(compile('emails.type ne null').sql).toBe(`NOT (NOT (${EACH(0, "(e0.type_lower IS NOT NULL AND e0.type_lower <> '')")}))`);
  });

  it('compiles the sub-attribute form into one subquery', () => {
    expect(compile('emails[type eq "work"].value eq "U@X.com"').sql).toBe(
      'i.id IN (SELECT e0.identity_id FROM scim_identity_emails e0 WHERE ' + '(e0.type_lower IS NOT NULL AND e0.type_lower = :f0) AND e0.value_lower = :f1)',
    );
  });

  it(`refuses more than ${MAX_FILTER_SUBQUERIES} subqueries in one filter, naming the limit`, () => {
    const chain = (n: number, term: string) => Array.from({ length: n }, () => term).join(' or ');
    expect(() => compile(chain(MAX_FILTER_SUBQUERIES, 'emails pr'))).not.toThrow();
    expect(() => compile(chain(MAX_FILTER_SUBQUERIES, 'userName eq "a"'))).not.toThrow();
    expect(compileError(chain(MAX_FILTER_SUBQUERIES + 1, 'emails pr'))).toBe(
      `Filter is too complex: more than ${MAX_FILTER_SUBQUERIES} conditions on emails or userName equality; split it into several requests`,
    );
    expect(compileError(chain(MAX_FILTER_SUBQUERIES, 'userName eq "a"') + ' and emails.value eq "b"')).toMatch(/too complex/);
    // Plain column comparisons need no subquery and are not counted.
    expect(() => compile(chain(150, 'active eq true'))).not.toThrow();
  });

  it('compiles a value filter on the complex attribute name inline', () => {
    expect(compile('name[givenName eq "a" and familyName pr]').sql).toBe(
      "((i.given_name_lower IS NOT NULL AND i.given_name_lower = :f0) AND (i.family_name_lower IS NOT NULL AND i.family_name_lower <> ''))",
    );
  });

  it('numbers parameters with the given prefix, and aliases per subquery', () => {
    const { sql, params } = compile('userName eq "a" or userName eq "b"', 'postgres', 'q');
    expect(params).toEqual({ q0: 'a', q1: 'b' });
    expect(sql).toBe(`(${USER_NAME_EQ(':q0', 0)} OR ${USER_NAME_EQ(':q1', 1)})`);
    expect(() => compileUserFilter(parseFilter('a pr'), { dialect: 'sqlite', paramPrefix: 'x; drop' })).toThrow('Invalid paramPrefix');
  });

  it('never puts a value into the SQL text', () => {
    for (const filter of [
      `userName eq "x' OR 1=1 --"`,
      `displayName co "'); DROP TABLE users; --"`,
      `emails[type eq "a\\"b"].value sw "'"`,
      `meta.created gt "2026-01-01T00:00:00Z"`,
      `active eq "True"`,
    ]) {
      const { sql, params } = compile(filter, 'postgres');
      const withoutConstants = sql.replaceAll("ESCAPE '\\'", '').replaceAll("<> ''", '').replaceAll('COLLATE "C"', '');
      expect(withoutConstants).not.toMatch(/['"]/);
      expect(withoutConstants).not.toMatch(/\d{4}|true|drop/i);
      expect(Object.keys(params).length).toBeGreaterThan(0);
    }
  });

  it('uses the source text of an unquoted number for a string attribute', () => {
    expect(compile('externalId eq 0012').params).toEqual({ f0: '0012' });
    expect(compile('externalId eq 1.50').params).toEqual({ f0: '1.50' });
  });

  it('accepts the core User schema URN, any case', () => {
    expect(compile('urn:ietf:params:scim:schemas:core:2.0:user:USERNAME sw "a"').sql).toBe("i.user_name_lower LIKE :f0 ESCAPE '\\'");
  });

  it('coerces "True"/"false" strings for booleans (Entra)', () => {
    expect(compile('active eq "True"').params).toEqual({ f0: true });
    expect(compile('active eq False').params).toEqual({ f0: false });
    expect(compile('emails[primary eq "true"]').params).toEqual({ f0: true });
  });

  it('normalises dateTime values to the stored ISO format', () => {
    expect(compile('meta.created eq "2026-11-22T11:00:00+01:00"').params).toEqual({ f0: '2026-11-22T10:00:00.000Z' });
    expect(compile('meta.Created gt 2015-10-10T14:38:21.8617979-07:00')).toEqual({
      sql: 'i.created_at > :f0',
      params: { f0: '2015-10-10T21:38:21.861Z' },
    });
    // Sub-millisecond digits: ge becomes gt, lt becomes le, eq is never true.
    expect(compile('meta.created ge "2015-10-10T21:38:21.8617Z"').sql).toBe('i.created_at > :f0');
    expect(compile('meta.created lt "2015-10-10T21:38:21.8617Z"').sql).toBe('i.created_at <= :f0');
    expect(compile('meta.created eq "2015-10-10T21:38:21.8617Z"')).toEqual({ sql: '1 = 0', params: {} });
  });

  it('compiles eq null as "not present" and ne null as "present" (RFC 7644 §3.4.2.2)', () => {
    expect(compile('displayName eq null').sql).toBe("NOT ((i.display_name_lower IS NOT NULL AND i.display_name_lower <> ''))");
    expect(compile('displayName ne null').sql).toBe("NOT (NOT ((i.display_name_lower IS NOT NULL AND i.display_name_lower <> '')))");
  });
});

describe('compileUserFilter: errors', () => {
  const filterable =
    'filterable attributes are id, externalId, userName, displayName, name.formatted, name.givenName, name.familyName, ' +
    'emails, emails.value, emails.type, emails.primary, active, meta.created, meta.lastModified';

  it.each([
    ['title eq "x"', `Attribute "title" is not filterable; ${filterable}`],
    ['id eq "u1" and manager eq "m1"', 'Attribute "manager" is not filterable'],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1"', 'Attribute "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber" is not filterable'],
    ['urn:example:User:userName eq "x"', 'Attribute "urn:example:User:userName" is not filterable'],
    ['name eq "x"', 'Attribute "name" is not filterable'],
    ['emails[display eq "x"]', 'Attribute "emails.display" is not filterable'],
    ['emails[userName eq "x"]', 'Attribute "emails.userName" is not filterable'],
    ['phoneNumbers[type eq "work"].value eq "1"', 'Attribute "phoneNumbers" is not filterable'],
    ['userName[type eq "x"]', 'Attribute "userName" is neither multi-valued nor complex'],
    ['active gt true', 'Operator "gt" is not supported for the boolean attribute "active"; use eq, ne or pr'],
    ['active co "t"', 'Operator "co" is not supported for the boolean attribute "active"'],
    ['emails[primary lt true]', 'Operator "lt" is not supported for the boolean attribute "emails.primary"'],
    ['active eq "yes"', 'Attribute "active" is boolean; expected true or false'],
    ['active eq 1', 'Attribute "active" is boolean; expected true or false'],
    ['displayName eq true', 'Attribute "displayName" is a string; expected a quoted string value'],
    ['meta.created eq "yesterday"', 'Attribute "meta.created" is a dateTime; expected a value such as'],
    ['meta.created gt "2015-02-30T00:00:00Z"', 'is a dateTime'],
    ['meta.created gt 2015', 'is a dateTime'],
    ['meta.created sw "2015"', 'Operator "sw" is not supported for the dateTime attribute "meta.created"'],
    ['displayName gt null', 'Operator "gt" cannot compare "displayName" with null; use eq, ne or pr'],
  ])('%s → %s', (filter, detail) => {
    expect(compileError(filter)).toContain(detail);
  });
});

describe('parseDateTime', () => {
  it.each([
    ['2026-11-22T10:00:00.000Z', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22T10:00:00Z', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22t10:00:00z', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22T10:00:00', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22T10:00', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22', '2026-11-22T00:00:00.000Z'],
    ['2026-11-22T00:30:00+01:00', '2026-11-21T23:30:00.000Z'],
    ['2026-11-22T00:30:00-0130', '2026-11-22T02:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0099-01-01T00:00:00Z', '0099-01-01T00:00:00.000Z'],
  ])('%s → %s', (input, iso) => {
    expect(parseDateTime(input)).toEqual({ iso, inexact: false });
  });

  it.each([
    '2023-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-11-31',
    '2026-11-22T24:00:00Z',
    '2026-11-22T10:60:00Z',
    '2026-11-22T10:00:60Z',
    '2026-11-22T10:00:00+25:00',
    '9999-12-31T23:00:00-05:00',
    '1',
    'now',
    '2026-11-22 ',
    '+002026-11-22',
  ])('refuses %j', (input) => {
    expect(parseDateTime(input)).toBeUndefined();
  });

  it('flags sub-millisecond digits', () => {
    expect(parseDateTime('2015-10-10T14:38:21.8617979-07:00')).toEqual({ iso: '2015-10-10T21:38:21.861Z', inexact: true });
    expect(parseDateTime('2015-10-10T14:38:21.8610000Z')).toEqual({ iso: '2015-10-10T14:38:21.861Z', inexact: false });
  });
});

describe('compileUserSort', () => {
  it('defaults to creation order', () => {
    expect(compileUserSort(undefined, undefined, 'sqlite')).toEqual([{ expression: 'i.id', direction: 'ASC' }]);
    expect(compileUserSort('', 'descending', 'postgres')).toEqual([{ expression: 'i.id', direction: 'ASC' }]);
  });

  it('sorts by a column with COLLATE "C" on PostgreSQL and breaks ties by id', () => {
    expect(compileUserSort('userName', 'descending', 'postgres')).toEqual([
      { expression: 'i.user_name_lower COLLATE "C"', direction: 'DESC' },
      { expression: 'i.id', direction: 'DESC' },
    ]);
    expect(compileUserSort('META.CREATED', 'Ascending', 'sqlite')).toEqual([
      { expression: 'i.created_at', direction: 'ASC' },
      { expression: 'i.id', direction: 'ASC' },
    ]);
  });

  it('puts missing values last ascending and first descending (RFC 7644 §3.4.2.3)', () => {
    expect(compileUserSort('name.givenName', undefined, 'sqlite')[0]).toEqual({
      expression: 'i.given_name_lower',
      direction: 'ASC',
      nulls: 'NULLS LAST',
    });
    expect(compileUserSort('urn:ietf:params:scim:schemas:core:2.0:User:displayName', 'descending', 'sqlite')[0]).toEqual({
      expression: 'i.display_name_lower',
      direction: 'DESC',
      nulls: 'NULLS FIRST',
    });
  });

  it.each(['id', 'externalId', 'userName', 'displayName', 'name.givenName', 'name.familyName', 'meta.created', 'meta.lastModified'])('sorts by %s', (sortBy) => {
    expect(compileUserSort(sortBy, 'ascending', 'sqlite')).toHaveLength(2);
  });

  it.each(['title', 'emails', 'emails.value', 'active', 'name.formatted', 'urn:x:userName', 'userName; DROP TABLE users'])('refuses sortBy=%j with invalid_value', (sortBy) => {
    expect(() => compileUserSort(sortBy, undefined, 'sqlite')).toThrow(
      expect.objectContaining({ code: 'invalid_value', message: expect.stringContaining('sortable attributes are id, externalId, userName, displayName') }),
    );
  });

  it('refuses an unknown sortOrder with invalid_value', () => {
    expect(() => compileUserSort('userName', 'up', 'sqlite')).toThrow(expect.objectContaining({ code: 'invalid_value' }));
  });
});

describe('compileUserFilter: names that exist on Object.prototype', () => {
  it.each(['constructor eq "x"', '__proto__ eq "x"', 'toString pr', 'constructor[value eq "x"]', 'hasOwnProperty[type eq "x"].value eq "y"', 'emails[constructor eq "x"]', 'name.__proto__ eq "x"'])(
    'refuses %s as not filterable',
    (filter) => {
      let error: unknown;
      try {
        compileUserFilter(parseFilter(filter), { dialect: 'sqlite' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('invalid_filter');
      expect((error as DomainError).message).toMatch(/is not filterable|Invalid attribute path/);
    },
  );

  it('refuses constructor as a sort attribute', () => {
    expect(() => compileUserSort('constructor', undefined, 'sqlite')).toThrow('Cannot sort by "constructor"');
  });
});
