import { Prng } from '../support/prng.js';

/**
 * Generators of malformed SCIM requests for the fuzz test (quality.md "Bad input"). Each request is
 * derived from its own index and the seed only, so a failure is reproduced by its number whatever
 * the concurrency. Every write request carries at least one defect that must get it refused, so the
 * data must come out of the run unchanged.
 */

export interface Target {
  base: string;
  token: string;
  /** Ids of people that exist in this scope. */
  ids: string[];
  /** A token that is valid, but for another scope. */
  otherToken: string;
}

export interface FuzzRequest {
  category: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Would change data if it were accepted: it must be refused (4xx). */
  write: boolean;
}

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

const HOSTILE_VALUES = [
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  "x' UNION SELECT token_digest FROM scim_tokens --",
  "Robert'); DROP TABLE scim_identities;--",
  '%',
  '_',
  '%_%',
  '\\',
  '\\\\%',
  '*',
  '?',
  '[a-z]',
  '\u0000',
  'a\u0000b',
  '🚀',
  '👩‍👩‍👧‍👦',
  'Zoë 山田',
  '\u202e\u202dRTL',
  '\ufeffBOM',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '\r\nX-Injected: 1',
  ' ',
  '',
];

const ATTRIBUTES = [
  'userName',
  'UserName',
  'externalId',
  'id',
  'displayName',
  'name.givenName',
  'name.familyName',
  'name.formatted',
  'emails',
  'emails.value',
  'emails.type',
  'emails.primary',
  'active',
  'meta.created',
  'meta.lastModified',
  'title',
  'nickName',
  'password',
  'meta.version',
  'groups',
  'urn:ietf:params:scim:schemas:core:2.0:User:userName',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
  'constructor',
  '__proto__',
  'toString',
  'x',
  'name.__proto__',
  'emails.constructor',
];
const OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'EQ', 'Co', 'xx', 'like', '=', '==', 'in', ''];

/** JSON string literal, any content (NUL, surrogates) as escapes. */
const lit = (value: string) => JSON.stringify(value);

function hostileValue(r: Prng): string {
  if (r.chance(0.1)) return r.string('abcdefghijklmnopqrstuvwxyz%_\\"\'()[] ', r.int(0, 40));
  if (r.chance(0.05)) return '\ud800';
  return r.pick(HOSTILE_VALUES);
}

/** A filter: valid but hostile, invalid, huge or deeply nested. */
export function hostileFilter(r: Prng): string {
  const attr = () => r.pick(ATTRIBUTES);
  const compare = (): string => {
    const op = r.pick(OPERATORS);
    if (op === 'pr') return `${attr()} pr`;
    const value = r.pick([() => lit(hostileValue(r)), () => String(r.int(-5, 99999)), () => r.pick(['true', 'false', 'null', 'True']), () => hostileValue(r)])();
    return `${attr()} ${op} ${value}`;
  };
  const expression = (depth: number): string => {
    if (depth > 3 || r.chance(0.4)) return compare();
    switch (r.int(0, 5)) {
      case 0:
        return `${expression(depth + 1)} and ${expression(depth + 1)}`;
      case 1:
        return `${expression(depth + 1)} or ${expression(depth + 1)}`;
      case 2:
        return `not (${expression(depth + 1)})`;
      case 3:
        return `(${expression(depth + 1)})`;
      case 4:
        return `emails[${compare()}]${r.chance(0.5) ? `.value ${r.pick(OPERATORS)} ${lit(hostileValue(r))}` : ''}`;
      default:
        return `${attr()}[${expression(depth + 1)}]`;
    }
  };
  switch (r.int(0, 9)) {
    case 0: {
      const depth = r.pick([51, 200, 1000, 5000]);
      return '('.repeat(depth) + compare() + ')'.repeat(depth);
    }
    case 1:
      return `userName eq "${'a'.repeat(r.int(4090, 6000))}"`;
    case 2:
      return Array.from({ length: r.int(21, 60) }, () => 'emails.value eq "a@b.c"').join(' or ');
    case 3: {
      // Token soup: the grammar's own pieces in random order.
      const pieces = ['(', ')', '[', ']', '"', 'and', 'or', 'not', 'eq', 'pr', 'userName', '"x"', '.value', '\\"', ':', 'urn:', ' '];
      return Array.from({ length: r.int(1, 30) }, () => r.pick(pieces)).join(r.pick([' ', '']));
    }
    case 4:
      return compare().slice(0, r.int(0, 20));
    default:
      return expression(0);
  }
}

/** A PATCH path that is hostile, invalid or absurd. */
function hostilePath(r: Prng): string {
  return r.pick([
    () => `emails[type eq ${lit(hostileValue(r))}].value`,
    () => `emails[${'('.repeat(r.pick([51, 5000]))}type eq "work"${')'.repeat(50)}].value`,
    () => r.pick(['__proto__', 'constructor', '__proto__.polluted', 'constructor.prototype.polluted', 'toString']),
    () => `urn:${r.string('abc:.', r.int(0, 20))}:${r.pick(ATTRIBUTES)}`,
    () => `${r.pick(ATTRIBUTES)}[${hostileFilter(r)}]`,
    () => `name.givenName.${r.string('abc', 3)}`,
    () => `emails[type eq "work"`,
    () => `emails[type eq "work"]]`,
    () => 'meta.created',
    () => 'id',
    () => `a\u0000b`,
    () => hostileValue(r),
    () => 'x'.repeat(r.int(1000, 20000)),
  ])();
}

/** A value of a wrong or hostile type. */
function wrongValue(r: Prng, depth = 0): unknown {
  const deep = () => {
    let v: unknown = 1;
    for (let i = 0; i < r.int(40, 400); i++) v = r.chance(0.5) ? [v] : { a: v };
    return v;
  };
  return r.pick<() => unknown>([
    () => r.int(-1e9, 1e9),
    () => r.chance(0.5),
    () => null,
    () => [],
    () => ({}),
    () => hostileValue(r),
    () => 'x'.repeat(r.chance(0.05) ? r.int(100_000, 500_000) : r.int(256, 4000)),
    () => (depth < 2 ? [wrongValue(r, depth + 1), wrongValue(r, depth + 1)] : 'leaf'),
    () => (depth < 2 ? { [hostileValue(r)]: wrongValue(r, depth + 1) } : 'leaf'),
    deep,
    () => 1e308 * 10,
    () => -0,
  ])();
}

/** A User body with at least one defect that must get it refused. */
function defectiveUser(r: Prng): Record<string, unknown> {
  const n = r.int(0, 1e6);
  const user: Record<string, unknown> = {
    schemas: [USER_SCHEMA],
    userName: `fuzz${n}@fuzz.test`,
    externalId: `fuzz-new-${n}`,
    name: { givenName: 'Fuzz', familyName: `N${n}` },
    emails: [{ value: `fuzz${n}@fuzz.test`, type: 'work', primary: true }],
    active: true,
  };
  const defects: (() => void)[] = [
    () => delete user.userName,
    () => (user.userName = r.pick([42, true, [], {}, null, '', '   ', ['a@b.c']])),
    () => (user.userName = `${'u'.repeat(r.int(256, 5000))}@fuzz.test`),
    () => (user.userName = `${hostileValue(r) || 'x'}\u0000@fuzz.test`),
    () => (user.emails = [{ value: `${'e'.repeat(r.int(256, 3000))}@fuzz.test`, type: 'work' }]),
    () => (user.emails = Array.from({ length: r.int(101, 3000) }, (_, i) => ({ value: `e${i}@fuzz.test` }))),
    () => (user.emails = [r.pick([42, true, [1]])]),
    () => (user.emails = [{ value: r.pick([42, true, {}, []]) }]),
    () => (user.active = r.pick(['maybe', 2, {}, ['true'], 'yes'])),
    () => (user.name = r.pick([42, true, ['a'], 'plain string'])),
    () => (user.displayName = r.pick([42, true, { a: 1 }, ['x']])),
    () => (user.schemas = r.pick(['not-an-array', 42, [42], { a: 1 }])),
    () => (user.externalId = 'x'.repeat(r.int(256, 2000))),
    () => (user.phoneNumbers = Array.from({ length: r.int(101, 1000) }, (_, i) => ({ value: String(i) }))),
    () => {
      user.x = wrongValue(r);
      user.userName = 7;
    },
    () => {
      user['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'] = { employeeNumber: r.pick([42, true, { a: 1 }]) };
    },
  ];
  const count = r.int(1, 3);
  for (let i = 0; i < count; i++) r.pick(defects)();
  // Hostile extras ride along; the defects above decide the outcome.
  if (r.chance(0.5)) {
    // defineProperty: a plain assignment to `__proto__` would set the prototype, not send a member.
    const key = r.pick(['__proto__', 'constructor', 'x', 'adreses', 'meta', 'id', 'groups', 'password']);
    Object.defineProperty(user, key, { value: wrongValue(r), enumerable: true, writable: true, configurable: true });
  }
  return user;
}

/** A PATCH body that must be refused as a whole (its last operation at the latest fails). */
function defectivePatch(r: Prng): unknown {
  const op = (): Record<string, unknown> => {
    const o: Record<string, unknown> = { op: r.pick(['add', 'replace', 'remove', 'Add', 'Replace', 'REMOVE']) };
    if (r.chance(0.8)) o.path = r.chance(0.5) ? hostilePath(r) : r.pick(['title', 'displayName', 'name.givenName', 'emails[type eq "work"].value', 'active']);
    if (r.chance(0.8)) o.value = r.chance(0.5) ? wrongValue(r) : hostileValue(r);
    return o;
  };
  const fatal = (): Record<string, unknown> =>
    r.pick<() => Record<string, unknown>>([
      () => ({ op: r.pick(['frobnicate', '', 'ADDX', 42, null, 'test', 'move']), path: 'title', value: 'x' }),
      () => ({ op: 'replace', path: 'active', value: r.pick(['maybe', 2, {}, []]) }),
      () => ({ op: 'remove' }),
      () => ({ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }),
      () => ({ op: 'remove', path: 'userName' }),
      () => ({ op: 'replace', path: 'emails[type eq', value: 'x' }),
      () => ({ op: 'replace', path: r.pick([42, {}, []]), value: 'x' }),
      () => ({ op: 'replace', path: 'userName', value: 'u'.repeat(300) }),
    ])();
  const operations = Array.from({ length: r.int(0, 5) }, op);
  operations.push(fatal());
  return r.pick<() => unknown>([
    () => ({ schemas: [PATCH_OP], Operations: operations }),
    () => ({ schemas: [PATCH_OP], Operations: Array.from({ length: r.int(101, 400) }, () => ({ op: 'replace', path: 'title', value: 'x' })) }),
    () => ({ schemas: [PATCH_OP] }),
    () => ({ schemas: [PATCH_OP], Operations: r.pick([{}, 'x', 42, null, []]) }),
    // A body without schemas is GitLab's documented form and accepted; one naming another schema is not.
    () => ({ schemas: [USER_SCHEMA], Operations: operations.slice(0, -1).concat({ op: 'replace', path: 'title', value: 'x' }) }),
    () => ({ schemas: 'urn:wrong', Operations: [{ op: 'replace', path: 'title', value: 'x' }] }),
    () => operations,
  ])();
}

function brokenJson(r: Prng, valid: string): string {
  return r.pick<() => string>([
    () => valid.slice(0, r.int(0, Math.max(0, valid.length - 1))),
    () => valid.replace(/"/g, "'"),
    () => valid.replace('}', ',}'),
    () => `${valid}${r.pick([']', '}', ',', 'x', '\u0000'])}`,
    () => `{"userName": NaN, "x": Infinity}`,
    () => `{"userName": "a@b.c" /* comment */}`,
    () => `{"a":1,,"b":2}`,
    () => r.string('{}[]":,0123456789truefalsenull\\ ', r.int(1, 200)),
    () => '\ufeff{',
    () => '',
    () => ' ',
    () => '{"a": "\\x41"}',
    () => '{"a": "\\u12"}',
    () => `{"userName": "${'\\'.repeat(r.int(1, 9))}`,
  ])();
}

function withInvalidUtf8(r: Prng, text: string): Buffer {
  const bytes = Buffer.from(text);
  const bad = r.pick([[0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]]);
  const at = r.int(0, bytes.length);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
}

function oversized(r: Prng, write: boolean): Buffer {
  const size = 1024 * 1024 + r.int(1, 64 * 1024);
  const prefix = write ? '{"userName":"big@fuzz.test","x":"' : '{"filter":"userName pr","x":"';
  return Buffer.concat([Buffer.from(prefix), Buffer.alloc(size - prefix.length - 2, 'a'), Buffer.from('"}')]);
}

/** encodeURIComponent, except that an unpaired surrogate goes out as the bytes it would be in CESU-8. */
const enc = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return value
      .split('')
      .map((c) => (/[\ud800-\udfff]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c)))
      .join('');
  }
};
const json = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null');

/** Request number `index` of the run seeded with `seed`. */
export function fuzzRequest(seed: number, index: number, targets: Target[]): FuzzRequest {
  const r = new Prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const target = r.pick(targets);
  const { base } = target;
  const auth = { Authorization: `Bearer ${target.token}` };
  const scimJson = { ...auth, 'Content-Type': r.pick(['application/scim+json', 'application/json', 'application/scim+json; charset=utf-8']) };
  const existing = () => enc(r.pick(target.ids));
  const hostileId = () =>
    r.pick([
      () => enc(hostileValue(r) || 'empty'),
      () => '%00',
      () => '%FF%FE',
      () => '%ED%A0%80',
      () => '%E0%A4%A',
      () => enc('x'.repeat(r.int(256, 6000))),
      () => '..%2F..%2Fhealth',
      () => enc(`${r.pick(target.ids)}\u0000`),
      () => enc(`${r.pick(target.ids)} `),
      () => '%2525',
      () => enc('🚀'),
    ])();
  const usersPath = `${base}/Users`;
  /** POST goes to the collection, PUT and PATCH to an existing person. */
  const writeTo = (method: string) => (method === 'POST' ? usersPath : `${usersPath}/${existing()}`);
  const writeMethod = () => r.pick(['POST', 'PUT', 'PATCH']);

  switch (r.int(0, 15)) {
    case 0: {
      const method = writeMethod();
      return { category: 'broken JSON', method, path: writeTo(method), headers: scimJson, body: Buffer.from(brokenJson(r, JSON.stringify(defectiveUser(r)))), write: true };
    }
    case 1: {
      const depth = r.int(33, 20000);
      const open = r.chance(0.5) ? '[' : '{"a":';
      const close = open === '[' ? ']' : '}';
      const deep = open.repeat(depth) + '1' + close.repeat(depth);
      const body = r.chance(0.5) ? deep : `{"userName":"deep${index}@fuzz.test","externalId":"deep-${index}","x":${deep}}`;
      const method = r.pick(['POST', 'PUT']);
      return { category: 'deeply nested JSON', method, path: writeTo(method), headers: scimJson, body: Buffer.from(body), write: true };
    }
    case 2:
    case 3: {
      const method = r.pick(['POST', 'PUT']);
      return { category: 'wrong types in a User', method, path: writeTo(method), headers: scimJson, body: json(defectiveUser(r)), write: true };
    }
    case 4:
    case 5: {
      const headers: Record<string, string> = { ...scimJson };
      if (r.chance(0.2)) headers['If-Match'] = r.pick(['W/"999999"', '"x"', '*, W/"0"']);
      return { category: 'defective PATCH', method: 'PATCH', path: `${usersPath}/${r.chance(0.85) ? existing() : hostileId()}`, headers, body: json(defectivePatch(r)), write: true };
    }
    case 6: {
      const method = writeMethod();
      const valid =
        method === 'PATCH'
          ? { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'ok' }] }
          : { schemas: [USER_SCHEMA], userName: `u8-${index}@fuzz.test`, externalId: `u8-${index}` };
      return { category: 'invalid UTF-8', method, path: writeTo(method), headers: scimJson, body: withInvalidUtf8(r, JSON.stringify(valid)), write: true };
    }
    case 7:
    case 8: {
      const filter = hostileFilter(r);
      if (r.chance(0.5)) {
        // 5,000-deep parentheses stay under Node's 16 KiB header limit when sent unencoded.
        const encoded =
          filter.length > 4000
            ? filter
                .replace(/ /g, '%20')
                .replace(/"/g, '%22')
                .replace(/\u0000/g, '%00')
                .replace(/[^\x21-\x7e]/gu, (c) => enc(c))
            : enc(filter);
        return { category: 'hostile filter (GET)', method: 'GET', path: `${usersPath}?filter=${encoded.slice(0, 14000)}`, headers: auth, write: false };
      }
      return {
        category: 'hostile filter (.search)',
        method: 'POST',
        path: `${usersPath}/.search`,
        headers: scimJson,
        body: json({ schemas: [SEARCH], filter, startIndex: r.pick([1, -1, 'x', 1e300]), count: r.pick([0, 5, 1e9, -3]) }),
        write: false,
      };
    }
    case 9: {
      const method = r.pick(['GET', 'PUT', 'PATCH', 'DELETE']);
      const body =
        method === 'PUT' ? json({ userName: 'nobody@fuzz.test' }) : method === 'PATCH' ? json({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'x' }] }) : undefined;
      return { category: 'hostile id', method, path: `${usersPath}/${hostileId()}`, headers: body ? scimJson : auth, body, write: method !== 'GET' };
    }
    case 10: {
      const contentType = r.pick([
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=iso-8859-1',
        'application/json; charset=utf-16',
        'application/jsonx',
        '*/*',
        'application/scim+xml',
        '',
      ]);
      const headers: Record<string, string> = { ...auth };
      if (contentType !== '') headers['Content-Type'] = contentType;
      const valid = { schemas: [USER_SCHEMA], userName: `media${index}@fuzz.test`, externalId: `media-${index}` };
      const method = writeMethod();
      return {
        category: 'wrong media type',
        method,
        path: writeTo(method),
        headers,
        body: json(method === 'PATCH' ? { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'x' }] } : valid),
        write: true,
      };
    }
    case 11: {
      const headers: Record<string, string> = { ...scimJson, 'Content-Encoding': r.pick(['gzip', 'deflate', 'br', 'compress', 'x-unknown']) };
      return { category: 'bad content encoding', method: 'POST', path: usersPath, headers, body: json(defectiveUser(r)), write: true };
    }
    case 12: {
      const wrong: [string, string, boolean][] = [
        ['PATCH', usersPath, true],
        ['DELETE', usersPath, true],
        ['PUT', usersPath, true],
        ['POST', `${usersPath}/${existing()}`, true],
        ['POST', `${usersPath}/.search/x`, true],
        ['PUT', `${usersPath}/.search`, true],
        ['OPTIONS', usersPath, false],
        ['TRACE', usersPath, false],
        ['PUT', `${base}/ServiceProviderConfig`, true],
        ['DELETE', `${base}/Schemas`, true],
        ['PATCH', `${base}/ResourceTypes/User`, true],
        ['POST', `${base}/Bulk`, true],
        ['DELETE', `${base}/Me`, true],
        ['PUT', `${base}/Groups`, true],
        ['POST', `${base}/Groups/x`, true],
        ['GET', `${base}/${enc(hostileValue(r) || 'x')}`, false],
        ['DELETE', `${base}/Users/${existing()}/x`, true],
      ];
      const [method, path, write] = r.pick(wrong);
      return {
        category: 'wrong method or endpoint',
        method,
        path,
        headers: scimJson,
        body: method === 'GET' || method === 'OPTIONS' || method === 'TRACE' ? undefined : json({ schemas: [PATCH_OP], Operations: [] }),
        write,
      };
    }
    case 13: {
      // Each costs a MiB on both ends of the loopback; a few dozen cover the case.
      if (!r.chance(0.06)) break;
      const write = r.chance(0.5);
      return { category: 'oversized body', method: 'POST', path: write ? usersPath : `${usersPath}/.search`, headers: scimJson, body: oversized(r, write), write };
    }
    case 14: {
      const params = r.pick<() => string>([
        () => `count=${r.pick(['ten', '1.5', '1e3', '0x10', '', '-', '99999999999999999999999', '%00'])}`,
        () => `startIndex=${r.pick(['x', '1.5', '-99999999999999999999', '1e400'])}`,
        () => `sortBy=${enc(r.pick(['title', 'constructor', '__proto__', 'emails', 'emails.value', hostileValue(r)]))}`,
        () => `sortBy=userName&sortOrder=${enc(r.pick(['up', 'DESC', '1', hostileValue(r)]))}`,
        () => `cursor=${enc(r.pick(['x', 'eyJhZnRlciI6LTF9', 'bnVsbA', Buffer.from('{"after":1e400}').toString('base64url'), hostileValue(r)]))}`,
        () => `cursor=&startIndex=2`,
        () => `filter[a]=b`,
        () => `filter=a&filter=b`,
        () => `count[]=1`,
        () => `attributes=${enc('x'.repeat(r.int(2049, 5000)))}`,
        () => `excludedAttributes=${enc(r.pick(ATTRIBUTES))}&attributes=${enc(hostileValue(r))}`,
        () => `${'a[b]'.repeat(r.int(1, 30))}=1`,
      ])();
      return { category: 'bad query parameters', method: 'GET', path: `${usersPath}?${params}`, headers: auth, write: false };
    }
    case 15: {
      if (!r.chance(0.5)) break;
      const authorization = r.pick([
        undefined,
        '',
        'Bearer',
        'Bearer ',
        'non-token',
        `Basic ${Buffer.from('a:b').toString('base64')}`,
        `Bearer ${target.otherToken}`,
        `Bearer ${target.token}x`,
        `bearer  ${'x'.repeat(5000)}`,
        `Token ${target.token}`,
      ]);
      const headers: Record<string, string> = { 'Content-Type': 'application/scim+json' };
      if (authorization !== undefined) headers.Authorization = authorization;
      const method = r.pick(['GET', 'POST', 'DELETE']);
      return {
        category: 'bad credentials',
        method,
        path: method === 'POST' ? usersPath : `${usersPath}/${existing()}`,
        headers,
        body: method === 'POST' ? json({ userName: `auth${index}@fuzz.test` }) : undefined,
        write: method !== 'GET',
      };
    }
  }
  // Rarer categories fall back to a hostile filter.
  return { category: 'hostile filter (GET)', method: 'GET', path: `${usersPath}?filter=${enc(hostileFilter(r))}`, headers: auth, write: false };
}
