import { redact, redactedBodyText, redactQuery, REDACTED } from './redaction.js';

describe('redaction', () => {
  it('replaces passwords, tokens and secrets at any depth', () => {
    const body = { userName: 'a', password: 'hunter2', nested: { api_token: 't', list: [{ clientSecret: 's', keep: 1 }] } };
    expect(redact(body)).toEqual({ userName: 'a', password: REDACTED, nested: { api_token: REDACTED, list: [{ clientSecret: REDACTED, keep: 1 }] } });
  });

  it('never lets a secret value through the text form', () => {
    const text = redactedBodyText({ password: 'hunter2', userName: 'alice' })!;
    expect(text).not.toContain('hunter2');
    expect(text).toContain('alice');
  });

  it('bounds the stored size', () => {
    expect(redactedBodyText({ big: 'x'.repeat(200_000) })!.length).toBeLessThan(70_000);
  });

  it('stores nothing for an empty body', () => {
    expect(redactedBodyText(undefined)).toBeNull();
    expect(redactedBodyText({})).toBeNull();
  });

  it('redacts secret query parameters', () => {
    expect(redactQuery('filter=userName%20eq%20%22a%22&access_token=abc')).toBe(`filter=userName+eq+%22a%22&access_token=${encodeURIComponent(REDACTED)}`);
  });
});
