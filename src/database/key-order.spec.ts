import { inKeyOrder } from './key-order.js';

describe('inKeyOrder', () => {
  it('drops the trailing key of rows already in key order and keeps their order', () => {
    expect(
      inKeyOrder([
        [1, 'a', 10],
        [2, 'b', 11],
        [3, 'c', 12],
      ]),
    ).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
  });

  it('sorts rows that arrive out of key order, numerically rather than as text', () => {
    expect(
      inKeyOrder([
        ['x', 100],
        ['y', 9],
        ['z', 20],
      ]),
    ).toEqual([['y'], ['z'], ['x']]);
  });

  it('reads keys that PostgreSQL sends as numeric strings as numbers', () => {
    expect(
      inKeyOrder([
        ['b', '12'],
        ['a', '3'],
      ]),
    ).toEqual([['a'], ['b']]);
  });

  it('accepts equal keys and the empty result', () => {
    expect(
      inKeyOrder([
        ['a', 5],
        ['b', 5],
      ]),
    ).toEqual([['a'], ['b']]);
    expect(inKeyOrder([])).toEqual([]);
  });
});
