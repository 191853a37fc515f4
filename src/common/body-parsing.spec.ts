import { acceptableJsonType, findUnstorableText } from './body-parsing.js';

describe('acceptableJsonType', () => {
  it.each([
    ['application/scim+json', true],
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['application/scim+json;charset=UTF-8', true],
    ['Application/JSON', true],
    ['application/json; charset=iso-8859-1', false],
    ['text/plain', false],
    ['application/xml', false],
    ['multipart/form-data; boundary=x', false],
    [undefined, false],
  ])('%s → %s', (header, expected) => {
    expect(acceptableJsonType(header)).toBe(expected);
  });
});

describe('findUnstorableText', () => {
  it.each([
    [{ userName: 'alice@example.com', name: { givenName: 'Zoë 山田 🚀' } }, undefined],
    [{ userName: 'a\u0000b' }, 'userName'],
    [{ emails: [{ value: 'ok' }, { value: '\ud800@x' }] }, 'emails[1].value'],
    [{ x: 'lone low \udc00' }, 'x'],
    [{ ['a\u0000']: 1 }, 'a member name in the body'],
    ['\u0000', 'the body'],
    [[1, true, null, '🚀'], undefined],
  ])('%j → %s', (body, expected) => {
    expect(findUnstorableText(body)).toBe(expected);
  });

  it('walks very deep nesting without recursion', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnstorableText(deep)).toMatch(/^\[0\]/);
  });
});
