import { metricsAccess } from './metrics-access.js';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('metricsAccess', () => {
  it('serves a loopback bind without a token', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost']) expect(metricsAccess(host, undefined, undefined)).toBe('allowed');
  });

  it('is off on a network bind without a token, whatever the request sends', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5']) expect(metricsAccess(host, undefined, `Bearer ${TOKEN}`)).toBe('off');
  });

  it('wants the configured bearer token once one is set, on any bind', () => {
    for (const host of ['0.0.0.0', '127.0.0.1']) {
      expect(metricsAccess(host, TOKEN, `Bearer ${TOKEN}`)).toBe('allowed');
      expect(metricsAccess(host, TOKEN, `bearer ${TOKEN}`)).toBe('allowed');
      expect(metricsAccess(host, TOKEN, undefined)).toBe('unauthenticated');
      expect(metricsAccess(host, TOKEN, `Bearer ${TOKEN}x`)).toBe('unauthenticated');
      expect(metricsAccess(host, TOKEN, `Bearer ${TOKEN.slice(1)}`)).toBe('unauthenticated');
      expect(metricsAccess(host, TOKEN, TOKEN)).toBe('unauthenticated');
      expect(metricsAccess(host, TOKEN, `Basic ${TOKEN}`)).toBe('unauthenticated');
    }
  });
});
