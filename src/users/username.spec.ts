import { firstFreeUsername, sanitizeUsername } from './username.js';

describe('sanitizeUsername', () => {
  it.each([
    ['alice@acme.com', 'alice'],
    ['Alice.Liddell@acme.com', 'Alice.Liddell'],
    ['zoë.müller@acme.eu', 'zoe.muller'],
    ['  bob  ', 'bob'],
    ['-._weird__name._-@x', 'weird__name'],
    ['a..b@x', 'a.b'],
    ['山田@example.jp', 'user'],
    ['@acme.com', 'user'],
    ['7d8e4f0a-1b2c-4d3e-9f00-aabbccddeeff', '7d8e4f0a-1b2c-4d3e-9f00-aabbccddeeff'],
    ['<img src=x onerror=alert(1)>', 'imgsrcxonerroralert1'],
  ])('%s → %s', (input, expected) => {
    expect(sanitizeUsername(input)).toBe(expected);
  });
});

describe('firstFreeUsername', () => {
  it('keeps the base when it is free', () => expect(firstFreeUsername('alice', new Set())).toBe('alice'));
  it('counts up past taken names, case-insensitively', () => expect(firstFreeUsername('Alice', new Set(['alice', 'alice1']))).toBe('Alice2'));
});
