import { placeholders, positional, scopeCondition } from './named-params.js';

describe('positional', () => {
  it('replaces each named placeholder with ? and lists the values in order of appearance', () => {
    expect(positional('a = :f0 AND (b = :f1 OR c = :f0)', { f0: 'x', f1: 2 })).toEqual({ sql: 'a = ? AND (b = ? OR c = ?)', values: ['x', 2, 'x'] });
  });

  it('keeps PostgreSQL casts and names it was not given', () => {
    expect(positional("a::text = :f0 AND b = ':other' AND c = :missing", { f0: 1 })).toEqual({
      sql: "a::text = ? AND b = ':other' AND c = :missing",
      values: [1],
    });
  });

  it('does not take a longer name for a shorter one', () => {
    expect(positional(':f1 :f10', { f1: 'one', f10: 'ten' })).toEqual({ sql: '? ?', values: ['one', 'ten'] });
  });

  it('expands a list placeholder into one ? per element', () => {
    expect(positional('a = :g AND u IN (:...ids)', { g: 1, ids: [5, 6, 7] })).toEqual({ sql: 'a = ? AND u IN (?, ?, ?)', values: [1, 5, 6, 7] });
    expect(() => positional('u IN (:...ids)', { ids: [] })).toThrow('non-empty array');
  });

  it('passes SQL without placeholders through', () => {
    expect(positional('SELECT 1', {})).toEqual({ sql: 'SELECT 1', values: [] });
  });
});

describe('placeholders and scopeCondition', () => {
  it('lists one ? per value', () => {
    expect(placeholders(1)).toBe('?');
    expect(placeholders(3)).toBe('?, ?, ?');
  });

  it('compares group_id for a group and tests for NULL for the instance', () => {
    expect(scopeCondition('i', 7)).toEqual({ sql: 'i."group_id" = ?', values: [7] });
    expect(scopeCondition('s', null)).toEqual({ sql: 's."group_id" IS NULL', values: [] });
  });
});
