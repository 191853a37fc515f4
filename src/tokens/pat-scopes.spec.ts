import { isExpired, parseStoredScopes, scopesAllow } from './pat-scopes.js';

describe('scopesAllow', () => {
  it.each([
    // [scopes, method, path, allowed]
    [['api'], 'POST', '/api/v4/groups', true],
    [['api'], 'DELETE', '/api/v4/users/3', true],
    [['read_api'], 'GET', '/api/v4/groups/1/members', true],
    [['read_api'], 'HEAD', '/api/v4/groups', true],
    [['read_api'], 'POST', '/api/v4/groups', false],
    [['read_api'], 'PUT', '/api/v4/users/3', false],
    [['read_api'], 'DELETE', '/api/v4/groups/1/saml/abc', false],
    [['read_user'], 'GET', '/api/v4/user', true],
    [['read_user'], 'GET', '/api/v4/users', true],
    [['read_user'], 'GET', '/api/v4/users/7', true],
    [['read_user'], 'GET', '/api/v4/usersx', false],
    [['read_user'], 'GET', '/api/v4/groups', false],
    [['read_user'], 'POST', '/api/v4/users/7/block', false],
    [['read_user', 'read_api'], 'GET', '/api/v4/groups', true],
    [['read_user'], 'GET', '/api/v4/personal_access_tokens/self', true],
    [['read_user'], 'DELETE', '/api/v4/personal_access_tokens/self', true],
    [['read_user'], 'DELETE', '/api/v4/personal_access_tokens/12', false],
    [['read_api'], 'GET', '/api/v4/personal_access_tokens', true],
    [[], 'GET', '/api/v4/user', false],
  ] as const)('%j %s %s → %s', (scopes, method, path, allowed) => {
    expect(scopesAllow(scopes, method, path)).toBe(allowed);
  });
});

describe('parseStoredScopes', () => {
  it('reads the stored list and drops what is not a scope', () => {
    expect(parseStoredScopes('api')).toEqual(['api']);
    expect(parseStoredScopes('read_api,read_user')).toEqual(['read_api', 'read_user']);
    expect(parseStoredScopes('sudo,read_api')).toEqual(['read_api']);
    expect(parseStoredScopes('')).toEqual([]);
  });
});

describe('isExpired', () => {
  const at = (iso: string) => new Date(iso);
  it('never for a token without a date', () => expect(isExpired(null, at('2999-01-01T00:00:00Z'))).toBe(false));
  it('not before the day', () => expect(isExpired('2026-12-06', at('2026-12-05T23:59:59.999Z'))).toBe(false));
  it('from 00:00 UTC of the day', () => expect(isExpired('2026-12-06', at('2026-12-06T00:00:00Z'))).toBe(true));
  it('after the day', () => expect(isExpired('2026-12-06', at('2027-01-01T12:00:00Z'))).toBe(true));
});
