import { DomainError } from '../../common/domain-error.js';
import { filterEqualities, matchesValueFilter, parseValueFilter } from './value-filter.js';

const email = { value: 'Alice@Acme.com', type: 'work', primary: true, display: 'Alice (work)' };
const matches = (filter: string, element: unknown = email) => matchesValueFilter(parseValueFilter(filter), element);

describe('value filter evaluation', () => {
  it.each([
    ['type eq "work"', true],
    ['type eq "WORK"', true],
    ['TYPE EQ "work"', true],
    ['type eq "home"', false],
    ['type ne "home"', true],
    ['type ne "work"', false],
    ['value co "@acme"', true],
    ['value co "@ACME"', true],
    ['value sw "alice"', true],
    ['value ew ".COM"', true],
    ['value ew ".org"', false],
    ['display pr', true],
    ['nickname pr', false],
    ['primary eq true', true],
    ['primary eq false', false],
    ['primary ne false', true],
    ['type eq "work" and primary eq true', true],
    ['type eq "work" and primary eq false', false],
    ['type eq "home" or value co "acme"', true],
    ['not (type eq "home")', true],
    ['not(type eq "work")', false],
    ['(type eq "home" or type eq "work") and not (value ew ".org")', true],
    ['type eq "work" or type eq "home" and primary eq false', true], // and binds tighter than or
    ['value gt "a"', true],
    ['value lt "a"', false],
    ['nickname eq null', true],
    ['type eq null', false],
  ])('%s → %p', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it('compares a string boolean in the element against a boolean in the filter', () => {
    expect(matches('primary eq true', { primary: 'True' })).toBe(true);
  });

  it('compares numbers numerically', () => {
    expect(matches('level ge 2', { level: 10 })).toBe(true);
    expect(matches('level lt 2.5', { level: 10 })).toBe(false);
  });

  it('never matches a non-object element', () => {
    expect(matches('type eq "work"', 'work')).toBe(false);
    expect(matches('type eq "work"', null)).toBe(false);
  });

  it('reads quoted values with spaces, escapes, brackets and Unicode', () => {
    expect(matches('display eq "Alice (work)"')).toBe(true);
    expect(matches('value eq "a\\"b]"', { value: 'a"b]' })).toBe(true);
    expect(matches('value eq "Zoë"', { value: 'ZOË' })).toBe(true);
  });
});

describe('value filter syntax errors', () => {
  it.each([
    ['', 'empty filter'],
    ['type', 'expected an operator'],
    ['type equals "work"', 'expected an operator'],
    ['type eq', 'expected a value'],
    ['type eq work', 'expected a value'],
    ['type eq "work', 'unterminated string'],
    ['type eq "work" and', 'expected an expression'],
    ['(type eq "work"', 'expected ")"'],
    ['not type eq "work"', 'expected "("'],
    ['type eq "work" extra', 'unexpected extra'],
    ['"type" eq "work"', 'expected an attribute name'],
    ['type eq "\\q"', 'invalid escape'],
  ])('[%s] → invalid_path mentioning %s', (filter, message) => {
    let error: unknown;
    try {
      parseValueFilter(filter);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_path');
    expect((error as DomainError).message).toContain(message);
  });
});

describe('filterEqualities', () => {
  it.each([
    ['type eq "work"', { type: 'work' }],
    ['type eq "work" and primary eq true', { type: 'work', primary: true }],
    ['type eq "work" and type eq "WORK"', { type: 'WORK' }],
  ])('%s pins down %p', (filter, expected) => {
    expect(filterEqualities(parseValueFilter(filter))).toEqual(expected);
  });

  it.each(['type ne "work"', 'type eq "work" or type eq "home"', 'not (type eq "work")', 'value co "x"', 'type pr', 'type eq null', 'type eq "work" and type eq "home"', 'name.type eq "x"'])(
    '%s pins nothing down',
    (filter) => {
      expect(filterEqualities(parseValueFilter(filter))).toBeUndefined();
    },
  );
});

describe('value filter limits', () => {
  it('accepts 50 levels of parentheses and refuses 51 with a short detail', () => {
    expect(matches(`${'('.repeat(50)}type eq "work"${')'.repeat(50)}`)).toBe(true);
    let error: unknown;
    try {
      parseValueFilter(`${'('.repeat(5000)}type eq "work"${')'.repeat(5000)}`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_path');
    expect((error as DomainError).message).toMatch(/^invalid filter \[\({100}…\]: parentheses nested more than 50 deep at position 51$/);
  });
});
