import { escapeHtml, linkOfferPage, refusalPage } from './saml-pages.js';
import { groupServiceProvider, instanceServiceProvider, isSamlPagePath, safeRelayPath } from './service-provider.js';

const BASE = 'https://roster.example';

describe('groupServiceProvider', () => {
  it('derives the entity id and every SAML URL from BASE_URL and the group path', () => {
    expect(groupServiceProvider(BASE, { id: 7, path: 'acme.eu' })).toEqual({
      entityId: 'https://roster.example/groups/acme.eu',
      acsUrl: 'https://roster.example/groups/acme.eu/-/saml/callback',
      ssoUrl: 'https://roster.example/groups/acme.eu/-/saml/sso',
      sloUrl: 'https://roster.example/groups/acme.eu/-/saml/slo',
      metadataUrl: 'https://roster.example/groups/acme.eu/-/saml/metadata',
      authorizeUrl: 'https://roster.example/groups/acme.eu/-/saml/authorize',
      troubleshootUrl: 'https://roster.example/#/groups/7/saml/troubleshoot',
      pathPrefix: '/groups/acme.eu/-/saml',
    });
  });
});

describe('instanceServiceProvider', () => {
  it('puts the instance provider at GitLab self-managed paths, with BASE_URL as its entity id', () => {
    expect(instanceServiceProvider(BASE)).toEqual({
      entityId: 'https://roster.example',
      acsUrl: 'https://roster.example/users/auth/saml/callback',
      ssoUrl: 'https://roster.example/users/auth/saml/sso',
      sloUrl: 'https://roster.example/users/auth/saml/slo',
      metadataUrl: 'https://roster.example/users/auth/saml/metadata',
      authorizeUrl: 'https://roster.example/users/auth/saml/authorize',
      troubleshootUrl: 'https://roster.example/#/admin/sign-in-troubleshooter',
      pathPrefix: '/users/auth/saml',
    });
  });
});

describe('safeRelayPath', () => {
  it.each([
    ['/groups/acme', '/groups/acme'],
    ['/groups/acme?tab=members#top', '/groups/acme?tab=members#top'],
    ['/a/../b', '/b'],
  ])('keeps the same-site path %s', (relay, expected) => {
    expect(safeRelayPath(relay, BASE)).toBe(expected);
  });

  it.each([
    ['another origin', 'https://evil.example/x'],
    ['a protocol-relative URL', '//evil.example/x'],
    ['a backslash trick', '/\\evil.example'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a relative path', 'groups/acme'],
    ['a control character', '/x\n/y'],
    ['an empty value', ''],
    ['a non-string', ['/a']],
    ['a very long value', `/${'a'.repeat(3000)}`],
  ])('falls back to / for %s', (_name, relay) => {
    expect(safeRelayPath(relay, BASE)).toBe('/');
  });
});

describe('isSamlPagePath', () => {
  it('matches the SAML pages of any group and of the instance, and nothing else', () => {
    expect(isSamlPagePath('/groups/acme/-/saml/callback')).toBe(true);
    expect(isSamlPagePath('/users/auth/saml/callback')).toBe(true);
    expect(isSamlPagePath('/users/auth/samlx')).toBe(false);
    expect(isSamlPagePath('/api/v4/users')).toBe(false);
    expect(isSamlPagePath('/groups/acme/-/saml')).toBe(true);
    expect(isSamlPagePath('/groups/acme/-/samlx')).toBe(false);
    expect(isSamlPagePath('/api/v4/groups/acme')).toBe(false);
  });
});

describe('SAML pages', () => {
  it('escape every character that could open markup or an attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe('&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#96;');
  });

  it('render refusals and link offers with every supplied value escaped', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const refusal = refusalPage({ title: evil, message: evil, steps: [evil], reason: evil });
    const offer = linkOfferPage({ groupName: evil, userName: evil, username: evil, nameId: evil, email: evil, authorizeAction: '/x', csrfToken: '"><script>', pending: '1', relayState: evil });
    for (const html of [refusal, offer]) {
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('<script>');
    }
  });
});
