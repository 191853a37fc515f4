import { acceptableJsonType } from './body-parsing.js';

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
