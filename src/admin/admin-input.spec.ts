import { DomainError } from '../common/domain-error.js';
import { bodyId, jsonObject, pathId, queryInteger, queryString, queryTimeBound } from './admin-input.js';

function problem(fn: () => unknown): { code: string; fields?: Record<string, string[]>; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, fields: error.options.fields, message: error.message };
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('queryTimeBound', () => {
  it.each([
    ['2025-01-31', 'after', '2025-01-30T23:59:59.999Z'],
    ['2025-01-31', 'before', '2025-02-01T00:00:00.000Z'],
    ['2024-02-29', 'before', '2024-03-01T00:00:00.000Z'],
    ['2025-01-31T10:00:00Z', 'after', '2025-01-31T09:59:59.999Z'],
    ['2025-01-31T10:00:00Z', 'before', '2025-01-31T10:00:00.001Z'],
    ['2025-01-31T10:00Z', 'before', '2025-01-31T10:00:00.001Z'],
    ['2025-01-31T10:00:00.5+02:00', 'after', '2025-01-31T08:00:00.499Z'],
    ['2025-01-31T10:00:00 02:00', 'after', '2025-01-31T07:59:59.999Z'],
    ['2025-01-31T10:00:00-0130', 'before', '2025-01-31T11:30:00.001Z'],
  ] as const)('%s as created_%s → exclusive bound %s', (value, side, expected) => {
    expect(queryTimeBound({ created_x: value }, 'created_x', side)).toBe(expected);
  });

  it.each(['yesterday', '2025-02-30', '2025-13-01', '2025-01-31T10:00:00', '2025-01-31T25:00Z', '31/01/2025', '2025-1-31', '0000-01-01', '1740873600000'])(
    'refuses %s with a field error',
    (value) => {
      expect(problem(() => queryTimeBound({ created_after: value }, 'created_after', 'after'))).toEqual({
        code: 'validation',
        message: 'created_after must be an ISO 8601 date or date-time',
        fields: { created_after: ['must be an ISO 8601 date or date-time'] },
      });
    },
  );

  it('is undefined when absent or empty', () => {
    expect(queryTimeBound({}, 'created_after', 'after')).toBeUndefined();
    expect(queryTimeBound({ created_after: '' }, 'created_after', 'after')).toBeUndefined();
  });
});

describe('ids', () => {
  it('reads path ids, refusing what is not a positive whole number and treating out-of-range ids as unknown', () => {
    expect(pathId('42', 'id', 'gone')).toBe(42);
    for (const raw of ['0', '-1', '1.5', 'abc', '', '1e3', '0x10']) expect(problem(() => pathId(raw, 'id', 'gone')).code).toBe('validation');
    expect(problem(() => pathId('2147483648', 'id', '404 Gone'))).toEqual({ code: 'not_found', message: '404 Gone', fields: undefined });
  });

  it('reads body ids as JSON numbers only', () => {
    expect(bodyId(7, 'user_id')).toBe(7);
    expect(problem(() => bodyId(undefined, 'user_id')).fields).toEqual({ user_id: ['is missing'] });
    for (const value of ['7', 7.5, 0, -3, 2147483648, true, [7], { id: 7 }]) {
      expect(problem(() => bodyId(value, 'user_id')).fields).toEqual({ user_id: ['must be a positive whole number'] });
    }
  });
});

describe('query values', () => {
  it('takes a single text value and refuses arrays, objects and overlong text', () => {
    expect(queryString({ search: 'a' }, 'search')).toBe('a');
    expect(queryString({ search: '' }, 'search')).toBeUndefined();
    expect(problem(() => queryString({ search: ['a', 'b'] }, 'search')).fields).toEqual({ search: ['must be given once, as text'] });
    expect(problem(() => queryString({ search: { $ne: 'x' } }, 'search')).code).toBe('validation');
    expect(problem(() => queryString({ search: 'x'.repeat(256) }, 'search')).fields).toEqual({ search: ['must be at most 255 characters'] });
  });

  it('takes a whole number within bounds', () => {
    expect(queryInteger({ status: '404' }, 'status', 100, 599)).toBe(404);
    for (const value of ['99', '600', '4.5', '-1', 'abc']) expect(problem(() => queryInteger({ status: value }, 'status', 100, 599)).code).toBe('validation');
  });

  it('accepts only JSON objects as bodies', () => {
    expect(jsonObject({ a: 1 })).toEqual({ a: 1 });
    for (const value of [null, undefined, [], 'x', 1, true]) expect(problem(() => jsonObject(value)).message).toBe('The request body must be a JSON object');
  });
});
