import { keysetWindow, parseKeysetRequest } from './paging.js';

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ id: from + i }));
const window = (rows: { id: number }[], query: Record<string, unknown>) => {
  const { items, nextCursor, prevCursor } = keysetWindow(rows, parseKeysetRequest({ per_page: '3', ...query }), (row) => row.id);
  return { ids: items.map((r) => r.id), nextCursor, prevCursor };
};

/** keysetWindow: which rows form the page, and where the next and previous pages start. */
describe('keysetWindow', () => {
  it('first page: drops the extra row read past its end and points after its last row', () => {
    expect(window(ids(1, 4), {})).toEqual({ ids: [1, 2, 3], nextCursor: 3, prevCursor: null });
    expect(window(ids(1, 3), {})).toEqual({ ids: [1, 2, 3], nextCursor: null, prevCursor: null });
  });

  it('after a row: a previous page exists; a next one only when the extra row was read', () => {
    expect(window(ids(4, 7), { id_after: '3' })).toEqual({ ids: [4, 5, 6], nextCursor: 6, prevCursor: 4 });
    expect(window(ids(4, 5), { id_after: '3' })).toEqual({ ids: [4, 5], nextCursor: null, prevCursor: 4 });
  });

  it('before a row: the extra row is the first, a next page exists', () => {
    expect(window(ids(3, 6), { id_before: '7' })).toEqual({ ids: [4, 5, 6], nextCursor: 6, prevCursor: 4 });
    expect(window(ids(1, 3), { id_before: '4' })).toEqual({ ids: [1, 2, 3], nextCursor: 3, prevCursor: null });
  });

  it('from the end: no next page; a previous one only when the extra row was read', () => {
    expect(window(ids(7, 10), { from_end: 'true' })).toEqual({ ids: [8, 9, 10], nextCursor: null, prevCursor: 8 });
    expect(window(ids(1, 2), { from_end: 'true' })).toEqual({ ids: [1, 2], nextCursor: null, prevCursor: null });
  });

  it('an empty page has no cursors', () => {
    expect(window([], { id_after: '99' })).toEqual({ ids: [], nextCursor: null, prevCursor: null });
  });
});
