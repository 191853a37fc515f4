import { uiLocationOf } from './web-url-redirects.js';

describe('web_url → UI page', () => {
  it('sends a group web_url to the group page, by path (dots allowed)', () => {
    expect(uiLocationOf('/groups/acme')).toBe('/#/groups/acme');
    expect(uiLocationOf('/groups/acme.eu/')).toBe('/#/groups/acme.eu');
  });

  it('sends a user web_url to the admin user search for that username', () => {
    expect(uiLocationOf('/alice.smith')).toBe('/#/admin/users?search=alice.smith');
    expect(uiLocationOf('/root')).toBe('/#/admin/users?search=root');
  });

  it('leaves the API, SAML endpoints, health, metrics and the UI files alone', () => {
    for (const path of [
      '/',
      '/api/v4/groups',
      '/groups/acme/-/saml/sso',
      '/groups/acme/-/saml/metadata',
      '/health',
      '/metrics',
      '/favicon.svg',
      '/index.html',
      '/css/base.css',
      '/js/main.js',
      '/groups',
      '/-/x',
      '/a/b',
    ]) {
      expect([path, uiLocationOf(path)]).toEqual([path, null]);
    }
  });
});
