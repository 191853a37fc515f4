import { digestSecret, displayPrefix, generateSecret, PAT_PREFIX, safeEqual, SCIM_TOKEN_PREFIX } from './secret.js';

describe('secrets', () => {
  it('carry their kind prefix and at least 160 random bits', () => {
    const token = generateSecret(SCIM_TOKEN_PREFIX);
    expect(token.startsWith(SCIM_TOKEN_PREFIX)).toBe(true);
    const random = Buffer.from(token.slice(SCIM_TOKEN_PREFIX.length), 'base64url');
    expect(random.length * 8).toBeGreaterThanOrEqual(160);
  });

  it('are different every time', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generateSecret(PAT_PREFIX)));
    expect(seen.size).toBe(1000);
  });

  it('are stored as SHA-256 hex digests, never as themselves', () => {
    const token = generateSecret(PAT_PREFIX);
    const digest = digestSecret(token);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toContain(token.slice(PAT_PREFIX.length, PAT_PREFIX.length + 8));
  });

  it('show only a short display prefix', () => {
    const token = generateSecret(PAT_PREFIX);
    expect(displayPrefix(token, PAT_PREFIX)).toHaveLength(PAT_PREFIX.length + 4);
  });

  it('compare in constant time and by value', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
