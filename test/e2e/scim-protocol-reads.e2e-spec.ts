import { setUpGroup, setUpInstance } from '../support/fixtures.js';
import { createPlatformUser } from '../support/platform-users.js';
import { expectScimError, LIST_RESPONSE, patchOp, ScimClient, scimClient, SEARCH_REQUEST, userPath } from '../support/scim-protocol-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * Reading Users end to end through HTTP (scim-api.md "Reading", RFC 7644 §3.4): the filter grammar
 * as compiled to SQL, sorting, index and cursor paging, attribute projection and POST .search, at
 * group scope (a dotted group path) and at instance scope.
 */

// userName → the people every scope is loaded with; ids are their externalIds.
const PEOPLE = [
  {
    userName: 'Alice@Example.com',
    externalId: 'A1B2-C3',
    name: { givenName: 'Alice', familyName: 'Liddell', formatted: 'Alice Liddell' },
    displayName: 'Alice Liddell',
    title: 'Explorer',
    emails: [
      { value: 'Alice@Example.com', type: 'work', primary: true },
      { value: 'alice@home.org', type: 'home' },
    ],
  },
  { userName: 'bob@example.com', externalId: 'b-2', name: { givenName: 'Bob', familyName: 'Builder' }, displayName: 'Bob', emails: [{ value: 'bob@example.com', type: 'work' }] },
  { userName: 'Zoë@例え.jp', externalId: 'zoe-3', name: { givenName: 'Zoë', familyName: '山田' }, displayName: 'Zoë 山田 🚀', emails: [{ value: 'Zoë@例え.jp', type: 'Work' }] },
  { userName: '100%_sure@x.com', externalId: 'pct_4', name: { givenName: 'Per', familyName: "O'Brien" }, displayName: '50% off_deal', emails: [{ value: '100%_sure@x.com', type: 'other' }] },
  { userName: 'quote@x.com', externalId: 'q-5', name: { givenName: 'Quinn', familyName: 'Back\\slash' }, displayName: 'Say "hi"', emails: [{ value: 'quote@x.com', type: 'work' }] },
  // Okta's userName is not an email here; the platform account (made first) is found by its email.
  { userName: 'okta-carol', externalId: '00u7carol', name: { givenName: 'Carol', familyName: 'Danvers' }, displayName: 'Carol', emails: [{ value: 'carol@corp.com', type: 'work' }] },
];
const NAMES = PEOPLE.map((p) => p.userName);

const SCOPES = [
  ['group scope (dotted path)', async (t: TestApp) => setUpGroup(t, 'acme.eu')],
  ['instance scope', async (t: TestApp) => setUpInstance(t)],
] as const;

describe.each(SCOPES)('SCIM reads at %s', (_scope, setUp) => {
  let t: TestApp;
  let scim: ScimClient;
  const created: Record<string, Record<string, any>> = {};

  beforeAll(async () => {
    t = await startTestApp();
    const { base, scimToken } = await setUp(t);
    scim = scimClient(t, base, scimToken);
    await createPlatformUser(t, 'carol@corp.com', 'Carol Danvers');
    for (const person of PEOPLE) created[person.userName] = await scim.create({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], ...person });
    // A deprovisioned person stays readable (scim-api.md "Reading").
    await scim.patch(userPath('b-2'), patchOp({ op: 'replace', path: 'active', value: false })).expect(204);
  });
  afterAll(async () => t.close());

  const names = async (filter: string) => (await scim.find(filter)).Resources.map((r) => r.userName as string).sort();
  const sorted = (...list: string[]) => [...list].sort();

  describe('filters', () => {
    it.each([
      ['userName eq "alice@example.com"', ['Alice@Example.com']],
      ['userName eq "ALICE@EXAMPLE.COM"', ['Alice@Example.com']],
      ['UserName EQ "zoË@例え.JP"', ['Zoë@例え.jp']],
      ['userName ne "alice@example.com"', NAMES.filter((n) => n !== 'Alice@Example.com')],
      ['userName co "EXAMPLE"', ['Alice@Example.com', 'bob@example.com']],
      ['userName sw "b"', ['bob@example.com']],
      ['userName ew ".JP"', ['Zoë@例え.jp']],
      ['userName gt "q"', ['quote@x.com', 'Zoë@例え.jp']],
      ['userName ge "quote@x.com"', ['quote@x.com', 'Zoë@例え.jp']],
      ['userName lt "b"', ['100%_sure@x.com', 'Alice@Example.com']],
      ['userName le "alice@example.com"', ['100%_sure@x.com', 'Alice@Example.com']],
      ['userName pr', NAMES],
      ['title pr', 'invalid'],
      ['externalId eq "a1b2-c3"', ['Alice@Example.com']],
      ['id eq "A1B2-C3"', ['Alice@Example.com']],
      ['externalId sw "PCT_"', ['100%_sure@x.com']],
      ['displayName eq "Say \\"hi\\""', ['quote@x.com']],
      ['displayName co "🚀"', ['Zoë@例え.jp']],
      ['displayName eq "zoë 山田 \\ud83d\\ude80"', ['Zoë@例え.jp']],
      ['name.familyName eq "O\'Brien"', ['100%_sure@x.com']],
      ['name.familyName co "\\\\"', ['quote@x.com']],
      ['name.givenName sw "a"', ['Alice@Example.com']],
      ['name.formatted pr', ['Alice@Example.com']],
      ['name[givenName eq "alice" and familyName eq "LIDDELL"]', ['Alice@Example.com']],
      ['emails eq "alice@home.org"', ['Alice@Example.com']],
      ['emails.value co "@X.COM"', ['100%_sure@x.com', 'quote@x.com']],
      ['emails[type eq "work"].value eq "ZOË@例え.jp"', ['Zoë@例え.jp']],
      ['emails[type eq "work"].value eq "alice@home.org"', []],
      ['emails[type eq "home" and value co "@home"]', ['Alice@Example.com']],
      ['emails[type eq "work" or type eq "other"].value ew ".com"', ['100%_sure@x.com', 'Alice@Example.com', 'bob@example.com', 'okta-carol', 'quote@x.com']],
      ['active eq false', ['bob@example.com']],
      ['active eq "False"', ['bob@example.com']],
      ['active ne true', ['bob@example.com']],
      ['meta.created gt "2000-01-01T00:00:00Z"', NAMES],
      ['meta.lastModified lt "2000-01-01T00:00:00Z"', []],
      ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bob@example.com"', ['bob@example.com']],
      // Logic: `not` binds tightest, then `and`, then `or`.
      ['userName sw "a" or userName sw "b" and active eq true', ['Alice@Example.com']],
      ['(userName sw "a" or userName sw "b") and active eq true', ['Alice@Example.com']],
      ['(userName sw "a" or userName sw "b") and not (active eq true)', ['bob@example.com']],
      ['not (emails[type eq "work"]) and not (userName eq "zoë@例え.jp")', ['100%_sure@x.com']],
      ['userName eq "a" and externalId eq "b"', []],
      ['userName eq "bob@example.com" and externalId eq "B-2"', ['bob@example.com']],
      // LIKE metacharacters match literally (quality.md: `%` and `_` escaped).
      ['userName co "%"', ['100%_sure@x.com']],
      ['displayName co "_"', ['100%_sure@x.com']],
      ['userName sw "_"', []],
      ['displayName ew "%"', []],
      // scim-api.md: userName eq also finds the identity whose platform account has this username or email.
      ['userName eq "carol@corp.com"', ['okta-carol']],
      ['userName eq "CAROL"', ['okta-carol']],
      ['userName ne "carol@corp.com"', NAMES.filter((n) => n !== 'okta-carol')],
      // Microsoft's reference material writes values unquoted.
      ['externalId eq pct_4', ['100%_sure@x.com']],
    ])('%s', async (filter, expected) => {
      if (expected === 'invalid') {
        expectScimError(await scim.get('/Users', { filter }), 400, 'invalidFilter');
        return;
      }
      expect(await names(filter)).toEqual(sorted(...(expected as string[])));
    });

    it('decodes %20 and + alike in the query string (both Okta encodings)', async () => {
      const a = await scim.get('/Users?filter=userName%20eq%20%22bob%40example.com%22&startIndex=1&count=100').expect(200);
      const b = await scim.get('/Users?filter=userName+eq+%22bob%40example.com%22&startIndex=1&count=100').expect(200);
      expect(a.body.totalResults).toBe(1);
      expect(b.body).toEqual(a.body);
    });

    it('ignores unknown query parameters such as Entra flags', async () => {
      const res = await scim.get('/Users?aadOptscim062020&filter=userName%20eq%20%22bob%40example.com%22&x-custom=1').expect(200);
      expect(res.body.totalResults).toBe(1);
    });

    it('answers a lookup that finds nothing with 200 and an empty ListResponse, never 404', async () => {
      const res = await scim.get('/Users', { filter: 'userName eq "7d8e9f1a-2b3c-4d5e-8f90-a1b2c3d4e5f6"' }).expect(200);
      expect(res.headers['content-type']).toBe('application/scim+json; charset=utf-8');
      expect(res.body).toEqual({ schemas: [LIST_RESPONSE], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
    });

    it.each([
      ['userName eq', /Expected a value after "eq" at position 11/],
      ['userName eq "x" and', /Unexpected end of filter at position 19/],
      ['userName xx "x"', /Expected an operator after "userName" at position 9, found "xx"/],
      ['(userName eq "x"', /to close the "\(" at position 0/],
      ['userName eq "unterminated', /Unterminated string starting at position 12/],
      ['title eq "x"', /Attribute "title" is not filterable; filterable attributes are id, externalId, userName/],
      ['userName eq "x" garbage', /Unexpected token "garbage" at position 16/],
      ['not userName eq "x"', /expected "\(" after "not"/],
      ['emails[type eq "work"', /to close the "\[" at position 6/],
      ['active gt true', /Operator "gt" is not supported for the boolean attribute "active"/],
      ['meta.created gt "yesterday"', /is a dateTime/],
      ['FOO', /Expected an operator after "FOO"/],
    ])('refuses %j with 400 invalidFilter saying what and where', async (filter, detail) => {
      const res = await scim.get('/Users', { filter });
      expectScimError(res, 400, 'invalidFilter');
      expect(res.body.detail).toMatch(detail);
    });

    it('refuses a filter longer than 4 KiB, and one with more subqueries than allowed', async () => {
      const long = `userName eq "${'a'.repeat(4100)}"`;
      const res = await scim.post('/Users/.search', { schemas: [SEARCH_REQUEST], filter: long });
      expectScimError(res, 400, 'invalidFilter');
      expect(res.body.detail).toBe('Filter is longer than 4096 characters');
      const complex = Array.from({ length: 21 }, (_, i) => `emails.value eq "${i}@x.com"`).join(' or ');
      const tooComplex = await scim.get('/Users', { filter: complex });
      expectScimError(tooComplex, 400, 'invalidFilter');
      expect(tooComplex.body.detail).toMatch(/too complex/);
    });

    it('refuses nesting deeper than 50 levels without exhausting the stack', async () => {
      // 5,000 levels: sent raw, so the URL stays under Node's header limit.
      const deep = '('.repeat(5000) + 'userName eq "a"' + ')'.repeat(5000);
      const res = await scim.get(`/Users?filter=${deep.replaceAll(' ', '%20').replaceAll('"', '%22')}`);
      expectScimError(res, 400, 'invalidFilter');
      const viaSearch = await scim.post('/Users/.search', { filter: '('.repeat(1000) + 'userName eq "a"' + ')'.repeat(1000) });
      expectScimError(viaSearch, 400, 'invalidFilter');
      expect(viaSearch.body.detail).toMatch(/nested more than 50 levels/);
    });

    it('returns deprovisioned users by id and by filter, with active false', async () => {
      const byId = await scim.get(userPath('B-2')).expect(200);
      expect(byId.body).toMatchObject({ id: 'b-2', active: false });
      const byFilter = await scim.find('userName eq "bob@example.com"');
      expect(byFilter.Resources[0]).toMatchObject({ id: 'b-2', active: false });
    });
  });

  describe('sorting and paging', () => {
    it.each([
      ['userName', 'ascending', ['100%_sure@x.com', 'Alice@Example.com', 'bob@example.com', 'okta-carol', 'quote@x.com', 'Zoë@例え.jp']],
      ['userName', 'descending', ['Zoë@例え.jp', 'quote@x.com', 'okta-carol', 'bob@example.com', 'Alice@Example.com', '100%_sure@x.com']],
      ['name.familyName', 'ascending', ['quote@x.com', 'bob@example.com', 'okta-carol', 'Alice@Example.com', '100%_sure@x.com', 'Zoë@例え.jp']],
      ['meta.created', 'descending', [...NAMES].reverse()],
      ['externalId', 'ascending', ['okta-carol', 'Alice@Example.com', 'bob@example.com', '100%_sure@x.com', 'quote@x.com', 'Zoë@例え.jp']],
    ])('sorts by %s %s', async (sortBy, sortOrder, expected) => {
      const res = await scim.get('/Users', { sortBy, sortOrder, attributes: 'userName' }).expect(200);
      expect(res.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(expected);
    });

    it('keeps creation order without sortBy, and refuses an unknown sortBy or sortOrder', async () => {
      const res = await scim.get('/Users').expect(200);
      expect(res.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(NAMES);
      expectScimError(await scim.get('/Users', { sortBy: 'title' }), 400, 'invalidValue');
      expectScimError(await scim.get('/Users', { sortBy: 'userName', sortOrder: 'sideways' }), 400, 'invalidValue');
    });

    it('pages with startIndex and count, itemsPerPage being what was returned', async () => {
      const seen: string[] = [];
      for (const startIndex of [1, 3, 5]) {
        const res = await scim.get('/Users', { startIndex, count: 2 }).expect(200);
        expect(res.body).toMatchObject({ totalResults: 6, startIndex, itemsPerPage: 2 });
        seen.push(...res.body.Resources.map((r: { userName: string }) => r.userName));
      }
      expect(seen).toEqual(NAMES);
      const past = await scim.get('/Users', { startIndex: 99, count: 2 }).expect(200);
      expect(past.body).toMatchObject({ totalResults: 6, startIndex: 99, itemsPerPage: 0, Resources: [] });
    });

    it('treats startIndex < 1 as 1, count < 0 as 0, and clamps count to 1000', async () => {
      const low = await scim.get('/Users', { startIndex: -5, count: -1 }).expect(200);
      expect(low.body).toMatchObject({ totalResults: 6, startIndex: 1, itemsPerPage: 0, Resources: [] });
      const zero = await scim.get('/Users', { count: 0 }).expect(200);
      expect(zero.body).toMatchObject({ totalResults: 6, itemsPerPage: 0, Resources: [] });
      const huge = await scim.get('/Users', { count: '100000000000000000000' }).expect(200);
      expect(huge.body).toMatchObject({ totalResults: 6, itemsPerPage: 6 });
      const far = await scim.get('/Users', { startIndex: '99999999999999999999999' }).expect(200);
      expect(far.body).toMatchObject({ totalResults: 6, startIndex: Number.MAX_SAFE_INTEGER, itemsPerPage: 0, Resources: [] });
      expectScimError(await scim.get('/Users', { count: 'ten' }), 400, 'invalidValue');
    });

    it('pages with cursors (RFC 9865): nextCursor while more remain, none on the last page', async () => {
      const seen: string[] = [];
      let cursor = '';
      for (let page = 0; page < 10; page++) {
        const res = await scim.get('/Users', { cursor, count: 4 }).expect(200);
        expect(res.body.totalResults).toBe(6);
        expect(res.body.startIndex).toBeUndefined();
        seen.push(...res.body.Resources.map((r: { userName: string }) => r.userName));
        if (!res.body.nextCursor) break;
        cursor = res.body.nextCursor;
      }
      expect(seen).toEqual(NAMES);
    });

    it('pages with cursors in a sort order, and refuses a forged cursor', async () => {
      const first = await scim.get('/Users', { cursor: '', count: 3, sortBy: 'userName', sortOrder: 'descending' }).expect(200);
      const second = await scim.get('/Users', { cursor: first.body.nextCursor, count: 3, sortBy: 'userName', sortOrder: 'descending' }).expect(200);
      expect(second.body.nextCursor).toBeUndefined();
      expect([...first.body.Resources, ...second.body.Resources].map((r: { userName: string }) => r.userName)).toEqual([
        'Zoë@例え.jp',
        'quote@x.com',
        'okta-carol',
        'bob@example.com',
        'Alice@Example.com',
        '100%_sure@x.com',
      ]);
      expectScimError(await scim.get('/Users', { cursor: 'bm90LWEtY3Vyc29y' }), 400, 'invalidCursor');
      expectScimError(await scim.get('/Users', { cursor: '', startIndex: 2 }), 400, 'invalidValue');
    });
  });

  describe('attributes and excludedAttributes', () => {
    const keys = (resource: Record<string, unknown>) => Object.keys(resource).sort();

    it('projects GET Users/:id, always keeping id and schemas', async () => {
      const res = await scim.get(userPath('A1B2-C3'), { attributes: 'userName,name.givenName' }).expect(200);
      expect(res.body).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'A1B2-C3', userName: 'Alice@Example.com', name: { givenName: 'Alice' } });
      const excluded = await scim.get(userPath('A1B2-C3'), { excludedAttributes: 'name,emails,id,schemas,meta' }).expect(200);
      expect(keys(excluded.body)).toEqual(['active', 'displayName', 'externalId', 'id', 'schemas', 'title', 'userName']);
    });

    it('projects the list, with URN-qualified and sub-attribute names in any case', async () => {
      const res = await scim.get('/Users', { filter: 'userName eq "alice@example.com"', attributes: 'urn:ietf:params:scim:schemas:core:2.0:User:USERNAME,Emails.Value' }).expect(200);
      expect(res.body.Resources).toEqual([
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'A1B2-C3', userName: 'Alice@Example.com', emails: [{ value: 'Alice@Example.com' }, { value: 'alice@home.org' }] },
      ]);
    });

    it('projects POST Users/.search from the SearchRequest body, with the same results as GET', async () => {
      const body = { schemas: [SEARCH_REQUEST], filter: 'emails co "example"', sortBy: 'userName', startIndex: 1, count: 1, attributes: ['userName'] };
      const res = await scim.post('/Users/.search', body).expect(200);
      expect(res.body).toEqual({
        schemas: [LIST_RESPONSE],
        totalResults: 2,
        startIndex: 1,
        itemsPerPage: 1,
        Resources: [{ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'A1B2-C3', userName: 'Alice@Example.com' }],
      });
      const viaGet = await scim.get('/Users', { filter: body.filter, sortBy: 'userName', startIndex: 1, count: 1, attributes: 'userName' }).expect(200);
      expect(viaGet.body).toEqual(res.body);
      const excluded = await scim.post('/Users/.search', { excludedAttributes: ['emails', 'name', 'meta'], filter: 'externalId eq "q-5"' }).expect(200);
      expect(keys(excluded.body.Resources[0])).toEqual(['active', 'displayName', 'externalId', 'id', 'schemas', 'userName']);
    });

    it('projects the responses of POST and PUT', async () => {
      const post = await scim.post('/Users', { userName: 'proj@x.com', externalId: 'proj-1', name: { givenName: 'P', familyName: 'J' } }, { attributes: 'userName' }).expect(201);
      expect(post.body).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'proj-1', userName: 'proj@x.com' });
      expect(post.headers.location).toMatch(/\/Users\/proj-1$/);
      const put = await scim.put(userPath('proj-1'), { userName: 'proj@x.com', name: { givenName: 'P2' } }, { excludedAttributes: 'name,meta' }).expect(200);
      expect(put.body).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'proj-1', externalId: 'proj-1', userName: 'proj@x.com', active: true });
      await scim.delete(userPath('proj-1')).expect(204);
    });

    it('refuses an attributes list that is not text', async () => {
      expectScimError(await scim.post('/Users/.search', { attributes: [{ a: 1 }] }), 400, 'invalidValue');
    });
  });

  describe('ETags (meta.version)', () => {
    it('answers GET with an ETag equal to meta.version, and If-None-Match with 304', async () => {
      const res = await scim.get(userPath('q-5')).expect(200);
      expect(res.headers.etag).toBe(res.body.meta.version);
      expect(res.body.meta.version).toMatch(/^W\/"\d+"$/);
      const same = await scim.get(userPath('q-5')).set('If-None-Match', res.body.meta.version);
      expect(same.status).toBe(304);
      expect(same.text ?? '').toBe('');
      expect(same.headers.etag).toBe(res.body.meta.version);
      expect((await scim.get(userPath('q-5')).set('If-None-Match', '*')).status).toBe(304);
      expect((await scim.get(userPath('q-5')).set('If-None-Match', res.body.meta.version.slice(2))).status).toBe(304);
      expect((await scim.get(userPath('q-5')).set('If-None-Match', 'W/"999"')).status).toBe(200);
    });

    it('refuses PUT, PATCH and DELETE with a stale If-Match (412) and changes nothing', async () => {
      const before = await scim.get(userPath('q-5')).expect(200);
      const stale = 'W/"999"';
      expectScimError(await scim.put(userPath('q-5'), { userName: 'quote@x.com', displayName: 'Changed' }).set('If-Match', stale), 412);
      expectScimError(await scim.patch(userPath('q-5'), patchOp({ op: 'replace', path: 'displayName', value: 'Changed' })).set('If-Match', stale), 412);
      expectScimError(await scim.delete(userPath('q-5')).set('If-Match', stale), 412);
      const after = await scim.get(userPath('q-5')).expect(200);
      expect(after.body).toEqual(before.body);
    });

    it('accepts a current If-Match, and every change moves meta.version on', async () => {
      const before = await scim.get(userPath('q-5')).expect(200);
      await scim
        .patch(userPath('q-5'), patchOp({ op: 'replace', path: 'nickName', value: 'Q' }))
        .set('If-Match', before.body.meta.version)
        .expect(204);
      const after = await scim.get(userPath('q-5')).expect(200);
      expect(after.body.nickName).toBe('Q');
      expect(after.body.meta.version).not.toBe(before.body.meta.version);
      const put = await scim
        .put(userPath('q-5'), { ...after.body, nickName: 'Quinny' })
        .set('If-Match', after.body.meta.version)
        .expect(200);
      expect(put.headers.etag).toBe(put.body.meta.version);
      expect(put.body.meta.version).not.toBe(after.body.meta.version);
      expectScimError(await scim.patch(userPath('q-5'), patchOp({ op: 'replace', path: 'nickName', value: 'x' })).set('If-Match', after.body.meta.version), 412);
    });
  });
});
