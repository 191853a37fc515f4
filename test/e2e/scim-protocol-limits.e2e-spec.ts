import { loadConfig } from '../../src/config/app-config.js';
import { oktaUser, setUpGroup } from '../support/fixtures.js';
import { expectScimError, patchOp, ScimClient, scimClient, userPath } from '../support/scim-protocol-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * Limits and bad input at the HTTP edge (scim-api.md "Media types", "Errors"; quality.md "Limits"):
 * body size, media types, malformed and unstorable bodies, value sizes, and the per-token rate
 * limit — every refusal a SCIM error, with nothing stored.
 */

const MIB = 1024 * 1024;

async function rowCounts(t: TestApp) {
  const count = async (table: string) => Number((await t.sql<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  return { users: await count('users'), identities: await count('scim_identities'), emails: await count('scim_identity_emails') };
}

describe('SCIM request limits', () => {
  let t: TestApp;
  let scim: ScimClient;
  let base: string;
  let existing: ReturnType<typeof oktaUser>;

  beforeAll(async () => {
    t = await startTestApp();
    const g = await setUpGroup(t, 'acme');
    base = g.base;
    scim = scimClient(t, g.base, g.scimToken);
    existing = oktaUser();
    await scim.create(existing);
  });
  afterAll(async () => t.close());

  const raw = (method: 'post' | 'put' | 'patch', path: string, contentType: string | undefined, body: string | Buffer) => {
    const req = t.http()[method](`${base}${path}`).set('Authorization', `Bearer ${scim.token}`);
    if (contentType !== undefined) req.set('Content-Type', contentType);
    // Bytes go out as they are (superagent would otherwise JSON-encode a Buffer).
    if (Buffer.isBuffer(body)) req.serialize((b: unknown) => b as string);
    return req.send(body);
  };

  describe('body size', () => {
    /** A JSON body of exactly `bytes` bytes: a search whose padding is an ignored member. */
    const searchOf = (bytes: number) => {
      const shell = JSON.stringify({ filter: 'userName pr', padding: '' });
      return shell.replace('"padding":""', `"padding":"${'a'.repeat(bytes - shell.length)}"`);
    };

    it('accepts a body of exactly 1 MiB', async () => {
      const body = searchOf(MIB);
      expect(Buffer.byteLength(body)).toBe(MIB);
      const res = await raw('post', '/Users/.search', 'application/scim+json', body).expect(200);
      expect(res.body.totalResults).toBe(1);
    });

    it.each([
      ['post', '/Users'],
      ['post', '/Users/.search'],
      ['put', '/Users/x'],
      ['patch', '/Users/x'],
    ] as const)('refuses %s %s over 1 MiB with 413 and stores nothing', async (method, path) => {
      const before = await rowCounts(t);
      const res = await raw(method, path, 'application/scim+json', searchOf(MIB + 1));
      expectScimError(res, 413);
      expect(res.body.detail).toBe('The request body is larger than 1 MiB');
      expect(await rowCounts(t)).toEqual(before);
    });
  });

  describe('media types', () => {
    it.each(['application/scim+json', 'application/json', 'application/scim+json; charset=utf-8', 'application/json;charset=UTF-8', 'Application/SCIM+JSON'])('accepts %s', async (contentType) => {
      const res = await raw('post', '/Users', contentType, JSON.stringify(oktaUser()));
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    });

    it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'application/json; charset=iso-8859-1', 'multipart/form-data; boundary=x', undefined])(
      'refuses %s with 415 and stores nothing',
      async (contentType) => {
        const before = await rowCounts(t);
        expectScimError(await raw('post', '/Users', contentType, JSON.stringify(oktaUser())), 415);
        expect(await rowCounts(t)).toEqual(before);
      },
    );
  });

  describe('malformed bodies', () => {
    it.each([
      ['broken JSON', '{"userName": "a@b.c",', 'invalidSyntax'],
      ['a JSON array', '[{"userName":"a@b.c"}]', 'invalidSyntax'],
      ['a JSON string', '"a@b.c"', 'invalidSyntax'],
      ['a number', '42', 'invalidSyntax'],
      ['null', 'null', 'invalidSyntax'],
      ['deep nesting', `{"userName":"d@x.com","x":${'{"a":'.repeat(20000)}1${'}'.repeat(20000)}}`, 'invalidValue'],
      ['deep arrays', '['.repeat(100000) + ']'.repeat(100000), 'invalidSyntax'],
      ['a NUL character', JSON.stringify(oktaUser({ userName: 'nul\u0000@x.com' })), 'invalidValue'],
      ['an unpaired surrogate', JSON.stringify(oktaUser()).replace('"Pat"', '"\\ud800"'), 'invalidValue'],
    ])('refuses %s with 400 and stores nothing', async (_label, body, scimType) => {
      const before = await rowCounts(t);
      expectScimError(await raw('post', '/Users', 'application/scim+json', body), 400, scimType);
      expectScimError(await raw('put', userPath(existing.externalId), 'application/scim+json', body), 400);
      expect(await rowCounts(t)).toEqual(before);
    });

    it('refuses invalid UTF-8 bytes instead of storing replacement characters', async () => {
      const before = await rowCounts(t);
      const text = JSON.stringify(oktaUser({ userName: 'XX@x.com' }));
      const bytes = Buffer.from(text);
      const at = bytes.indexOf('XX');
      bytes[at] = 0xff;
      bytes[at + 1] = 0xfe;
      const res = await raw('post', '/Users', 'application/scim+json', bytes);
      expectScimError(res, 400, 'invalidSyntax');
      expect(res.body.detail).toBe('The request body is not valid UTF-8');
      expect(await rowCounts(t)).toEqual(before);
    });

    it('refuses a PATCH body with invalid syntax, with the path of the NUL in the detail', async () => {
      const res = await scim.patch(userPath(existing.externalId), patchOp({ op: 'replace', path: 'title', value: 'a\u0000b' }));
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.detail).toBe('The request body contains a NUL character or an unpaired surrogate (Operations[0].value)');
    });
  });

  describe('value sizes', () => {
    it.each([
      ['userName over 255 characters', { userName: `${'u'.repeat(250)}@x.com` }, /userName is longer than 255 characters/],
      ['an email over 255 characters', { emails: [{ value: `${'e'.repeat(300)}@x.com`, type: 'work' }] }, /emails.value is longer than 255 characters/],
      ['more than 100 emails', { emails: Array.from({ length: 101 }, (_, i) => ({ value: `e${i}@x.com` })) }, /emails holds 101 values; at most 100/],
      ['more than 100 phone numbers', { phoneNumbers: Array.from({ length: 5000 }, (_, i) => ({ value: `${i}` })) }, /phoneNumbers holds 5000 values/],
      ['externalId over 255 characters', { externalId: 'x'.repeat(256) }, /externalId is longer than 255 characters/],
    ])('refuses %s with 400 invalidValue and a short detail', async (_label, overrides, detail) => {
      const before = await rowCounts(t);
      const res = await scim.post('/Users', oktaUser(overrides));
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.detail).toMatch(detail);
      expect(res.body.detail.length).toBeLessThan(200);
      expect(await rowCounts(t)).toEqual(before);
    });

    it('answers an id longer than any extern_uid, or holding NUL, with 404 without querying for it', async () => {
      for (const id of ['x'.repeat(5000), 'a\u0000b']) {
        const res = await scim.get(userPath(id));
        expectScimError(res, 404);
        expect(res.body.detail.length).toBeLessThan(200);
      }
    });
  });
});

describe('SCIM per-token rate limit', () => {
  it('defaults to 50 requests/s with bursts of 200, and SCIM_RATE_LIMIT=0 turns it off', () => {
    expect(loadConfig({})).toMatchObject({ scimRateLimitPerSecond: 50, scimRateLimitBurst: 200 });
    expect(loadConfig({ SCIM_RATE_LIMIT: '0' }).scimRateLimitPerSecond).toBe(0);
    expect(() => loadConfig({ SCIM_RATE_LIMIT: 'fast' })).toThrow('SCIM_RATE_LIMIT must be a whole number');
  });

  it('answers 429 with Retry-After once a token has spent its burst, per token, and recovers', async () => {
    // 1 request/s after a burst of 5: twelve quick requests would need 7 s to all pass.
    const t = await startTestApp({ SCIM_RATE_LIMIT: '1', SCIM_RATE_LIMIT_BURST: '5' });
    try {
      const g1 = await setUpGroup(t, 'one');
      const g2 = await setUpGroup(t, 'two');
      const one = scimClient(t, g1.base, g1.scimToken);
      const two = scimClient(t, g2.base, g2.scimToken);
      const statuses: number[] = [];
      let limited;
      for (let i = 0; i < 12; i++) {
        const res = await one.get('/Users');
        statuses.push(res.status);
        if (res.status === 429) limited = res;
      }
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(5)).toContain(429);
      expectScimError(limited!, 429);
      expect(Number(limited!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(limited!.body.detail).toBe('Too many requests for this SCIM token; retry later');
      // Another token has its own bucket.
      expect((await two.get('/Users')).status).toBe(200);
      // 1 request/s: after a second the first token may go on.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await one.get('/Users')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
